/* ops.test.mjs: deploy/prometheus-rules.yml and deploy/grafana-chatd.json,
 * checked for form and against the metrics a real chatd serves. ctest "ops".
 *
 * promtool (Debian's prometheus package) checks the rules and runs
 * tests/ops/rules_test.yml, which says when each alert fires; a missing
 * promtool fails the test rather than skipping it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO, startServer, httpGet, dumpServer } from '../integration/harness.mjs';

const RULES = path.join(REPO, 'deploy', 'prometheus-rules.yml');
const DASHBOARD = path.join(REPO, 'deploy', 'grafana-chatd.json');
const OPS_DIR = path.join(REPO, 'tests', 'ops');

/* Prometheus's own metrics; every chatd_* one must be served by chatd. */
const PROMETHEUS_OWN = new Set(['up']);

const PANEL_TYPES = new Set(['stat', 'timeseries', 'state-timeline', 'gauge', 'bargauge', 'table', 'text', 'row']);

function promtool(args, cwd) {
    const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
    if (r.error && r.error.code === 'ENOENT') {
        assert.fail('promtool not found: apt-get install prometheus (tests/run.sh installs it)');
    }
    assert.equal(r.status, 0, `promtool ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
}

/* chatd_* and up in a PromQL expression. */
function metricsIn(expr) {
    return new Set([...expr.matchAll(/\b(chatd_[a-z0-9_]+|up)\b/g)].map((m) => m[1]));
}

function loadRules() {
    return YAML.parse(fs.readFileSync(RULES, 'utf8'));
}

function loadDashboard() {
    return JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
}

/* Every panel, also those nested in collapsed rows. */
function allPanels(dash) {
    return dash.panels.flatMap((p) => [p, ...(p.panels || [])]);
}

test('promtool check rules accepts deploy/prometheus-rules.yml', () => {
    promtool(['check', 'rules', RULES], OPS_DIR);
});

test('promtool test rules: each alert fires when it should and not before', () => {
    promtool(['test', 'rules', 'rules_test.yml'], OPS_DIR);
});

test('the rules hold the alerts of issue 20, each with a severity and a text', () => {
    const doc = loadRules();
    assert.ok(Array.isArray(doc.groups) && doc.groups.length > 0, 'no rule groups');
    const rules = doc.groups.flatMap((g) => g.rules);
    const byName = new Map();
    for (const r of rules) {
        assert.ok(r.alert, `a rule without an alert name: ${JSON.stringify(r)}`);
        assert.ok(!byName.has(r.alert), `alert ${r.alert} is defined twice`);
        byName.set(r.alert, r);
        assert.ok(['page', 'warning'].includes(r.labels?.severity), `${r.alert}: severity must be page or warning`);
        assert.ok(r.annotations?.summary && r.annotations?.description, `${r.alert}: needs summary and description`);
    }
    const want = {
        ChatdTopicUnstaffed: { expr: 'chatd_topic_open == 1 and chatd_workers_on_duty == 0', for: '10m' },
        ChatdLongWait: { expr: 'chatd_queue_oldest_wait_seconds > 15 * 60' },
        ChatdDown: { expr: 'up{job="chatd"} == 0' },
        ChatdCommitSlow: { expr: 'chatd_commit_latency_seconds > 1', for: '5m' },
    };
    for (const [name, w] of Object.entries(want)) {
        const r = byName.get(name);
        assert.ok(r, `alert ${name} is missing`);
        assert.equal(r.expr.trim(), w.expr, `${name}: expression`);
        if (w.for) assert.equal(r.for, w.for, `${name}: for`);
    }
});

test('the dashboard is a well-formed Grafana dashboard', () => {
    const dash = loadDashboard();
    assert.equal(typeof dash.title, 'string');
    assert.match(dash.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.equal(typeof dash.schemaVersion, 'number');
    const vars = new Set(dash.templating.list.map((v) => v.name));
    for (const v of ['datasource', 'instance', 'topic']) assert.ok(vars.has(v), `no template variable ${v}`);
    const panels = allPanels(dash);
    assert.ok(panels.length >= 5, 'too few panels');
    const ids = new Set();
    const cells = new Map();
    for (const p of panels) {
        const what = `panel ${p.id} "${p.title}"`;
        assert.ok(Number.isInteger(p.id) && !ids.has(p.id), `${what}: id missing or repeated`);
        ids.add(p.id);
        assert.ok(PANEL_TYPES.has(p.type), `${what}: unknown type ${p.type}`);
        assert.ok(p.title, `${what}: no title`);
        const g = p.gridPos;
        assert.ok(g && [g.x, g.y, g.w, g.h].every(Number.isInteger), `${what}: bad gridPos`);
        assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0, `${what}: outside the 24 columns`);
        for (let x = g.x; x < g.x + g.w; x++) {
            for (let y = g.y; y < g.y + g.h; y++) {
                const other = cells.get(`${x},${y}`);
                assert.ok(other === undefined, `${what} overlaps panel ${other}`);
                cells.set(`${x},${y}`, p.id);
            }
        }
        if (p.type === 'row' || p.type === 'text') continue;
        assert.equal(p.datasource?.uid, '${datasource}', `${what}: datasource must be the variable`);
        assert.ok(Array.isArray(p.targets) && p.targets.length > 0, `${what}: no queries`);
        const refs = new Set();
        for (const t of p.targets) {
            assert.ok(t.refId && !refs.has(t.refId), `${what}: refId missing or repeated`);
            refs.add(t.refId);
            assert.ok(typeof t.expr === 'string' && t.expr.trim(), `${what}: empty query`);
            for (const m of t.expr.matchAll(/\$\{?([a-zA-Z_]+)/g)) {
                assert.ok(vars.has(m[1]), `${what}: query uses undefined variable $${m[1]}`);
            }
        }
    }
});

test('rules and dashboard use the metrics chatd serves, and the dashboard shows them all', async () => {
    const srv = await startServer();
    let served;
    try {
        const res = await httpGet(srv.port, '/metrics');
        assert.equal(res.status, 200);
        served = new Set([...res.body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
        await srv.stop();
    } catch (e) {
        dumpServer(srv, e);
        throw e;
    } finally {
        await srv.cleanup();
    }
    assert.ok(served.size >= 5, `only ${served.size} metrics in /metrics`);

    const used = new Map(); /* metric -> where */
    for (const r of loadRules().groups.flatMap((g) => g.rules)) {
        for (const m of metricsIn(String(r.expr))) used.set(m, `alert ${r.alert}`);
    }
    const onDashboard = new Set();
    for (const p of allPanels(loadDashboard())) {
        for (const t of p.targets || []) {
            for (const m of metricsIn(t.expr)) {
                onDashboard.add(m);
                used.set(m, `panel "${p.title}"`);
            }
        }
    }
    for (const [m, where] of used) {
        assert.ok(served.has(m) || PROMETHEUS_OWN.has(m),
            `${where} uses ${m}, which chatd does not serve (served: ${[...served].join(', ')})`);
    }
    for (const m of served) {
        assert.ok(onDashboard.has(m), `chatd serves ${m} but the dashboard does not show it`);
    }
});
