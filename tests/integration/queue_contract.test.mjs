/* queue_contract.test.mjs: join rules and fair routing, one contract line
 * per scenario (contract v1 §2 topic keys, §3.1 join, §3.2 duty, pick,
 * queue_state and auto mode, §3.3 status). */
import assert from 'node:assert/strict';
import {
    BOB, ISO_TS, addWorker, connect, httpGet, request, scenario, visitorHello, waiting, workerOnDuty,
    workerOnDutyAs,
} from './harness.mjs';

const TWO_TOPICS = { topics: { youth: {}, parents: { audience: 'parent', title_en: 'Parents chat' } } };

function join(v, topic = 'youth') {
    return request(v, { type: 'join', topic });
}

/* The chat_started of worker w and of visitor v: the same chat. Returns its id. */
async function bothStarted(w, v) {
    const ws = await w.next('chat_started');
    const vs = await v.next('chat_started');
    assert.equal(vs.chat, ws.chat, 'the worker and the visitor see the same chat');
    return ws.chat;
}

/* Ends chat from the worker's side and waits until the visitor sees it. */
async function endChat(w, v, chat) {
    w.send({ type: 'end', chat });
    assert.equal((await v.next('chat_ended')).chat, chat);
}

function offDuty(w) {
    return request(w, { type: 'duty', on: false, topics: ['youth'], capacity: 1 });
}

/* HH:MM of a Date in Helsinki time (the configured zone). */
function hhmm(d) {
    return new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).format(d);
}

function youthOf(statusLike) {
    const t = statusLike.topics.find((x) => x.id === 'youth');
    assert.ok(t, `no youth topic in ${JSON.stringify(statusLike)}`);
    return t;
}

/* The next status.v1 push whose youth topic satisfies pred, within 1 s. */
function statusWithin1s(sub, pred, label) {
    const match = (m) => m.type === 'status' && pred(youthOf(m));
    match.label = `a status push with ${label}`;
    return sub.next(match, { timeout: 1000 });
}

/* Polls GET /api/status until its youth topic satisfies pred; fails after 1 s. */
async function apiStatusWithin1s(port, pred, label) {
    const deadline = Date.now() + 1000;
    let last;
    for (;;) {
        const r = await httpGet(port, '/api/status');
        assert.equal(r.status, 200);
        last = youthOf(JSON.parse(r.body));
        if (pred(last)) return last;
        if (Date.now() > deadline) assert.fail(`/api/status did not show ${label} within 1 s; last: ${JSON.stringify(last)}`);
        await new Promise((res) => setTimeout(res, 50));
    }
}

/* ---- join rules ---- */

scenario('a join to a topic with hours = never is refused with closed and next_open null',
    { topics: { youth: { hours: 'never' } } }, async (srv) => {
        const v = await visitorHello(srv.port);
        const r = await join(v);
        assert.equal(r.type, 'error');
        assert.equal(r.code, 'closed');
        assert.ok('next_open' in r, `closed carries next_open: ${JSON.stringify(r)}`);
        assert.equal(r.next_open, null);
    });

/* A one-minute daily window that is not now: midnight, or noon around
 * midnight. Chosen when the scenario starts, not when the file loads. */
let windowStart;
function windowNotNow() {
    windowStart = ['23:58', '23:59', '00:00', '00:01'].includes(hhmm(new Date())) ? '12:00' : '00:00';
    const windowEnd = windowStart === '00:00' ? '00:01' : '12:01';
    return { youth: { hours: `daily ${windowStart}-${windowEnd}` } };
}

scenario('a join outside a daily window is refused with closed and next_open at the next opening',
    { topics: windowNotNow }, async (srv) => {
        const v = await visitorHello(srv.port);
        const before = Date.now();
        const r = await join(v);
        assert.equal(r.type, 'error');
        assert.equal(r.code, 'closed');
        assert.equal(typeof r.next_open, 'string', `next_open: ${JSON.stringify(r)}`);
        assert.match(r.next_open, ISO_TS);
        const at = Date.parse(r.next_open);
        assert.ok(at > before, `next_open ${r.next_open} is in the future`);
        assert.ok(at <= before + 24 * 3600 * 1000, `next_open ${r.next_open} is within a day`);
        assert.equal(hhmm(new Date(at)), windowStart, `next_open ${r.next_open} is the window's start in Helsinki`);
        assert.equal(new Date(at).getUTCSeconds(), 0, 'on the minute');
        assert.ok(r.next_open.includes(`T${windowStart}`), `next_open ${r.next_open} is written in local time`);
    });

