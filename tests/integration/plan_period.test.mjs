/* plan_period.test.mjs: contract v2 §6 over stored statistics:
 * `chatadmin stats import` (the example four weeks, a round trip through
 * `stats --format csv`, every kind of bad line named, all or nothing),
 * `chatadmin plan --from --to` in CSV and JSON with --redistribute, and
 * GET /api/plan giving the same JSON to coordinators only. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
    ALICE, REPO, addWorker, httpGet, prepare, scenario, workerLogin,
} from './harness.mjs';

const EXAMPLE = path.join(REPO, 'config', 'example-stats.csv');
const TOPICS = { topics: { youth: {}, parents: { audience: 'parent' } } };
const PERIOD = ['--from', '2026-10-26', '--to', '2026-11-22'];

test('the example CSV imports, and stats exports what was imported (a round trip)', { timeout: 60000 }, async () => {
    const env = await prepare(TOPICS);
    try {
        const r = await env.admin(['stats', 'import', EXAMPLE]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^imported 454 buckets from /);
        const out = await env.admin(['stats', ...PERIOD, '--format', 'csv']);
        assert.equal(out.code, 0, out.stderr);
        const file = path.join(env.dir, 'again.csv');
        fs.writeFileSync(file, out.stdout);
        const env2 = await prepare(TOPICS);
        try {
            assert.equal((await env2.admin(['stats', 'import', file])).code, 0);
            const again = await env2.admin(['stats', ...PERIOD, '--format', 'csv']);
            assert.equal(again.stdout, out.stdout, 'exported, imported and exported again: the same');
        } finally {
            env2.cleanup();
        }
        /* the sums of the example survive */
        const json = JSON.parse((await env.admin(['stats', ...PERIOD, '--format', 'json'])).stdout);
        const sum = (k) => json.buckets.reduce((n, b) => n + b[k], 0);
        const lines = fs.readFileSync(EXAMPLE, 'utf8').trim().split('\n');
        const cols = lines[0].split(',');
        const want = (k) => lines.slice(1).reduce((n, l) => n + Number(l.split(',')[cols.indexOf(k)]), 0);
        for (const k of ['joins', 'answered', 'slot_s', 'wrapup_s', 'cat_school']) assert.equal(sum(k), want(k), k);
    } finally {
        env.cleanup();
    }
});

test('stats import names each bad line and stores nothing of a bad file', { timeout: 60000 }, async () => {
    const env = await prepare(TOPICS);
    const H = 'youth,2026-11-02T18:00:00+02:00';
    const cases = [
        ['topic,hour,joins,colour\n', /:1: unknown column "colour"/],
        ['hour,joins\n', /:1: the columns topic and hour are required/],
        ['topic,hour,joins,joins\n', /:1: column "joins" twice/],
        [`topic,hour,joins\n${H},3\n${H},x\n`, /:3: bad joins "x"/],
        [`topic,hour,joins\n${H},3\n${H},<5\n`, /:3: bad joins "<5".*hidden counts/],
        [`topic,hour,joins\n${H},3\nnowhere,2026-11-02T18:00:00+02:00,1\n`, /:3: unknown topic "nowhere"/],
        [`topic,hour,joins\n${H},3\nyouth,2026-11-02T18:30:00+02:00,1\n`, /:3: bad hour/],
        [`topic,hour,joins\n${H},3\nyouth,2026-11-02,1\n`, /:3: bad hour/],
        [`topic,hour,joins\n${H},3,4\n`, /:2: 4 fields, the header has 3/],
        [`topic,hour,joins\n${H},-1\n`, /:2: bad joins "-1"/],
    ];
    try {
        for (const [text, why] of cases) {
            const file = path.join(env.dir, 'bad.csv');
            fs.writeFileSync(file, text);
            const r = await env.admin(['stats', 'import', file]);
            assert.equal(r.code, 1, `${JSON.stringify(text)}: ${r.stdout}`);
            assert.match(r.stderr, why);
            assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
        }
        const json = JSON.parse((await env.admin(['stats', '--from', '2026-11-02', '--to', '2026-11-02', '--format', 'json'])).stdout);
        assert.deepEqual(json.buckets, [], 'nothing of the bad files was stored');
        const missing = await env.admin(['stats', 'import', path.join(env.dir, 'nope.csv')]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /cannot read/);
        /* a subset of columns is fine; what is missing is 0, and counts add */
        const ok = path.join(env.dir, 'ok.csv');
        fs.writeFileSync(ok, `topic,hour,joins,q_safe_no\n${H},3,1\n${H},2,\n`);
        assert.equal((await env.admin(['stats', 'import', ok])).code, 0);
        const b = JSON.parse((await env.admin(['stats', '--from', '2026-11-02', '--to', '2026-11-02', '--format', 'json'])).stdout).buckets;
        assert.equal(b.length, 1);
        assert.equal(b[0].joins, 5);
        assert.equal(b[0].q_safe_no, 1);
        assert.equal(b[0].answered, 0);
    } finally {
        env.cleanup();
    }
});

