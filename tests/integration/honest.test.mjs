/* honest.test.mjs: what chatd tells a young person in every state (contract
 * v3 §1, issue 26): the join cut-off is not "full", the queue says when the
 * topic closes and how long the wait still is, re-sent while the visitor
 * waits and true after a restart; what happens to the queue at closing; no
 * transfer into an empty room unless forced; a supervisor writes under its
 * own alias; the quick exit; the [help] texts. */
import assert from 'node:assert/strict';
import {
    ISO_TS, addWorker, advanceUntil, chatting, connect, httpGet, newRef, request, scenario, spawnChatd,
    statsTotals, step, visitorHello, waiting, workerLogin, workerOnDuty,
} from './harness.mjs';

/* HH:MM of a time in Helsinki. */
function hhmm(ms) {
    return new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).format(new Date(ms));
}

/* Ends n chats of alice (capacity 1) that each last `seconds` of chatd's
 * clock, so the estimator has a basis. */
async function endedChats(srv, w, n, seconds) {
    for (let i = 0; i < n; i++) {
        const v = await waiting(srv.port);
        const { chat } = await w.next('chat_started');
        for (let s = 0; s < seconds; s += 20) await srv.advance(Math.min(20, seconds - s));
        await request(w, { type: 'end', chat });
        await v.next('chat_ended');
        v.close();
    }
}

/* ---- 1. the cut-off is not "full" ---- */

function cutoffTopics() {
    const closes = Date.now() + 10 * 60000;
    return {
        youth: { hours: `daily ${hhmm(Date.now() - 3600000)}-${hhmm(closes)}`, join_cutoff_min: 15 },
        parents: { audience: 'parent', queue_max: 1 },
    };
}

scenario('at the join cut-off the topic is full for the cut-off, with joins_until, and the refusal is counted',
    { topics: cutoffTopics }, async (srv) => {
        const v = await visitorHello(srv.port);
        const [youth, parents] = v.welcome.topics;
        await step('status topic: full_reason cutoff, joins_until = closes_at - 15 min', async () => {
            assert.equal(youth.state, 'full');
            assert.equal(youth.full_reason, 'cutoff');
            assert.match(youth.closes_at, ISO_TS);
            assert.equal(Date.parse(youth.closes_at) - Date.parse(youth.joins_until), 15 * 60000);
            /* only a later opening helps: when it is (tomorrow, the same daily hours) */
            const again = Date.parse(youth.next_open) - Date.parse(youth.closes_at);
            assert.ok(again > 22 * 3600000 && again < 24 * 3600000, `next_open tomorrow (${youth.next_open})`);
            assert.equal(parents.next_open, null, 'open: no next opening');
            assert.equal(parents.state, 'open');
            assert.equal(parents.joins_until, null, 'always open: no last join');
            assert.ok(!('full_reason' in parents), 'full_reason only when full');
        });
        await step('queue_full says why and until when', async () => {
            const e = await request(v, { type: 'join', topic: 'youth' });
            assert.deepEqual([e.type, e.code, e.reason], ['error', 'queue_full', 'cutoff']);
            assert.equal(e.joins_until, youth.joins_until);
            assert.equal(e.next_open, youth.next_open);
        });
        await step('queue_max reached: reason queue', async () => {
            await waiting(srv.port, 'parents');
            const e = await request(await visitorHello(srv.port), { type: 'join', topic: 'parents' });
            assert.deepEqual([e.code, e.reason, e.joins_until, e.next_open], ['queue_full', 'queue', null, null]);
            const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
            assert.deepEqual([st.topics[1].state, st.topics[1].full_reason], ['full', 'queue']);
        });
        await srv.stop();
        const t = await statsTotals(srv);
        assert.deepEqual([t.youth.refused_full, t.youth.refused_cutoff], [1, 1], 'cut-off inside refused_full');
        assert.deepEqual([t.parents.refused_full, t.parents.refused_cutoff], [1, 0]);
    });

/* ---- 2. the wait: queued's fields, re-sent, the remaining estimate ---- */

