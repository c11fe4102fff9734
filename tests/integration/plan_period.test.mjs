/* plan_period.test.mjs: contract v2 §6 over stored statistics:
 * `chatadmin stats import` (the example four weeks, a round trip through
 * `stats --format csv`, every kind of bad line named, all or nothing;
 * contract v3 §6: CR-only line ends, a bucket twice, counters the config
 * does not name and counts past the cap refused; a killed import undone or
 * finished by the next command),
 * `chatadmin plan --from --to` in CSV and JSON with --redistribute, and
 * GET /api/plan giving the same JSON to coordinators only. */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
    ALICE, CHATADMIN, REPO, addWorker, httpGet, prepare, scenario, workerLogin,
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

/* A question whose answers are counters (q_safe_yes, q_safe_no). */
const SAFE = `[question safe]
text_fi = Oletko turvassa?
text_sv = Är du trygg?
text_en = Are you safe?
answers = yes, no
label_fi = Kyllä, En
label_sv = Ja, Nej
label_en = Yes, No`;

test('stats import names each bad line and stores nothing of a bad file', { timeout: 60000 }, async () => {
    const env = await prepare({ ...TOPICS, extra: SAFE });
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
            const said = r.stderr.trim().split('\n');
            assert.ok(said.length <= 2, `the problem and a summary: ${r.stderr}`);
            if (said.length === 2) assert.match(said[1], /: 1 problem \(each said\); nothing imported$/);
        }
        const json = JSON.parse((await env.admin(['stats', '--from', '2026-11-02', '--to', '2026-11-02', '--format', 'json'])).stdout);
        assert.deepEqual(json.buckets, [], 'nothing of the bad files was stored');
        const missing = await env.admin(['stats', 'import', path.join(env.dir, 'nope.csv')]);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /cannot read/);
        /* a subset of columns is fine; what is missing is 0, and counts add
         * to what is stored */
        const ok = path.join(env.dir, 'ok.csv');
        fs.writeFileSync(ok, `topic,hour,joins,q_safe_no\n${H},3,1\n`);
        assert.equal((await env.admin(['stats', 'import', ok])).code, 0);
        fs.writeFileSync(ok, `topic,hour,joins,q_safe_no\n${H},2,\n`);
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