scenario('a join while queue_max visitors wait is refused with queue_full',
    { topics: { youth: { queue_max: 2 } } }, async (srv) => {
        await waiting(srv.port);
        await waiting(srv.port);
        const v = await visitorHello(srv.port);
        const r = await join(v);
        assert.equal(r.type, 'error');
        assert.equal(r.code, 'queue_full');
    });

scenario('a join to a topic that does not exist is refused with unknown_topic', async (srv) => {
    const v = await visitorHello(srv.port);
    const r = await join(v, 'no_such_topic');
    assert.equal(r.type, 'error');
    assert.equal(r.code, 'unknown_topic');
});

scenario('a second join while queued is refused with bad_state', async (srv) => {
    const v = await waiting(srv.port);
    const r = await join(v);
    assert.equal(r.type, 'error');
    assert.equal(r.code, 'bad_state');
});

/* ---- positions ---- */

scenario('three visitors who join get positions 1, 2 and 3', async (srv) => {
    for (let i = 1; i <= 3; i++) {
        const v = await waiting(srv.port);
        assert.equal(v.queued.topic, 'youth');
        assert.equal(v.queued.position, i);
    }
});

scenario('when the first in line leaves the others get queued with positions 1 and 2', async (srv) => {
    const [a, b, c] = [await waiting(srv.port), await waiting(srv.port), await waiting(srv.port)];
    assert.equal((await request(a, { type: 'leave' })).type, 'left');
    const qb = await b.next('queued');
    const qc = await c.next('queued');
    assert.deepEqual([qb.topic, qb.position], ['youth', 1]);
    assert.deepEqual([qc.topic, qc.position], ['youth', 2]);
});

/* ---- auto routing ---- */

scenario('waiting visitors are served oldest join first', async (srv) => {
    const vs = [await waiting(srv.port), await waiting(srv.port), await waiting(srv.port)];
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    for (const v of vs) {
        const chat = await bothStarted(w, v);
        await endChat(w, v, chat);
    }
});

scenario('a worker coming on duty takes a waiting visitor at once, within its capacity', async (srv) => {
    const a = await waiting(srv.port);
    const b = await waiting(srv.port);
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    const chat = await bothStarted(w, a);
    const qb = await b.next('queued', { timeout: 1000 });
    assert.equal(qb.position, 1, 'the other visitor is next in line');
    await b.expectNone('chat_started');
    await w.expectNone('chat_started');
    await endChat(w, a, chat);
    await bothStarted(w, b);
});

scenario('of two workers on duty the one with fewer active chats gets the next visitor', async (srv) => {
    await addWorker(srv, BOB);
    const alice = await workerOnDuty(srv.port, ['youth'], 3);
    const v1 = await waiting(srv.port);
    await bothStarted(alice, v1);
    /* bob came on duty later (idle for less time) but has no chat */
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth'], 3);
    const v2 = await waiting(srv.port);
    await bothStarted(bob, v2);
    await alice.expectNone('chat_started');
});

scenario('of two workers with equally many chats the one idle longest gets the next visitor', async (srv) => {
    await addWorker(srv, BOB);
    const alice = await workerOnDuty(srv.port, ['youth'], 3);
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth'], 3);
    const v1 = await waiting(srv.port);
    const c1 = await bothStarted(alice, v1); /* both idle: alice since longer (on duty first) */
    const v2 = await waiting(srv.port);
    const c2 = await bothStarted(bob, v2);
    /* bob's chat ends first, so he has been idle longer than alice */
    await endChat(bob, v2, c2);
    await srv.advance(0.05);
    await endChat(alice, v1, c1);
    const v3 = await waiting(srv.port);
    await bothStarted(bob, v3);
    await alice.expectNone('chat_started');
});

scenario('a worker serving two topics gets the visitor who waited longest', TWO_TOPICS, async (srv) => {
    const parent = await waiting(srv.port, 'parents');
    await srv.advance(0.05);
    const young = await waiting(srv.port, 'youth');
    const w = await workerOnDuty(srv.port, ['youth', 'parents'], 1);
    const first = await w.next('chat_started');
    assert.equal(first.topic, 'parents');
    assert.equal(first.audience, 'parent');
    assert.equal((await parent.next('chat_started')).chat, first.chat);
    await young.expectNone('chat_started');
    await endChat(w, parent, first.chat);
    const second = await w.next('chat_started');
    assert.equal(second.topic, 'youth');
    assert.equal((await young.next('chat_started')).chat, second.chat);
});

/* ---- pick mode ---- */

