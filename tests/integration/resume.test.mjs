/* resume.test.mjs: dropped connections keep their place or chat for the
 * resume grace (contract §3.1 end), workers resume with their token, and
 * transfer, block, feedback and logout behave as §3.2 says. */
import assert from 'node:assert/strict';
import {
    advanceUntil, chatting, connect, request, scenario, step, visitorHello, workerLogin,
} from './harness.mjs';

const BOB = { user: 'bob', password: 'bob-password-1', alias: 'Bob' };

scenario('a queued visitor who drops keeps its place when it says hello again', async (srv) => {
    const a = await visitorHello(srv.port);
    await request(a, { type: 'join', topic: 'youth' });
    const b = await visitorHello(srv.port);
    await request(b, { type: 'join', topic: 'youth' });
    b.terminate();
    const b2 = await visitorHello(srv.port, { session: b.welcome.session });
    assert.equal(b2.welcome.resumed, true);
    assert.equal(b2.welcome.state, 'queued');
    assert.equal(b2.welcome.session, b.welcome.session);
    assert.equal((await b2.next('queued')).position, 2);
});

scenario('a chatting visitor who drops gets the messages sent meanwhile on resume', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    assert.equal((await request(v, { type: 'msg', text: 'before drop' })).seq, 1);
    v.terminate();
    assert.equal((await w.next('visitor_away')).chat, chat);
    assert.equal((await request(w, { type: 'msg', chat, text: 'are you there?' })).seq, 2);
    const v2 = await visitorHello(srv.port, { session: v.welcome.session });
    assert.equal(v2.welcome.state, 'chatting');
    const started = await v2.next('chat_started');
    assert.equal(started.chat, chat);
    assert.deepEqual(started.history.map((m) => [m.seq, m.from, m.text]),
        [[1, 'visitor', 'before drop'], [2, 'worker', 'are you there?']]);
    assert.equal((await w.next('visitor_back')).chat, chat);
    assert.equal((await request(v2, { type: 'msg', text: 'back' })).seq, 3);
    assert.equal((await w.next((m) => m.type === 'msg' && m.seq === 3)).text, 'back');
});

scenario('after the grace a queued place is abandoned and a chat ends by timeout',
    { server: { resume_grace_s: 1 } }, async (srv) => {
        await step('queued', async () => {
            const a = await visitorHello(srv.port);
            await request(a, { type: 'join', topic: 'youth' });
            const b = await visitorHello(srv.port);
            await request(b, { type: 'join', topic: 'youth' });
            a.terminate();
            assert.equal((await advanceUntil(srv, b, 'queued', { max: 4 })).msg.position, 1);
            const again = await visitorHello(srv.port, { session: a.welcome.session });
            assert.equal(again.welcome.resumed, false, 'the old session is gone');
            await request(b, { type: 'leave' });
        });
        await step('chatting', async () => {
            const { w, v, chat } = await chatting(srv);
            v.terminate();
            await w.next('visitor_away');
            const { msg: end } = await advanceUntil(srv, w, 'chat_ended', { max: 4 });
            assert.deepEqual([end.chat, end.by], [chat, 'timeout']);
        });
    });

scenario('an unknown session gets a fresh one', async (srv) => {
    const v = await visitorHello(srv.port, { session: 'AAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(v.welcome.resumed, false);
    assert.notEqual(v.welcome.session, 'AAAAAAAAAAAAAAAAAAAAAA');
});

scenario('a worker who drops resumes with its token and keeps its chat', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    await request(v, { type: 'msg', text: 'hello worker' });
    w.terminate();
    const w2 = await connect(srv.port, 'worker.v1');
    const welcome = await request(w2, { type: 'login', token: w.welcome.token });
    assert.equal(welcome.type, 'welcome');
    const started = await w2.next('chat_started');
    assert.equal(started.chat, chat);
    assert.deepEqual(started.history.map((m) => m.text), ['hello worker']);
    assert.equal((await request(w2, { type: 'msg', chat, text: 'still with you' })).type, 'ack');
    assert.equal((await v.next('msg')).text, 'still with you');
});

scenario('two console tabs of one worker both see the visitor', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const tab2 = await connect(srv.port, 'worker.v1');
    await request(tab2, { type: 'login', token: w.welcome.token });
    assert.equal((await tab2.next('chat_started')).chat, chat);
    await request(v, { type: 'msg', text: 'to both tabs' });
    assert.equal((await w.next('msg')).text, 'to both tabs');
    assert.equal((await tab2.next('msg')).text, 'to both tabs');
});

