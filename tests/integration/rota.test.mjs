/* rota.test.mjs: contract v3 §7, from the plan to a rota: `chatadmin rota
 * make` on the example weeks (config/example-stats.csv: every hour's need
 * covered, fewer worker-hours than the summed need would allow no less),
 * POST /api/rota (coordinators and admins only, each bad field named, the
 * same JSON as chatadmin), publish, GET /api/rota?week= and DELETE; the
 * workers' shifts, shift_take (the second taker refused), shift_drop (own,
 * before the start), shifts_changed, the reminder at a shift's start on
 * chatd's clock, and a deleted user's shifts open again. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
    ALICE, BOB, REPO, addWorker, httpGet, request, scenario, workerLogin,
} from './harness.mjs';

const EXAMPLE = path.join(REPO, 'config', 'example-stats.csv');
const TOPICS = { topics: { youth: {}, parents: { audience: 'parent' } } };
const WEEK = ['--week', '2026-11-23', '--from', '2026-10-26', '--to', '2026-11-22'];

async function httpSend(port, method, p, body, headers = {}) {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
        method, headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.text() };
}

/* Every hour of rota's need is covered by its shifts, which are whole hours
 * of 3..5 inside the week, and total_h is their worker-hours. */
function checkCovers(rota) {
    const cover = new Map();
    let total = 0;
    for (const s of rota.shifts) {
        const a = Date.parse(s.start), b = Date.parse(s.end), h = (b - a) / 3600000;
        assert.ok(h >= 3 && h <= 5 && Number.isInteger(h), `shift ${JSON.stringify(s)}`);
        assert.ok(a >= Date.parse(rota.week) && b <= Date.parse(rota.week) + 7 * 86400000);
        total += h * s.count;
        for (let t = a; t < b; t += 3600000) cover.set(`${s.topic} ${t}`, (cover.get(`${s.topic} ${t}`) || 0) + s.count);
    }
    assert.equal(total, rota.total_h);
    for (const n of rota.need) {
        assert.ok((cover.get(`${n.topic} ${Date.parse(n.start)}`) || 0) >= n.workers, `need ${JSON.stringify(n)}`);
    }
    return rota.need.reduce((x, n) => x + n.workers, 0);
}

