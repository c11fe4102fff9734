/* plan_pooled.test.mjs: the pooled plan (contract v3 §4) on the example
 * federation (config/federation.ini's orgs and topics, both example
 * statistics files): `chatadmin plan --pooled` in JSON and CSV, its figures
 * adding up per org, more answered as one pool than apart (the orgs' busy
 * hours differ), and GET /api/plan?pooled=1 giving a federation admin the
 * same JSON. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, addWorker, httpGet, prepare, scenario, workerLogin } from './harness.mjs';

const STATS = ['example-stats.csv', 'federation-stats.csv'].map((f) => path.join(REPO, 'config', f));
const PERIOD = ['--from', '2026-10-26', '--to', '2026-11-22'];

/* federation.ini's [org] and [topic] sections, without its key paths (the
 * orgs use the test's server key) */
function federation() {
    const text = fs.readFileSync(path.join(REPO, 'config', 'federation.ini'), 'utf8');
    const sections = text.slice(text.indexOf('[org '));
    return sections.split('\n').filter((l) => !/^(transcript_key|letters_pub|letters_key|letters)\s*=/.test(l)).join('\n');
}
const FED = { topics: {}, extra: federation(), aliceOrgs: 'west' };

async function imported(env) {
    for (const f of STATS) {
        const r = await env.admin(['stats', 'import', f]);
        assert.equal(r.code, 0, r.stderr);
    }
}

const near = (a, b, eps, what) => assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} vs ${b}`);

test('plan --pooled: the federation answers more as one pool, and the orgs add up', { timeout: 60000 }, async () => {
    const env = await prepare(FED);
    try {
        await imported(env);
        const r = await env.admin(['plan', ...PERIOD, '--pooled', '--format', 'json']);
        assert.equal(r.code, 0, r.stderr);
        const a = JSON.parse(r.stdout).answered_per_week;
        assert.deepEqual(Object.keys(a), ['now', 'observed', 'pooled', 'orgs']);
        assert.deepEqual(a.orgs.map((o) => o.org), ['west', 'east']);
        /* offset peaks: clearly more together, yet not more than arrive */
        assert.ok(a.pooled > a.now + 10, `pooled ${a.pooled} vs now ${a.now}`);
        const sum = (k) => a.orgs.reduce((s, o) => s + o[k], 0);
        near(sum('now'), a.now, 0.11, 'the orgs\' now');
        near(sum('pooled'), a.pooled, 0.11, 'the orgs\' pooled');
        /* now is the redistribution's now, to the digit */
        const red = JSON.parse((await env.admin(['plan', ...PERIOD, '--pooled', '--redistribute', '--format', 'json'])).stdout);
        assert.equal(red.answered_per_week.now, a.now);
        assert.equal(red.answered_per_week.pooled, a.pooled);
        assert.ok(red.answered_per_week.redistributed > 0);
        /* the CSV's summary lines say the same (each rounded once) */
        const csv = (await env.admin(['plan', ...PERIOD, '--pooled'])).stdout.trim().split('\n');
        const figures = (line, re) => {
            const m = re.exec(line);
            assert.ok(m, line);
            return m.slice(1).map(Number);
        };
        const [now, observed, pooled] = figures(csv.at(-3), /^# answered_per_week now=(\d+\.\d) observed=(\d+\.\d) pooled=(\d+\.\d)$/);
        near(now, a.now, 0.11, 'csv now');
        near(observed, a.observed, 0.11, 'csv observed');
        near(pooled, a.pooled, 0.11, 'csv pooled');
        ['west', 'east'].forEach((org, i) => {
            const [n, p] = figures(csv.at(i - 2), new RegExp(`^# answered_per_week org=${org} now=(\\d+\\.\\d) pooled=(\\d+\\.\\d)$`));
            near(n, a.orgs[i].now, 0.11, `csv ${org} now`);
            near(p, a.orgs[i].pooled, 0.11, `csv ${org} pooled`);
        });
        /* without --pooled: no pooled figure */
        const plain = JSON.parse((await env.admin(['plan', ...PERIOD, '--format', 'json'])).stdout);
        assert.equal(plain.answered_per_week, undefined);
    } finally {
        env.cleanup();
    }
});

scenario('GET /api/plan?pooled=1: what chatadmin plan --pooled prints', FED, async (srv) => {
    await imported(srv);
    const pw = 'fed-password-1';
    await addWorker(srv, { user: 'fed', password: pw, alias: 'Fed' }, 'admin', '*');
    const fed = await workerLogin(srv.port, 'fed', pw);
    const auth = { authorization: `Bearer ${fed.welcome.token}` };
    const q = '/api/plan?from=2026-10-26&to=2026-11-22&pooled=1';
    const r = await httpGet(srv.port, q, auth);
    assert.equal(r.status, 200, r.body);
    const cli = await srv.admin(['plan', ...PERIOD, '--pooled', '--format', 'json']);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(cli.stdout));
    const off = await httpGet(srv.port, '/api/plan?from=2026-10-26&to=2026-11-22&pooled=0', auth);
    assert.equal(off.status, 200);
    assert.equal(JSON.parse(off.body).answered_per_week, undefined);
    for (const bad of ['pooled=yes', 'pooled=2']) {
        const b = await httpGet(srv.port, `/api/plan?from=2026-10-26&to=2026-11-22&${bad}`, auth);
        assert.equal(b.status, 400, bad);
    }
});
