/* queue.test.mjs: opening hours, join rules and fair routing (contract
 * §3.1-3.3, issue 4), each rule a scenario against a real chatd. */
import assert from 'node:assert/strict';
import {
    ALICE, ISO_TS, connect, httpGet, request, scenario, step, visitorHello, workerLogin, workerOnDuty,
} from './harness.mjs';

const BOB = { user: 'bob', password: 'bob-password-1', alias: 'Bob' };

async function addBob(srv) {
    const r = await srv.admin(['user', 'add', BOB.user, '--role', 'worker', '--alias', BOB.alias], BOB.password);
    assert.equal(r.code, 0, r.stderr);
}

async function join(v, topic = 'youth') {
    return request(v, { type: 'join', topic });
}

/* HH:MM of a Date in Helsinki time. */
function hhmm(d) {
    return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

scenario('a topic that is never open refuses joins with closed and next_open null',
    { topics: { youth: { hours: 'never' } } }, async (srv) => {
        const v = await visitorHello(srv.port);
        assert.equal(v.welcome.topics[0].state, 'closed');
        const r = await join(v);
        assert.equal(r.code, 'closed');
        assert.equal(r.next_open, null);
    });

scenario('queue_full when queue_max visitors wait', { topics: { youth: { queue_max: 2 } } }, async (srv) => {
    for (let i = 0; i < 2; i++) assert.equal((await join(await visitorHello(srv.port))).type, 'queued');
    const r = await join(await visitorHello(srv.port));
    assert.equal(r.code, 'queue_full');
    const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
    assert.equal(st.topics[0].state, 'full');
    assert.equal(st.topics[0].waiting, 2);
});

scenario('joining twice is bad_state; an unknown topic is unknown_topic', async (srv) => {
    const v = await visitorHello(srv.port);
    assert.equal((await join(v, 'nope')).code, 'unknown_topic');
    assert.equal((await join(v)).type, 'queued');
    assert.equal((await join(v)).code, 'bad_state');
});

scenario('positions are pushed when the line moves', async (srv) => {
    const vs = [];
    for (let i = 1; i <= 3; i++) {
        const v = await visitorHello(srv.port);
        const q = await join(v);
        assert.equal(q.position, i);
        assert.equal(q.estimated_wait_s, null, 'no basis for an estimate yet');
        vs.push(v);
    }
    assert.equal((await request(vs[0], { type: 'leave' })).type, 'left');
    assert.equal((await vs[1].next('queued')).position, 1);
    assert.equal((await vs[2].next('queued')).position, 2);
});

scenario('a worker coming on duty takes waiting visitors, oldest first, within capacity', async (srv) => {
    const a = await visitorHello(srv.port);
    await join(a);
    const b = await visitorHello(srv.port);
    await join(b);
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    const started = await w.next('chat_started');
    assert.equal((await a.next('chat_started')).chat, started.chat, 'the oldest join is served first');
    await b.expectNone('chat_started');
    assert.equal((await b.next('queued')).position, 1);
    w.send({ type: 'end', chat: started.chat });
    await a.next('chat_ended');
    const second = await w.next('chat_started');
    assert.equal((await b.next('chat_started')).chat, second.chat);
});

scenario('auto mode gives the next visitor to the worker with fewer chats, then the one idle longest', async (srv) => {
    await addBob(srv);
    const alice = await workerOnDuty(srv.port, ['youth'], 3);
    const bob = await workerLogin(srv.port, BOB.user, BOB.password);
    await request(bob, { type: 'duty', on: true, topics: ['youth'], capacity: 3 });
    /* alice has been idle longer (on duty first): she gets the first visitor */
    const v1 = await visitorHello(srv.port);
    await join(v1);
    const first = await alice.next('chat_started');
    /* bob has fewer chats now: he gets the second */
    const v2 = await visitorHello(srv.port);
    await join(v2);
    await bob.next('chat_started');
    await alice.expectNone('chat_started');
    /* both have one chat; alice ends hers and becomes the longest idle... with one chat fewer */
    alice.send({ type: 'end', chat: first.chat });
    await v1.next('chat_ended');
    const v3 = await visitorHello(srv.port);
    await join(v3);
    await alice.next('chat_started');
});

scenario('a worker serving two topics gets the visitor who waited longest',
    { topics: { youth: {}, parents: { audience: 'parent' } } }, async (srv) => {
        const p = await visitorHello(srv.port);
        await join(p, 'parents');
        await srv.advance(0.05);
        const y = await visitorHello(srv.port);
        await join(y, 'youth');
        const w = await workerOnDuty(srv.port, ['youth', 'parents'], 1);
        const s = await w.next('chat_started');
        assert.equal(s.topic, 'parents');
        assert.equal(s.audience, 'parent');
        await p.next('chat_started');
    });

scenario('pick mode: nothing is assigned until the worker picks', { topics: { youth: { mode: 'pick' } } }, async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 2);
    assert.equal((await request(w, { type: 'pick', topic: 'youth' })).code, 'queue_empty');
    const v = await visitorHello(srv.port);
    await join(v);
    const qs = await w.next((m) => m.type === 'queue_state' && m.topics[0].waiting === 1, { timeout: 1500 });
    assert.equal(qs.topics[0].mode, 'pick');
    await v.expectNone('chat_started');
    const s = await request(w, { type: 'pick', topic: 'youth' });
    assert.equal(s.type, 'chat_started');
    assert.equal((await v.next('chat_started')).chat, s.chat);
});