scenario('chatadmin rota make covers every hour of the example weeks\' need', TOPICS, async (srv) => {
    assert.equal((await srv.admin(['stats', 'import', EXAMPLE])).code, 0);
    const r = await srv.admin(['rota', 'make', ...WEEK, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rota = JSON.parse(r.stdout);
    assert.equal(rota.week, '2026-11-23T00:00:00+02:00');
    assert.equal(rota.capacity, 2);
    const needH = checkCovers(rota);
    assert.ok(needH > 0 && rota.total_h >= needH && rota.total_h < needH * 1.5, `${rota.total_h} for ${needH}`);
    /* one worker per chat: twice the slots, about twice the hours */
    const one = JSON.parse((await srv.admin(['rota', 'make', ...WEEK, '--capacity', '1', '--format', 'json'])).stdout);
    checkCovers(one);
    assert.ok(one.total_h > rota.total_h);
    const csv = await srv.admin(['rota', 'make', ...WEEK]);
    assert.match(csv.stdout, /^topic,start,end,count\n/);
    assert.match(csv.stdout, new RegExp(`# total_h=${rota.total_h} need_h=${needH}\n$`));
    for (const [args, why] of [
        [['--week', '2026-11-24', '--from', '2026-10-26', '--to', '2026-11-22'], /week must be a Monday/],
        [['--week', '2026-11-23', '--from', '2026-11-22', '--to', '2026-10-26'], /from is after to/],
        [[...WEEK, '--shift-min-h', '6', '--shift-max-h', '4'], /shift_min_h is above shift_max_h/],
        [[...WEEK, '--capacity', '0'], /capacity must be 1\.\.50/],
    ]) {
        const bad = await srv.admin(['rota', 'make', ...args]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, why);
    }
});

scenario('POST /api/rota: coordinators get what chatadmin prints; publish, GET and DELETE', TOPICS, async (srv) => {
    assert.equal((await srv.admin(['stats', 'import', EXAMPLE])).code, 0);
    await addWorker(srv, { user: 'cora', password: 'cora-password-1', alias: 'Cora' }, 'coordinator');
    const body = { week: '2026-11-23', from: '2026-10-26', to: '2026-11-22' };
    assert.equal((await httpSend(srv.port, 'POST', '/api/rota', body)).status, 401);
    const alice = await workerLogin(srv.port, ALICE.user, ALICE.password);
    assert.equal((await httpSend(srv.port, 'POST', '/api/rota', body,
        { authorization: `Bearer ${alice.welcome.token}` })).status, 403);
    const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
    const auth = { authorization: `Bearer ${cora.welcome.token}` };
    const r = await httpSend(srv.port, 'POST', '/api/rota', body, auth);
    assert.equal(r.status, 200, r.body);
    const cli = await srv.admin(['rota', 'make', ...WEEK, '--format', 'json']);
    assert.deepEqual(JSON.parse(r.body), JSON.parse(cli.stdout));
    for (const [bad, why] of [
        [{ ...body, week: '2026-11-24' }, /week must be a Monday/],
        [{ ...body, from: '2026-11-23' }, /from is after to/],
        [{ ...body, shift_min_h: 5, shift_max_h: 3 }, /shift_min_h is above shift_max_h/],
        [{ ...body, capacity: 0 }, /capacity must be/],
        [{ ...body, topic: 'nope' }, /unknown topic/],
        [{ ...body, publish: 'yes' }, /publish must be/],
        ['{"week":', /JSON object/],
    ]) {
        const x = await httpSend(srv.port, 'POST', '/api/rota', bad, auth);
        assert.equal(x.status, 400, JSON.stringify(bad));
        assert.match(JSON.parse(x.body).message, why);
    }
    /* nothing published yet */
    let list = await httpGet(srv.port, '/api/rota?week=2026-11-23', auth);
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(JSON.parse(list.body).shifts, []);
    assert.equal((await httpGet(srv.port, '/api/rota?week=2026-11-23')).status, 401);
    assert.equal((await httpGet(srv.port, '/api/rota?week=2026-11-24', auth)).status, 400);
    const pub = await httpSend(srv.port, 'POST', '/api/rota', { ...body, publish: true }, auth);
    assert.equal(pub.status, 200, pub.body);
    const positions = JSON.parse(pub.body).shifts.reduce((n, s) => n + s.count, 0);
    list = JSON.parse((await httpGet(srv.port, '/api/rota?week=2026-11-23', auth)).body);
    assert.equal(list.shifts.length, positions);
    assert.ok(list.shifts.every((s) => s.taken_by === null && Number.isInteger(s.shift)));
    const del = await httpSend(srv.port, 'DELETE', '/api/rota?week=2026-11-23', undefined, auth);
    assert.equal(del.status, 200, del.body);
    assert.equal(JSON.parse(del.body).deleted, positions);
    list = JSON.parse((await httpGet(srv.port, '/api/rota?week=2026-11-23', auth)).body);
    assert.deepEqual(list.shifts, []);
});

/* The next Monday after today in Helsinki, as YYYY-MM-DD. */
function nextMonday() {
    const day = (d) => d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
    for (let k = 1; k <= 7; k++) {
        const d = new Date(Date.now() + k * 86400000);
        if (d.toLocaleDateString('en-GB', { timeZone: 'Europe/Helsinki', weekday: 'long' }) === 'Monday') return day(d);
    }
    throw new Error('no Monday in a week');
}

/* A shift put straight into the database (the test needs one that starts
 * within chatd's clock's reach); its id. */
function addShift(srv, topic, start, hours) {
    const sql = `INSERT INTO rota_shifts(topic, week, start, end) VALUES ('${topic}', 0, ${start}, ${start + hours * 3600});`
        + ' SELECT max(id) FROM rota_shifts;';
    return Number(execFileSync('sqlite3', [path.join(srv.dataDir, 'chatd.db'), sql], { encoding: 'utf8' }).trim());
}

/* the clock moves up to two hours at once: nobody is hung up for silence */
const PATIENT = { ...TOPICS, server: { idle_timeout_s: 7200 } };

scenario('workers list, take and drop shifts; the second taker is refused; the reminder', PATIENT, async (srv) => {
    assert.equal((await srv.admin(['stats', 'import', EXAMPLE])).code, 0);
    await addWorker(srv);
    await addWorker(srv, { user: 'cora', password: 'cora-password-1', alias: 'Cora' }, 'coordinator');
    const alice = await workerLogin(srv.port, ALICE.user, ALICE.password);
    const bob = await workerLogin(srv.port, BOB.user, BOB.password);
    const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
    const auth = { authorization: `Bearer ${cora.welcome.token}` };

    /* a published week: every worker hears it, and lists its positions */
    const week = nextMonday();
    const pub = await httpSend(srv.port, 'POST', '/api/rota',
        { week, from: '2026-10-26', to: '2026-11-22', publish: true }, auth);
    assert.equal(pub.status, 200, pub.body);
    const positions = JSON.parse(pub.body).shifts.reduce((n, s) => n + s.count, 0);
    assert.ok(positions > 0);
    await alice.next('shifts_changed');
    await bob.next('shifts_changed');
    const end = new Date(Date.parse(`${week}T12:00:00Z`) + 6 * 86400000).toISOString().slice(0, 10);
    const listed = await request(alice, { type: 'shifts', from: week, to: end });
    assert.equal(listed.type, 'shifts', JSON.stringify(listed));
    assert.equal(listed.items.length, positions);
    assert.ok(listed.items.every((i) => i.taken_by === null && i.topic && i.start < i.end));

    /* a shift that starts at the next whole hour of chatd's clock, and one
     * two hours later */
    const now = await srv.advance(0.001);
    const start = Math.ceil((now + 60) / 3600) * 3600;
    const s = addShift(srv, 'youth', start, 3);
    const t = addShift(srv, 'youth', start + 7200, 3);

    /* two take it at once: one gets it, the other bad_state */
    const refA = 'take-a', refB = 'take-b';
    alice.send({ type: 'shift_take', shift: s, ref: refA });
    bob.send({ type: 'shift_take', shift: s, ref: refB });
    const [ra, rb] = await Promise.all([alice.next((m) => m.ref === refA), bob.next((m) => m.ref === refB)]);
    const replies = [ra, rb];
    assert.equal(replies.filter((m) => m.type === 'ack').length, 1, JSON.stringify(replies));
    const lost = replies.find((m) => m.type === 'error');
    assert.equal(lost.code, 'bad_state');
    assert.equal(lost.reason, 'taken');
    const [winner, loser] = ra.type === 'ack' ? [alice, bob] : [bob, alice];
    const winnerAlias = ra.type === 'ack' ? 'Alice' : 'Bob';
    await loser.next('shifts_changed');
    const mine = (await request(loser, { type: 'shifts' })).items.find((i) => i.shift === s);
    assert.equal(mine.taken_by, winnerAlias);

    /* only the taker drops it, and only before it starts */
    const notYours = await request(loser, { type: 'shift_drop', shift: s });
    assert.equal(notYours.code, 'forbidden');
    assert.equal((await request(winner, { type: 'shift_drop', shift: s })).type, 'ack');
    assert.equal((await request(loser, { type: 'shifts' })).items.find((i) => i.shift === s).taken_by, null);
    assert.equal((await request(alice, { type: 'shift_take', shift: s })).type, 'ack');
    assert.equal((await request(bob, { type: 'shift_take', shift: t })).type, 'ack');
    assert.equal((await request(bob, { type: 'shift_take', shift: 999999 })).code, 'bad_request');

    /* the start on chatd's clock: alice, logged in and not on duty, is reminded */
    await srv.advance(start - now + 1);
    const remind = await alice.next('shift_starting', { timeout: 5000 });
    assert.equal(remind.shift, s);
    assert.equal(remind.topic, 'youth');
    assert.equal(Date.parse(remind.start) / 1000, start);
    await bob.expectNone('shift_starting');
    const started = await request(alice, { type: 'shift_drop', shift: s });
    assert.equal(started.code, 'bad_state');
    assert.equal(started.reason, 'started');

    /* a deleted user's shifts are open again */
    bob.close();
    assert.equal((await srv.admin(['user', 'del', BOB.user])).code, 0);
    const after = (await request(alice, { type: 'shifts' })).items;
    assert.equal(after.find((i) => i.shift === t).taken_by, null);
    assert.equal(after.find((i) => i.shift === s).taken_by, 'Alice');

    /* once the shift's first hour has ended, its seconds are planned_s */
    await cora.roundTrip();
    await srv.advance(3600);
    const day = new Date(start * 1000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
    const st = await httpGet(srv.port, `/api/stats?from=${day}&to=${day}&topic=youth`, auth);
    assert.equal(st.status, 200, st.body);
    const hour = JSON.parse(st.body).buckets.find((b) => Date.parse(b.hour) / 1000 === start);
    assert.ok(hour, `a bucket of the shift's first hour in ${st.body.slice(0, 400)}`);
    assert.equal(hour.planned_s, 3600, 'one taken shift over the whole hour');
    assert.equal(hour.worker_s, 0, 'and nobody was on duty: planned against actual');
});