scenario('in a pick topic nothing is assigned and queue_state shows the visitor waiting',
    { topics: { youth: { mode: 'pick' } } }, async (srv) => {
        const w = await workerOnDuty(srv.port, ['youth'], 2);
        const v = await waiting(srv.port);
        const qs = await w.next((m) => m.type === 'queue_state' && youthOf(m).waiting === 1, { timeout: 1000 });
        assert.equal(youthOf(qs).open, true);
        await v.expectNone('chat_started');
        await w.expectNone('chat_started');
    });

scenario('pick in a pick topic starts a chat with the first waiting visitor',
    { topics: { youth: { mode: 'pick' } } }, async (srv) => {
        const w = await workerOnDuty(srv.port, ['youth'], 2);
        const first = await waiting(srv.port);
        await waiting(srv.port);
        const s = await request(w, { type: 'pick', topic: 'youth' });
        assert.equal(s.type, 'chat_started', JSON.stringify(s));
        assert.equal(s.topic, 'youth');
        assert.deepEqual(s.history, []);
        assert.equal((await first.next('chat_started')).chat, s.chat);
    });

scenario('pick on an empty queue is refused with queue_empty',
    { topics: { youth: { mode: 'pick' } } }, async (srv) => {
        const w = await workerOnDuty(srv.port, ['youth'], 2);
        const r = await request(w, { type: 'pick', topic: 'youth' });
        assert.equal(r.type, 'error');
        assert.equal(r.code, 'queue_empty');
    });

/* ---- queue_state and status ---- */

scenario('queue_state reaches an on-duty worker within 1 s of a join', async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    const busy = await waiting(srv.port);
    await bothStarted(w, busy);
    const sent = Date.now();
    await waiting(srv.port);
    const qs = await w.next((m) => m.type === 'queue_state' && youthOf(m).waiting === 1, { timeout: 1000 });
    assert.ok(Date.now() - sent <= 1000);
    const t = youthOf(qs);
    assert.equal(t.open, true);
    assert.equal(typeof t.longest_wait_s, 'number');
    assert.ok(t.longest_wait_s >= 0 && t.longest_wait_s <= 1, `longest_wait_s ${t.longest_wait_s}`);
});

scenario('a status.v1 connection shows the waiting count within 1 s of a join', async (srv) => {
    const sub = await connect(srv.port, 'status.v1');
    const first = youthOf(await sub.next('status'));
    assert.deepEqual([first.waiting, first.staffed], [0, false]);
    await waiting(srv.port);
    await statusWithin1s(sub, (t) => t.waiting === 1, 'waiting 1');
    await waiting(srv.port);
    await statusWithin1s(sub, (t) => t.waiting === 2, 'waiting 2');
});

scenario('a status.v1 connection shows staffed within 1 s of duty on and of duty off', async (srv) => {
    const sub = await connect(srv.port, 'status.v1');
    assert.equal(youthOf(await sub.next('status')).staffed, false);
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    await statusWithin1s(sub, (t) => t.staffed === true, 'staffed true');
    assert.equal((await offDuty(w)).type, 'duty');
    await statusWithin1s(sub, (t) => t.staffed === false, 'staffed false');
});

scenario('/api/status shows waiting and staffed within 1 s of a join and of duty on and off', async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    await apiStatusWithin1s(srv.port, (t) => t.staffed === true && t.waiting === 0, 'staffed, none waiting');
    const busy = await waiting(srv.port);
    await bothStarted(w, busy);
    await waiting(srv.port);
    await apiStatusWithin1s(srv.port, (t) => t.staffed === true && t.waiting === 1, 'staffed, 1 waiting');
    assert.equal((await offDuty(w)).type, 'duty');
    await apiStatusWithin1s(srv.port, (t) => t.staffed === false && t.waiting === 1, 'unstaffed, 1 waiting');
});

scenario('going off duty keeps current chats and their messages flow', async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 2);
    const v = await waiting(srv.port);
    const chat = await bothStarted(w, v);
    const d = await offDuty(w);
    assert.equal(d.type, 'duty');
    assert.equal(d.on, false);
    const a1 = await request(w, { type: 'msg', chat, text: 'still with you' });
    assert.deepEqual([a1.type, a1.seq], ['ack', 1]);
    const m1 = await v.next('msg');
    assert.deepEqual([m1.chat, m1.from, m1.text, m1.seq], [chat, 'worker', 'still with you', 1]);
    const a2 = await request(v, { type: 'msg', text: 'thanks' });
    assert.deepEqual([a2.type, a2.seq], ['ack', 2]);
    const m2 = await w.next('msg');
    assert.deepEqual([m2.chat, m2.from, m2.text, m2.seq], [chat, 'visitor', 'thanks', 2]);
    await v.expectNone('chat_ended');
});