/* The stats of one day as JSON buckets. */
async function bucketsOf(env, day) {
    const r = await env.admin(['stats', '--from', day, '--to', day, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).buckets;
}

/* n lines of consecutive local hours for youth from 2000-01-01 (UTC+2 in
 * winter: the hours are written in UTC to be exact), joins = 1 each. */
function hoursCsv(n, { last = null } = {}) {
    const lines = ['topic,hour,joins,answered,cat_school'];
    const t0 = Date.UTC(2000, 0, 1);
    for (let i = 0; i < n; i++) {
        const hour = new Date(t0 + i * 3600e3).toISOString().replace('.000Z', '+00:00');
        lines.push(i === n - 1 && last ? last : `youth,${hour},1,1,1`);
    }
    return lines.join('\n') + '\n';
}

test('stats import refuses CR-only line ends, a bucket twice, columns the config does not know and counts past the cap, each naming its line', { timeout: 60000 }, async () => {
    const env = await prepare(TOPICS);
    const H = 'youth,2026-11-02T18:00:00+02:00';
    const file = path.join(env.dir, 'f.csv');
    const imp = async (text) => {
        fs.writeFileSync(file, text);
        return env.admin(['stats', 'import', file]);
    };
    try {
        const cases = [
            /* once "imported 0 buckets" with exit 0: the file read as one header line */
            [`topic,hour,joins\r${H},3\r`, /f\.csv:1: a CR without an LF/],
            [`topic,hour,joins\n${H},3\r${H},4\n`, /f\.csv:2: a CR without an LF/],
            /* once summed past the cap */
            [`topic,hour,joins\n${H},3\n# a comment\n${H},4\n`, /f\.csv:4: the bucket \(topic and hour\) of line 2 again/],
            /* once accepted, and /api/stats then answered 500 */
            ['topic,hour,q_nope_x\n', /f\.csv:1: unknown column "q_nope_x": the config has no such question answer or category/],
            ['topic,hour,cat_gardening\n', /f\.csv:1: unknown column "cat_gardening"/],
            [`topic,hour,joins\n${H},1000000001\n`, /f\.csv:2: bad joins "1000000001": a count 0\.\.1000000000/],
            [`topic,hour,joins\n${H}, 3\n`, /f\.csv:2: bad joins " 3"/],
            [`topic,hour,joins\n${H},3\0\n`, /f\.csv:2: a NUL byte/],
        ];
        for (const [text, why] of cases) {
            const r = await imp(text);
            assert.equal(r.code, 1, `${JSON.stringify(text)}: ${r.stdout}`);
            assert.match(r.stderr, why, JSON.stringify(text));
        }
        assert.deepEqual(await bucketsOf(env, '2026-11-02'), [], 'nothing of the bad files was stored');
        /* every problem is said, up to 20, and counted */
        const many = ['topic,hour,joins', `${H},1`];
        for (let i = 0; i < 25; i++) many.push(`${H},x${i}`);
        const r = await imp(many.join('\n') + '\n');
        const said = r.stderr.trim().split('\n');
        assert.equal(said.length, 21, r.stderr);
        assert.match(said[0], /f\.csv:3: bad joins "x0"/);
        assert.match(said[20], /f\.csv: 25 problems \(the first 20 said\); nothing imported/);
        /* CRLF stays accepted; a stored bucket gets the file's counts added, up to the cap */
        assert.equal((await imp(`topic,hour,joins,cat_school\r\n${H},999999999,2\r\n`)).code, 0);
        const over = await imp(`topic,hour,joins,cat_school\n${H},1,0\n${H.replace('18:', '19:')},1,0\n${H},0,1000000000\n`);
        assert.equal(over.code, 1);
        assert.match(over.stderr, /f\.csv:4: the bucket \(topic and hour\) of line 2 again/);
        const cap = await imp(`topic,hour,joins,cat_school\n${H.replace('18:', '19:')},1,0\n${H},2,999999999\n`);
        assert.equal(cap.code, 1, cap.stdout);
        assert.match(cap.stderr, /f\.csv:3: joins 2 added to the 999999999 stored passes the cap 1000000000/);
        assert.match(cap.stderr, /f\.csv:3: cat_school 999999999 added to the 2 stored passes the cap/);
        const b = await bucketsOf(env, '2026-11-02');
        assert.equal(b.length, 1, 'the 19:00 bucket of the refused file is not stored');
        assert.equal(b[0].joins, 999999999);
        assert.equal(b[0].cat_school, 2);
        assert.equal((await imp(`topic,hour,joins\n${H},1\n`)).code, 0, 'up to the cap is fine');
        assert.equal((await bucketsOf(env, '2026-11-02'))[0].joins, 1000000000);
    } finally {
        env.cleanup();
    }
});

/* Runs `chatadmin stats import file` and kills it (SIGKILL) once the
 * database shows when(); resolves to what the sqlite3 shell saw then. */
async function killImportWhen(env, file, query, when) {
    const db = path.join(env.dataDir, 'chatd.db');
    const child = spawn(CHATADMIN, ['--config', env.cfg, 'stats', 'import', file], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let gone = null;
    exited.then((x) => { gone = x; });
    for (;;) {
        const seen = execFileSync('sqlite3', [db, query]).toString().trim();
        if (when(seen)) {
            child.kill('SIGKILL');
            assert.deepEqual(await exited, { code: null, signal: 'SIGKILL' }, 'killed while it ran');
            return seen;
        }
        assert.equal(gone, null, `the import ended before it could be killed (${query}: ${seen})`);
        await new Promise((r) => setImmediate(r));
    }
}

test('an import killed while staging is undone by the next chatadmin command, one killed while merging is finished by it', { timeout: 300000 }, async () => {
    const env = await prepare(TOPICS);
    const db = path.join(env.dataDir, 'chatd.db');
    const sql = (q) => execFileSync('sqlite3', [db, q]).toString().trim();
    try {
        const n = 20000;
        const file = path.join(env.dir, 'hours.csv');
        fs.writeFileSync(file, hoursCsv(n));
        assert.equal((await env.admin(['user', 'list'])).code, 0, 'the database exists');
        await killImportWhen(env, file, 'SELECT count(*) FROM import_stage', (seen) => Number(seen) > 100);
        const undo = await env.admin(['stats', '--from', '2000-01-01', '--to', '2000-01-01']);
        assert.equal(undo.code, 0, undo.stderr);
        assert.match(undo.stderr, /undid the import of .*hours\.csv that stopped before its file was read whole: nothing of it was stored/);
        assert.equal(sql('SELECT (SELECT count(*) FROM stats) || (SELECT count(*) FROM import_stage) || (SELECT count(*) FROM import_stage_extra) || (SELECT count(*) FROM import_run)'), '0000');

        const seen = await killImportWhen(env, file, 'SELECT coalesce((SELECT state FROM import_run), -1) || \' \' || (SELECT count(*) FROM stats)',
            (x) => x.startsWith('1 ') && Number(x.split(' ')[1]) > 0);
        console.log(`killed while merging: ${seen.split(' ')[1]} of ${n} buckets merged`);
        const fin = await env.admin(['user', 'list']);
        assert.equal(fin.code, 0, fin.stderr);
        assert.match(fin.stderr, new RegExp(`finished the interrupted import of .*hours\\.csv \\(${n} buckets\\)`));
        assert.equal(sql('SELECT count(*) || \' \' || sum(joins) || \' \' || sum(answered) FROM stats'), `${n} ${n} ${n}`, 'every bucket once');
        assert.equal(sql('SELECT count(*) || \' \' || sum(n) FROM stats_extra'), `${n} ${n}`);
        assert.equal(sql('SELECT (SELECT count(*) FROM import_stage) + (SELECT count(*) FROM import_run)'), '0');
        const again = await env.admin(['user', 'list']);
        assert.equal(again.stderr, '', 'nothing left to finish');
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