scenario('queued says closes_at, waited_s and staffed, comes again within 30 s, and its estimate never stays below the wait',
    { timeout: 120000 }, async (srv) => {
        const w = await workerOnDuty(srv.port, ['youth'], 1);
        await endedChats(srv, w, 3, 60);
        const busy = await waiting(srv.port);
        const { chat } = await w.next('chat_started');
        const v = await visitorHello(srv.port);
        const q0 = await request(v, { type: 'join', topic: 'youth' });
        const t0 = await srv.advance(0.001);
        await step('the first queued', async () => {
            assert.deepEqual([q0.type, q0.position, q0.staffed, q0.waited_s], ['queued', 1, true, 0]);
            assert.equal(q0.closes_at, null, 'hours always: no closing');
            assert.equal(q0.next_open, null);
            assert.equal(typeof q0.estimated_wait_s, 'number', JSON.stringify(q0));
            assert.ok(q0.estimated_wait_s >= 30, `three 60 s chats: ${q0.estimated_wait_s}`);
        });
        let last = q0;
        let now = t0;
        /* the same place, nobody freed: again and again, past the first estimate */
        while (now - t0 < q0.estimated_wait_s + 30) {
            const before = now;
            const got = await advanceUntil(srv, v, 'queued', { step: 2, max: 40 });
            ({ now } = got);
            const q = got.msg;
            assert.ok(now - before <= 31, `again within 30 s (${now - before} s)`);
            assert.equal(q.position, 1);
            assert.ok(Math.abs(q.waited_s - (now - t0)) <= 2, `waited_s ${q.waited_s} ~ ${now - t0}`);
            assert.ok(q.estimated_wait_s >= q.waited_s, `remaining ${q.estimated_wait_s} below waited ${q.waited_s}`);
            assert.ok(q.estimated_wait_s > last.estimated_wait_s, 'grows while nothing moves');
            last = q;
        }
        assert.ok(last.waited_s > q0.estimated_wait_s, 'the wait outlived the first estimate');
        await request(w, { type: 'end', chat });
        await busy.next('chat_ended');
        assert.equal((await v.next('chat_started')).topic, 'youth');
    });

scenario('after a restart the estimate comes from the stored statistics', { timeout: 120000 }, async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    await endedChats(srv, w, 3, 40);
    await srv.stop();
    const d = spawnChatd(srv.cfg);
    const port = await d.ready;
    try {
        const w2 = await workerOnDuty(port, ['youth'], 1);
        await waiting(port);
        await w2.next('chat_started');
        const st = JSON.parse((await httpGet(port, '/api/status')).body);
        assert.equal(typeof st.topics[0].estimated_wait_s, 'number', JSON.stringify(st.topics[0]));
        const v = await waiting(port);
        assert.equal(typeof v.queued.estimated_wait_s, 'number', JSON.stringify(v.queued));
        assert.ok(v.queued.estimated_wait_s >= 20, `40 s chats: ${v.queued.estimated_wait_s}`);
    } finally {
        await d.stop();
    }
});

function closingSoon() {
    const closes = Date.now() + 2 * 60000;
    return { youth: { hours: `daily ${hhmm(Date.now() - 3600000)}-${hhmm(closes)}`, join_cutoff_min: 0 } };
}

scenario('at closing time chatd keeps serving the queue, and queued says the topic has closed',
    { topics: closingSoon, timeout: 120000 }, async (srv) => {
        const w = await workerOnDuty(srv.port, ['youth'], 1);
        const busy = await waiting(srv.port);
        const { chat } = await w.next('chat_started');
        const v = await waiting(srv.port);
        assert.match(v.queued.closes_at, ISO_TS);
        assert.equal(v.queued.joins_until, undefined, 'joins_until is the status topic\'s');
        const closes = Date.parse(v.queued.closes_at);
        const { msg, now } = await advanceUntil(srv, v, (m) => m.type === 'queued' && m.closes_at === null,
            { step: 10, max: 200 });
        assert.ok(now * 1000 >= closes, 'not before the closing');
        assert.match(msg.next_open, ISO_TS);
        assert.deepEqual([msg.position, msg.staffed], [1, true], 'still in line, and someone is there');
        const late = await request(await visitorHello(srv.port), { type: 'join', topic: 'youth' });
        assert.equal(late.code, 'closed', 'no new joins');
        await request(w, { type: 'end', chat });
        await busy.next('chat_ended');
        assert.equal((await v.next('chat_started')).topic, 'youth', 'answered after the closing');
    });

/* ---- 3. transfer only where someone is ---- */

function laterTopics() {
    const opens = Date.now() + 2 * 3600000;
    return {
        youth: {},
        parents: { audience: 'parent', hours: `daily ${hhmm(opens)}-${hhmm(opens + 3600000)}` },
    };
}

