/* resume_contract.test.mjs: dropped connections (contract v1 §3.1, last
 * paragraph; §3.2 login with a token). A visitor keeps its queue place or
 * chat for resume_grace_s and gets it back with hello {session}; after the
 * grace the place is abandoned and the chat ends by timeout. A worker comes
 * back with its token to its open chats, and every tab of it is served. */
import assert from 'node:assert/strict';
import {
    advanceUntil, chatting, connect, historyRows, request, scenario, visitorHello, waiting,
} from './harness.mjs';

const SESSION_TOKEN = /^[A-Za-z0-9_-]{22,}$/;
const SHORT_GRACE = { server: { resume_grace_s: 1 } };
const GRACE_MAX_S = 4; /* of chatd's clock: 1 s grace plus a generous margin */

function resumeHello(port, v) {
    return visitorHello(port, { session: v.welcome.session });
}

/* ---- visitor, within the grace ---- */

scenario('a queued visitor who says hello with its session within the grace is welcomed back queued', async (srv) => {
    await waiting(srv.port);
    const b = await waiting(srv.port);
    b.terminate();
    await b.closed;
    const b2 = await resumeHello(srv.port, b);
    assert.equal(b2.welcome.resumed, true);
    assert.equal(b2.welcome.state, 'queued');
    assert.equal(b2.welcome.session, b.welcome.session);
});

scenario('a queued visitor who resumes gets queued with its same position', async (srv) => {
    await waiting(srv.port);
    const b = await waiting(srv.port);
    const c = await waiting(srv.port);
    assert.equal(b.queued.position, 2);
    b.terminate();
    await b.closed;
    const b2 = await resumeHello(srv.port, b);
    const q = await b2.next('queued');
    assert.deepEqual([q.topic, q.position], ['youth', 2]);
    await c.expectNone('queued'); /* nobody behind moved */
});

scenario('while a chatting visitor is away the worker gets visitor_away and its messages are acked', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    v.terminate();
    const away = await w.next('visitor_away');
    assert.equal(away.chat, chat);
    const a = await request(w, { type: 'msg', chat, text: 'are you still there?' });
    assert.deepEqual([a.type, a.seq], ['ack', 1]);
});

scenario('a chatting visitor who resumes gets chat_started with the messages sent while away', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    assert.equal((await request(v, { type: 'msg', text: 'my phone is dying' })).seq, 1);
    v.terminate();
    await w.next('visitor_away');
    assert.equal((await request(w, { type: 'msg', chat, text: 'are you still there?' })).seq, 2);
    assert.equal((await request(w, { type: 'msg', chat, text: 'I will wait' })).seq, 3);
    const v2 = await resumeHello(srv.port, v);
    assert.equal(v2.welcome.resumed, true);
    assert.equal(v2.welcome.state, 'chatting');
    const s = await v2.next('chat_started');
    assert.equal(s.chat, chat);
    assert.equal(s.topic, 'youth');
    assert.equal(s.worker, 'Alice');
    assert.deepEqual(historyRows(s.history, chat), [
        [1, 'visitor', 'my phone is dying'],
        [2, 'worker', 'are you still there?'],
        [3, 'worker', 'I will wait'],
    ]);
});

scenario('the worker gets visitor_back when the visitor resumes its chat', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    v.terminate();
    await w.next('visitor_away');
    await w.expectNone('visitor_back');
    const v2 = await resumeHello(srv.port, v);
    assert.equal((await w.next('visitor_back')).chat, chat);
    const a = await request(v2, { type: 'msg', text: 'back again' });
    assert.deepEqual([a.type, a.seq], ['ack', 1]);
    assert.equal((await w.next('msg')).text, 'back again');
});

/* ---- visitor, after the grace ---- */

scenario('after the grace a queued visitor\'s place is gone and the next in line moves up', SHORT_GRACE, async (srv) => {
    const a = await waiting(srv.port);
    const b = await waiting(srv.port);
    const c = await waiting(srv.port);
    a.terminate();
    const { msg: qb } = await advanceUntil(srv, b, 'queued', { max: GRACE_MAX_S });
    const qc = await c.next('queued', { timeout: 1000 });
    assert.deepEqual([qb.position, qc.position], [1, 2]);
    const a2 = await resumeHello(srv.port, a);
    assert.equal(a2.welcome.state, 'idle', 'the old place is not given back');
    await a2.expectNone('queued');
});

scenario('after the grace a chatting visitor\'s chat ends for the worker by timeout', SHORT_GRACE, async (srv) => {
    const { w, v, chat } = await chatting(srv);
    v.terminate();
    await w.next('visitor_away');
    const { msg: end } = await advanceUntil(srv, w, 'chat_ended', { max: GRACE_MAX_S });
    assert.deepEqual([end.chat, end.by], [chat, 'timeout']);
});

scenario('a hello with an unknown session gives a fresh session with resumed false', async (srv) => {
    const unknown = 'dW5rbm93bi1zZXNzaW9uLXRva2VuLTEyMw';
    const v = await visitorHello(srv.port, { session: unknown });
    assert.equal(v.welcome.resumed, false);
    assert.equal(v.welcome.state, 'idle');
    assert.notEqual(v.welcome.session, unknown);
    assert.match(v.welcome.session, SESSION_TOKEN);
});

/* ---- workers ---- */

scenario('a worker whose connection drops logs in with its token and gets its open chat with history', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    assert.equal((await request(v, { type: 'msg', text: 'hello?' })).seq, 1);
    assert.equal((await w.next('msg')).seq, 1);
    w.terminate();
    await w.closed;
    const w2 = await connect(srv.port, 'worker.v1');
    const welcome = await request(w2, { type: 'login', token: w.welcome.token });
    assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
    assert.equal(welcome.user, 'alice');
    const s = await w2.next('chat_started');
    assert.equal(s.chat, chat);
    assert.equal(s.topic, 'youth');
    assert.deepEqual(historyRows(s.history, chat), [[1, 'visitor', 'hello?']]);
});

scenario('the chat goes on after the worker resumes with its token', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    w.terminate();
    await w.closed;
    const w2 = await connect(srv.port, 'worker.v1');
    assert.equal((await request(w2, { type: 'login', token: w.welcome.token })).type, 'welcome');
    await w2.next('chat_started');
    const a1 = await request(w2, { type: 'msg', chat, text: 'sorry, I lost my connection' });
    assert.deepEqual([a1.type, a1.seq], ['ack', 1]);
    const m1 = await v.next('msg');
    assert.deepEqual([m1.from, m1.text, m1.seq], ['worker', 'sorry, I lost my connection', 1]);
    assert.equal((await request(v, { type: 'msg', text: 'ok' })).seq, 2);
    const m2 = await w2.next('msg');
    assert.deepEqual([m2.chat, m2.from, m2.text, m2.seq], [chat, 'visitor', 'ok', 2]);
});

scenario('two connections with the same token both receive the visitor\'s messages', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const tab2 = await connect(srv.port, 'worker.v1');
    assert.equal((await request(tab2, { type: 'login', token: w.welcome.token })).type, 'welcome');
    assert.equal((await tab2.next('chat_started')).chat, chat);
    assert.equal((await request(v, { type: 'msg', text: 'can both of you see this' })).seq, 1);
    for (const tab of [w, tab2]) {
        const m = await tab.next('msg');
        assert.deepEqual([m.chat, m.from, m.text, m.seq], [chat, 'visitor', 'can both of you see this', 1]);
    }
});
