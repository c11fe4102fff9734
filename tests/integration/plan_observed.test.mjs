/* plan_observed.test.mjs: issue 27.4 on the wire. Over the example four
 * weeks (config/example-stats.csv, with night joins while closed), GET
 * /api/plan gives every row `open` (the hour of the week had open time in
 * the period) and `short` (needs more slots than it had, but never a closed
 * hour with fewer than one join a week), and `answered_per_week.observed`,
 * the answered contacts a week the statistics counted, beside the model's
 * figures; `chatadmin plan` prints the same (JSON, and the CSV's columns
 * and summary line). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ALICE, REPO, addWorker, httpGet, scenario, workerLogin } from './harness.mjs';

const EXAMPLE = path.join(REPO, 'config', 'example-stats.csv');
const TOPICS = { topics: { youth: {}, parents: { audience: 'parent' } } };
const PERIOD = ['--from', '2026-10-26', '--to', '2026-11-22'];
const WEEKS = 4;

/* The example's sums per topic, weekday (1 = Monday) and hour. */
function exampleCells() {
    const [head, ...lines] = fs.readFileSync(EXAMPLE, 'utf8').trim().split('\n');
    const cols = head.split(',');
    const cells = new Map();
    let answered = 0;
    for (const line of lines) {
        const f = line.split(',');
        const at = f[cols.indexOf('hour')];
        const [y, m, d] = at.slice(0, 10).split('-').map(Number);
        const dow = ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
        const key = `${f[0]}/${dow}/${Number(at.slice(11, 13))}`;
        const c = cells.get(key) || { open_s: 0, joins: 0 };
        c.open_s += Number(f[cols.indexOf('open_s')]);
        c.joins += Number(f[cols.indexOf('joins')]);
        cells.set(key, c);
        answered += Number(f[cols.indexOf('answered')]);
    }
    return { cells, answered };
}

scenario('GET /api/plan: rows say open and short, the summary the observed answered a week', TOPICS, async (srv) => {
    assert.equal((await srv.admin(['stats', 'import', EXAMPLE])).code, 0);
    await addWorker(srv, { user: 'cora', password: 'cora-password-1', alias: 'Cora' }, 'coordinator');
    const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
    const r = await httpGet(srv.port, '/api/plan?from=2026-10-26&to=2026-11-22&redistribute=1',
        { authorization: `Bearer ${cora.welcome.token}` });
    assert.equal(r.status, 200, r.body);
    const plan = JSON.parse(r.body);
    const { cells, answered } = exampleCells();

    let quietClosedNeedingMore = 0;
    for (const h of plan.hours) {
        const where = `${h.topic} ${h.dow} ${h.hour}`;
        assert.equal(typeof h.open, 'boolean', `${where}: open`);
        assert.equal(typeof h.short, 'boolean', `${where}: short`);
        const c = cells.get(`${h.topic}/${h.dow}/${h.hour}`);
        assert.ok(c, `${where} is in the example`);
        assert.equal(h.open, c.open_s > 0, `${where}: open as the period's open time says`);
        const more = h.slots_needed === null || h.slots_needed > h.slots_had;
        const quietClosed = !h.open && h.arrivals_per_h < 1;
        assert.equal(h.short, more && !quietClosed && h.gain_per_slot !== null, `${where}: short`);
        if (quietClosed && more) quietClosedNeedingMore++;
    }
    assert.ok(quietClosedNeedingMore > 0, 'the example has closed hours with a stray join (the old "▲0/1")');
    assert.ok(plan.hours.some((h) => h.open && h.short), 'and open hours that are short');

    const a = plan.answered_per_week;
    assert.equal(typeof a.observed, 'number');
    assert.ok(Math.abs(a.observed - answered / WEEKS) <= 0.051,
        `observed ${a.observed}, the example's ${answered} answered over ${WEEKS} weeks`);
    for (const k of ['now', 'redistributed', 'planned']) assert.equal(typeof a[k], 'number', k);

    /* chatadmin plan: the same JSON; the CSV ends its rows with open,short and
     * its summary line with observed */
    const cli = await srv.admin(['plan', ...PERIOD, '--redistribute', '--format', 'json']);
    assert.deepEqual(JSON.parse(cli.stdout), plan);
    const csv = (await srv.admin(['plan', ...PERIOD, '--redistribute'])).stdout.trim().split('\n');
    assert.match(csv[0], /,slots_proposed,open,short$/);
    assert.equal(csv.at(-1), `# answered_per_week now=${a.now.toFixed(1)} redistributed=${a.redistributed.toFixed(1)}`
        + ` planned=${a.planned.toFixed(1)} observed=${a.observed.toFixed(1)}`);
    const cols = csv[0].split(',');
    const row = csv.slice(1, -1).map((l) => l.split(','))
        .find((f) => f[0] === plan.hours[0].topic && Number(f[1]) === plan.hours[0].dow && Number(f[2]) === plan.hours[0].hour);
    assert.equal(row[cols.indexOf('open')], String(plan.hours[0].open));
    assert.equal(row[cols.indexOf('short')], String(plan.hours[0].short));

    /* a worker gets nothing of it */
    const alice = await workerLogin(srv.port, ALICE.user, ALICE.password);
    assert.equal((await httpGet(srv.port, '/api/plan?from=2026-10-26&to=2026-11-22',
        { authorization: `Bearer ${alice.welcome.token}` })).status, 403);
});