scenario('transfer into a topic nobody is on duty for is nobody_on_duty unless forced; queue_state shows state and on_duty',
    { topics: laterTopics }, async (srv) => {
        const { w, v, chat } = await chatting(srv);
        await step('queue_state: the duty topic and the others, with state and on_duty', async () => {
            const qs = await w.next((m) => m.type === 'queue_state' && m.others && m.others.length === 1);
            assert.deepEqual(qs.topics.map((t) => [t.id, t.state, t.on_duty]), [['youth', 'open', 1]]);
            assert.deepEqual(qs.others.map((t) => [t.id, t.state, t.on_duty, t.waiting]), [['parents', 'closed', 0, 0]]);
        });
        await step('refused without force; the chat goes on', async () => {
            const e = await request(w, { type: 'transfer', chat, topic: 'parents' });
            assert.deepEqual([e.type, e.code], ['error', 'nobody_on_duty']);
            assert.equal((await request(w, { type: 'msg', chat, text: 'still here' })).type, 'ack');
            assert.equal((await v.next('msg')).text, 'still here');
        });
        await step('forced: the visitor hears that nobody is there, and when it opens', async () => {
            const ended = await request(w, { type: 'transfer', chat, topic: 'parents', force: true });
            assert.deepEqual([ended.type, ended.by], ['chat_ended', 'transfer']);
            const q = await v.next((m) => m.type === 'queued' && m.topic === 'parents');
            assert.deepEqual([q.position, q.staffed, q.estimated_wait_s, q.closes_at], [1, false, null, null]);
            assert.match(q.next_open, ISO_TS);
            const qs = await w.next((m) => m.type === 'queue_state' && m.others && m.others[0].waiting === 1);
            assert.equal(qs.others[0].id, 'parents', 'a wait nobody serves shows in the panel');
        });
    });

/* ---- 4. the supervisor under its own alias ---- */

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };

scenario('a supervisor who joined a chat writes under its alias, live and in the history', async (srv) => {
    await addWorker(srv, CORA, 'coordinator');
    const { w, v, chat } = await chatting(srv);
    const sup = await workerLogin(srv.port, CORA.user, CORA.password);
    assert.equal((await request(sup, { type: 'monitor', chat, on: true })).type, 'chat_started');
    assert.equal((await request(sup, { type: 'join_chat', chat })).type, 'ack');
    assert.equal((await request(sup, { type: 'msg', chat, text: 'Cora here' })).type, 'ack');
    const m = await v.next('msg');
    assert.deepEqual([m.from, m.alias, m.text], ['worker', 'Cora', 'Cora here']);
    assert.equal((await w.next('msg')).alias, 'Cora', 'the worker\'s console sees it too');
    assert.equal((await request(w, { type: 'msg', chat, text: 'Alice again' })).type, 'ack');
    assert.equal((await v.next('msg')).alias, 'Alice');
    v.terminate();
    await v.closed;
    const back = await visitorHello(srv.port, { session: v.welcome.session });
    const s = await back.next('chat_started');
    assert.equal(s.history.find((x) => x.text === 'Cora here').alias, 'Cora');
    assert.equal(s.history.find((x) => x.text === 'Alice again').alias, 'Alice', 'each line names its writer');
});

scenario('after a transfer the history names who wrote each line', {
    topics: { youth: {}, parents: { audience: 'parent' } },
}, async (srv) => {
    await addWorker(srv);
    const { w, v, chat } = await chatting(srv);
    assert.equal((await request(w, { type: 'msg', chat, text: 'from Alice' })).type, 'ack');
    await v.next('msg');
    const bob = await workerLogin(srv.port, 'bob', 'bob-password-1');
    assert.equal((await request(bob, { type: 'duty', on: true, topics: ['parents'], capacity: 1 })).type, 'duty');
    assert.equal((await request(w, { type: 'transfer', chat, topic: 'parents' })).by, 'transfer');
    const s = await v.next('chat_started');
    assert.equal(s.worker, 'Bob');
    assert.equal(s.history.find((x) => x.text === 'from Alice').alias, 'Alice', 'not the new worker\'s name');
    assert.equal((await bob.next('chat_started')).history.find((x) => x.text === 'from Alice').alias, 'Alice');
});

/* ---- 5. leaving with the quick exit ---- */

scenario('leave {quick} ends the chat like leave, and the worker\'s chat_ended says quick', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const ref = newRef();
    v.send({ type: 'leave', quick: true, ref });
    const mine = await v.next((m) => m.ref === ref);
    assert.deepEqual([mine.type, mine.chat, mine.by, mine.quick], ['chat_ended', chat, 'visitor', true]);
    const ended = await w.next('chat_ended');
    assert.deepEqual([ended.chat, ended.by, ended.quick], [chat, 'visitor', true]);
    const again = await chatting(srv);
    assert.equal((await request(again.v, { type: 'leave' })).type, 'chat_ended');
    const plain = await again.w.next('chat_ended');
    assert.equal(plain.quick, undefined, 'an ordinary goodbye is not a quick exit');
});

/* ---- 6. other help ---- */

scenario('welcome carries the [help] texts', {
    extra: '[help]\ntext_fi = Hätätilanteessa soita 112.\ntext_en = In an emergency call 112.',
}, async (srv) => {
    const v = await visitorHello(srv.port);
    assert.deepEqual(v.welcome.help, { fi: 'Hätätilanteessa soita 112.', sv: '', en: 'In an emergency call 112.' });
});

scenario('without [help] the texts are empty', async (srv) => {
    const v = await connect(srv.port, 'visitor.v1');
    const w = await request(v, { type: 'hello' });
    assert.deepEqual(w.help, { fi: '', sv: '', en: '' });
});