scenario('transfer puts the visitor first in the other topic with its history',
    { topics: { youth: {}, parents: { audience: 'parent' } } }, async (srv) => {
        const r = await srv.admin(['user', 'add', BOB.user, '--role', 'worker', '--alias', BOB.alias], BOB.password);
        assert.equal(r.code, 0, r.stderr);
        const { w, v, chat } = await chatting(srv);
        await request(v, { type: 'msg', text: 'my parents...' });
        const other = await visitorHello(srv.port);
        await request(other, { type: 'join', topic: 'parents' });
        const ended = await request(w, { type: 'transfer', chat, topic: 'parents', force: true });
        assert.deepEqual([ended.type, ended.chat, ended.by], ['chat_ended', chat, 'transfer']);
        const q = await v.next('queued');
        assert.deepEqual([q.topic, q.position], ['parents', 1]);
        const bob = await workerLogin(srv.port, BOB.user, BOB.password);
        await request(bob, { type: 'duty', on: true, topics: ['parents'], capacity: 1 });
        const s = await bob.next('chat_started');
        assert.equal(s.chat, chat, 'the chat keeps its id');
        assert.deepEqual(s.history.map((m) => m.text), ['my parents...']);
        const vs = await v.next('chat_started');
        assert.equal(vs.worker, BOB.alias);
        assert.equal((await request(bob, { type: 'msg', chat, text: 'hi, Bob here' })).seq, 2);
    });

scenario('block ends the chat and refuses the session later joins', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const ended = await request(w, { type: 'block', chat, hours: 1 });
    assert.equal(ended.type, 'chat_ended');
    assert.equal((await v.next('chat_ended')).chat, chat);
    assert.equal((await request(v, { type: 'join', topic: 'youth' })).code, 'blocked');
});

scenario('feedback is taken once for the chat that just ended', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    await request(w, { type: 'end', chat });
    await v.next('chat_ended');
    assert.equal((await request(v, { type: 'feedback', chat: 'other', score: 4 })).code, 'bad_state');
    assert.equal((await request(v, { type: 'feedback', chat, score: 4 })).type, 'ack');
    assert.equal((await request(v, { type: 'feedback', chat, score: 5 })).code, 'bad_state');
});

scenario('logout revokes the token and sends the visitor back to the queue', async (srv) => {
    const { w, v } = await chatting(srv);
    const bye = await request(w, { type: 'logout' });
    assert.equal(bye.type, 'logged_out');
    assert.equal((await v.next('queued')).position, 1);
    const again = await connect(srv.port, 'worker.v1');
    assert.equal((await request(again, { type: 'login', token: w.welcome.token })).code, 'unauthorized');
});

scenario('a worker\'s own messages and duty changes reach its other console tabs', async (srv) => {
    const { w, v, chat } = await chatting(srv);
    const tab2 = await connect(srv.port, 'worker.v1');
    await request(tab2, { type: 'login', token: w.welcome.token });
    await tab2.next('chat_started');
    await request(w, { type: 'msg', chat, text: 'from tab one' });
    const m = await tab2.next('msg');
    assert.deepEqual([m.chat, m.from, m.text], [chat, 'worker', 'from tab one']);
    assert.equal((await v.next('msg')).text, 'from tab one');
    await request(w, { type: 'duty', on: false });
    assert.equal((await tab2.next((x) => x.type === 'duty' && x.on === false)).on, false);
});