scenario('status.v1 and /api/status follow joins and duty within a second', async (srv) => {
    const sub = await connect(srv.port, 'status.v1');
    const first = await sub.next('status');
    assert.deepEqual([first.topics[0].waiting, first.topics[0].staffed], [0, false]);
    const v = await visitorHello(srv.port);
    await join(v);
    const s1 = await sub.next((m) => m.type === 'status' && m.topics[0].waiting === 1, { timeout: 1000 });
    assert.match(s1.generated, ISO_TS);
    const w = await workerLogin(srv.port);
    await request(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1 });
    await sub.next((m) => m.type === 'status' && m.topics[0].staffed && m.topics[0].waiting === 0, { timeout: 1000 });
    const chat = await w.next('chat_started');
    await request(w, { type: 'duty', on: false });
    await sub.next((m) => m.type === 'status' && !m.topics[0].staffed, { timeout: 1000 });
    await step('going off duty keeps the chat', async () => {
        assert.equal((await request(w, { type: 'msg', chat: chat.chat, text: 'still here' })).type, 'ack');
        assert.equal((await v.next('msg')).text, 'still here');
    });
    const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
    assert.equal(st.topics[0].staffed, false);
});

/* Opens at the next whole minute at least 30 s away and closes one minute
 * later. Worked out when the scenario starts: the scenarios before it take
 * seconds, and a time fixed when the file loads could have passed by then.
 * The scenario moves chatd's clock to just before each minute (nothing yet),
 * then a second on (the flip). */
let nextMinute;
let afterThat;
function minuteFromNow() {
    nextMinute = new Date(Math.ceil((Date.now() + 30000) / 60000) * 60000); /* a loaded start takes seconds */
    afterThat = new Date(nextMinute.getTime() + 60000);
    return { youth: { hours: `daily ${hhmm(nextMinute)}-${hhmm(afterThat)}` } };
}

/* The clock jumps up to 90 s at once: longer than idle_timeout_s, which
 * would hang up the quiet subscriber before it could answer a ping. */
scenario('hours that open and close a minute from now flip the status at that minute',
    { topics: minuteFromNow, server: { ping_interval_s: 600, idle_timeout_s: 1200 } }, async (srv) => {
        const sub = await connect(srv.port, 'status.v1');
        const closed = await sub.next('status');
        assert.equal(closed.topics[0].state, 'closed');
        assert.equal(Date.parse(closed.topics[0].next_open), nextMinute.getTime(), 'next_open to the second');
        const v = await visitorHello(srv.port);
        const refused = await join(v);
        assert.equal(refused.code, 'closed');
        assert.equal(Date.parse(refused.next_open), nextMinute.getTime());
        /* chatd's now (ms): its clock only moves when the test moves it */
        let now = (await srv.advance(0.001)) * 1000;
        const upTo = async (t, state) => {
            now = (await srv.advance((t.getTime() - now - 500) / 1000)) * 1000;
            await sub.roundTrip();
            const early = sub.buffer.find((m) => m.type === 'status' && m.topics[0].state === state);
            assert.equal(early, undefined, `${state} half a second before the minute`);
            assert.ok(now < t.getTime(), 'half a second before the minute');
            now = (await srv.advance(1)) * 1000;
            const flipped = await sub.next((m) => m.type === 'status' && m.topics[0].state === state);
            assert.ok(now >= t.getTime(), 'not before the minute');
            return flipped;
        };
        const open = await upTo(nextMinute, 'open');
        assert.equal(Date.parse(open.topics[0].closes_at), afterThat.getTime(), 'closes_at to the second');
        assert.equal((await join(v)).type, 'queued');
        await upTo(afterThat, 'closed');
    });

function closingIn10() {
    const in10 = new Date(Date.now() + 10 * 60000);
    const before = new Date(Date.now() - 60 * 60000);
    return { youth: { hours: `daily ${hhmm(before)}-${hhmm(in10)}`, join_cutoff_min: 15 } };
}

scenario('no joins within join_cutoff_min of closing', { topics: closingIn10 }, async (srv) => {
    const v = await visitorHello(srv.port);
    assert.equal(v.welcome.topics[0].state, 'full');
    assert.match(v.welcome.topics[0].closes_at, ISO_TS);
    assert.equal((await join(v)).code, 'queue_full');
});

scenario('the wait estimate appears once three chats have ended and someone is on duty', async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    for (let i = 0; i < 3; i++) {
        const v = await visitorHello(srv.port);
        await join(v);
        const { chat } = await w.next('chat_started');
        await request(w, { type: 'end', chat });
    }
    const busy = await visitorHello(srv.port);
    await join(busy);
    await w.next('chat_started');
    const v = await visitorHello(srv.port);
    const q = await join(v);
    assert.equal(q.position, 1);
    assert.equal(typeof q.estimated_wait_s, 'number', JSON.stringify(q));
    const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
    assert.equal(typeof st.topics[0].estimated_wait_s, 'number');
});