test('plan over the example weeks: rows, the evening short of slots, and a redistribution that helps', { timeout: 60000 }, async () => {
    const env = await prepare(TOPICS);
    try {
        assert.equal((await env.admin(['stats', 'import', EXAMPLE])).code, 0);
        const csv = await env.admin(['plan', ...PERIOD, '--topic', 'youth']);
        assert.equal(csv.code, 0, csv.stderr);
        const [header, ...rows] = csv.stdout.trim().split('\n');
        const cols = header.split(',');
        const get = (row, k) => row.split(',')[cols.indexOf(k)];
        const monday19 = rows.find((r) => r.startsWith('youth,1,19,'));
        assert.ok(monday19, 'Monday 19:00 is a row');
        assert.equal(get(monday19, 'weeks'), '4');
        assert.ok(Number(get(monday19, 'slots_needed')) > Number(get(monday19, 'slots_had')),
            `the evening needs more than it had: ${monday19}`);
        assert.ok(rows.every((r) => r.startsWith('youth,')), '--topic');
        const json = JSON.parse((await env.admin(['plan', ...PERIOD, '--redistribute', '--format', 'json',
            '--target-wait', '600', '--target-share', '0.9'])).stdout);
        assert.deepEqual(json.target, { wait_s: 600, share: 0.9 });
        const a = json.answered_per_week;
        assert.ok(a.now > 0 && a.redistributed >= a.now && a.planned >= a.redistributed,
            `now ${a.now} <= redistributed ${a.redistributed} <= planned ${a.planned}`);
        assert.ok(json.hours.every((h) => Number.isInteger(h.slots_proposed)));
        const had = json.hours.reduce((n, h) => n + h.slots_had * h.weeks, 0) / 4;
        const proposed = json.hours.reduce((n, h) => n + h.slots_proposed, 0);
        assert.ok(Math.abs(proposed - had) <= 2, `the same staff: ${proposed} slot-hours proposed, ${had} had`);
        for (const h of json.hours) {
            if (h.slots_had === 0) assert.equal(h.slots_proposed, 0, 'no slots where the topic was closed');
        }
    } finally {
        env.cleanup();
    }
});

scenario('GET /api/plan: coordinators and admins get what chatadmin plan prints', TOPICS, async (srv) => {
    assert.equal((await srv.admin(['stats', 'import', EXAMPLE])).code, 0);
    await addWorker(srv, { user: 'cora', password: 'cora-password-1', alias: 'Cora' }, 'coordinator');
    const q = '/api/plan?from=2026-10-26&to=2026-11-22&redistribute=1&target_share=0.8';
    assert.equal((await httpGet(srv.port, q)).status, 401);
    const alice = await workerLogin(srv.port, ALICE.user, ALICE.password);
    assert.equal((await httpGet(srv.port, q, { authorization: `Bearer ${alice.welcome.token}` })).status, 403);
    const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
    const auth = { authorization: `Bearer ${cora.welcome.token}` };
    const r = await httpGet(srv.port, q, auth);
    assert.equal(r.status, 200, r.body);
    const cli = await srv.admin(['plan', ...PERIOD, '--redistribute', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(cli.stdout));
    for (const bad of ['/api/plan?from=2026-10-26', '/api/plan?from=2026-10-26&to=2026-11-22&target_share=2',
        '/api/plan?from=2026-10-26&to=2026-11-22&target_wait_s=x', '/api/plan?from=2026-10-26&to=2026-11-22&topic=nope',
        '/api/plan?from=2026-10-26&to=2026-11-22&redistribute=yes']) {
        assert.equal((await httpGet(srv.port, bad, auth)).status, 400, bad);
    }
});
