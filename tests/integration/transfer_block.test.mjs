/* transfer_block.test.mjs: what a worker can do to a chat besides ending it,
 * and what follows a chat (contract v1 §3.2 transfer, block, logout; §3.1
 * feedback). A transferred visitor waits first in the new topic's line and
 * keeps its chat id and history; a blocked session cannot join; feedback is
 * taken once for the chat that ended; logout revokes the token and puts the
 * worker's visitors back in line. */
import assert from 'node:assert/strict';
import {
    ALICE, BOB, addWorker, chatting, connect, historyRows, newRef, request, scenario, spawnChatd, step,
    visitorHello, waiting, workerOnDuty, workerOnDutyAs,
} from './harness.mjs';

const TWO_TOPICS = { topics: { youth: {}, parents: { audience: 'parent', title_en: 'Parents chat' } } };

/* Sends obj with a ref; resolves with the reply carrying the ref or the
 * first message of `type`, whichever comes first. */
function ask(client, obj, type) {
    const ref = newRef();
    client.send({ ...obj, ref });
    const match = (m) => m.ref === ref || m.type === type;
    match.label = `"${type}" or a reply to ${obj.type}`;
    return client.next(match);
}

/* A youth chat with two messages, two visitors already waiting for parents
 * (nobody on duty there), and the chat transferred to parents. */
async function transferred(srv) {
    const { w, v, chat } = await chatting(srv);
    assert.equal((await request(v, { type: 'msg', text: 'it is about my mum' })).seq, 1);
    assert.equal((await request(w, { type: 'msg', chat, text: 'the parents line can help' })).seq, 2);
    assert.equal((await v.next('msg')).seq, 2);
    const p1 = await waiting(srv.port, 'parents');
    const p2 = await waiting(srv.port, 'parents');
    const ended = await ask(w, { type: 'transfer', chat, topic: 'parents', force: true }, 'chat_ended');
    return { w, v, chat, p1, p2, ended };
}

const HISTORY = [[1, 'visitor', 'it is about my mum'], [2, 'worker', 'the parents line can help']];

/* ---- transfer ---- */

scenario('a transferred chat ends for its worker with chat_ended by transfer', TWO_TOPICS, async (srv) => {
    const { chat, ended } = await transferred(srv);
    assert.equal(ended.type, 'chat_ended', JSON.stringify(ended));
    assert.deepEqual([ended.chat, ended.by], [chat, 'transfer']);
});

scenario('a transferred visitor is queued for the new topic at position 1 ahead of those already waiting',
    TWO_TOPICS, async (srv) => {
        const { v, p1, p2 } = await transferred(srv);
        const q = await v.next('queued');
        assert.deepEqual([q.topic, q.position], ['parents', 1]);
        assert.equal((await p1.next('queued')).position, 2);
        assert.equal((await p2.next('queued')).position, 3);
    });

scenario('the worker who takes a transferred visitor gets the same chat id and the full history',
    TWO_TOPICS, async (srv) => {
        await addWorker(srv, BOB);
        const { v, chat } = await transferred(srv);
        await v.next('queued');
        const bob = await workerOnDutyAs(srv.port, BOB, ['parents'], 1);
        const s = await bob.next('chat_started');
        assert.equal(s.chat, chat);
        assert.equal(s.topic, 'parents');
        assert.equal(s.audience, 'parent');
        assert.deepEqual(historyRows(s.history, chat), HISTORY);
        const vs = await v.next('chat_started');
        assert.deepEqual([vs.chat, vs.topic, vs.worker], [chat, 'parents', BOB.alias]);
        assert.deepEqual(historyRows(vs.history, chat), HISTORY);
    });

scenario('messages after a transfer continue the chat\'s seq', TWO_TOPICS, async (srv) => {
    await addWorker(srv, BOB);
    const { v, chat } = await transferred(srv);
    const bob = await workerOnDutyAs(srv.port, BOB, ['parents'], 1);
    await bob.next('chat_started');
    await v.next('chat_started');
    const a3 = await request(bob, { type: 'msg', chat, text: 'hi, Bob here' });
    assert.deepEqual([a3.type, a3.seq], ['ack', 3]);
    const m3 = await v.next('msg');
    assert.deepEqual([m3.chat, m3.from, m3.text, m3.seq], [chat, 'worker', 'hi, Bob here', 3]);
    const a4 = await request(v, { type: 'msg', text: 'hi Bob' });
    assert.deepEqual([a4.type, a4.seq], ['ack', 4]);
    const m4 = await bob.next('msg');
    assert.deepEqual([m4.chat, m4.from, m4.text, m4.seq], [chat, 'visitor', 'hi Bob', 4]);
});

/* ---- block ---- */

scenario('block ends the chat for both sides', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const we = await ask(w, { type: 'block', chat, hours: 1 }, 'chat_ended');
    assert.equal(we.type, 'chat_ended', JSON.stringify(we));
    assert.deepEqual([we.chat, we.by], [chat, 'worker']);
    const ve = await v.next('chat_ended');
    assert.deepEqual([ve.chat, ve.by], [chat, 'worker']);
});

scenario('a blocked session\'s join is refused with blocked, also from a new connection', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    await ask(w, { type: 'block', chat, hours: 1 }, 'chat_ended');
    await v.next('chat_ended');
    const r = await request(v, { type: 'join', topic: 'youth' });
    assert.deepEqual([r.type, r.code], ['error', 'blocked']);
    v.terminate();
    await v.closed;
    const v2 = await visitorHello(srv.port, { session: v.welcome.session });
    const r2 = await request(v2, { type: 'join', topic: 'youth' });
    assert.deepEqual([r2.type, r2.code], ['error', 'blocked']);
});

scenario('a block lasts its hours after the session has left memory, and over a restart',
    { server: { resume_grace_s: 1 } }, async (srv) => {
        const { w, v, chat } = await chatting(srv);
        await ask(w, { type: 'block', chat, hours: 1 }, 'chat_ended');
        const { session } = v.welcome;
        v.terminate();
        await v.closed;
        await srv.advance(2.5); /* the 1 s grace is over */
        await step('back after the grace: the same token, still blocked', async () => {
            const v2 = await visitorHello(srv.port, { session });
            assert.equal(v2.welcome.session, session);
            assert.equal((await request(v2, { type: 'join', topic: 'youth' })).code, 'blocked');
        });
        await srv.kill();
        const d = spawnChatd(srv.cfg);
        const port = await d.ready;
        try {
            await step('after a restart: still blocked', async () => {
                const v3 = await visitorHello(port, { session });
                assert.equal((await request(v3, { type: 'join', topic: 'youth' })).code, 'blocked');
            });
            await step('another session is not blocked', async () => {
                const other = await visitorHello(port);
                assert.equal((await request(other, { type: 'join', topic: 'youth' })).type, 'queued');
            });
        } finally {
            await d.stop();
        }
    });

/* ---- feedback ---- */

async function endedChat(srv) {
    const { w, v, chat } = await chatting(srv);
    await ask(w, { type: 'end', chat }, 'chat_ended');
    assert.equal((await v.next('chat_ended')).chat, chat);
    return { w, v, chat };
}

scenario('feedback for the chat that just ended is acknowledged', async (srv) => {
    const { v, chat } = await endedChat(srv);
    const r = await request(v, { type: 'feedback', chat, score: 4 });
    assert.equal(r.type, 'ack', JSON.stringify(r));
});

scenario('a second feedback for the same chat is refused with bad_state', async (srv) => {
    const { v, chat } = await endedChat(srv);
    assert.equal((await request(v, { type: 'feedback', chat, score: 4 })).type, 'ack');
    const r = await request(v, { type: 'feedback', chat, score: 5 });
    assert.deepEqual([r.type, r.code], ['error', 'bad_state']);
});

scenario('feedback naming another chat id is refused with bad_state', async (srv) => {
    const { v, chat } = await endedChat(srv);
    const other = chat.length > 1 ? chat.slice(0, -1) + (chat.endsWith('A') ? 'B' : 'A') : 'x';
    const r = await request(v, { type: 'feedback', chat: other, score: 4 });
    assert.deepEqual([r.type, r.code], ['error', 'bad_state']);
});

/* ---- logout ---- */

scenario('logout revokes the token: a new connection\'s login with it is unauthorized', async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 2);
    w.send({ type: 'logout' });
    const closed = await w.closed;
    assert.equal(typeof closed.code, 'number');
    const again = await connect(srv.port, 'worker.v1');
    const r = await request(again, { type: 'login', token: w.welcome.token });
    assert.deepEqual([r.type, r.code], ['error', 'unauthorized']);
    /* the password still works */
    const fresh = await connect(srv.port, 'worker.v1');
    const ok = await request(fresh, { type: 'login', user: ALICE.user, password: ALICE.password }, { timeout: 10000 });
    assert.equal(ok.type, 'welcome');
    assert.notEqual(ok.token, w.welcome.token);
});

scenario('logout puts the worker\'s visitor back in the queue', async (srv) => {
    const { w, v } = await chatting(srv);
    w.send({ type: 'logout' });
    await w.closed;
    const q = await v.next('queued');
    assert.deepEqual([q.topic, q.position], ['youth', 1]);
});
