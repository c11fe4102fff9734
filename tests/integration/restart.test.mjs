/* restart.test.mjs: queue places and chats survive a crash of chatd; a chat
 * goes on under a new key segment and its whole transcript still opens. */
import assert from 'node:assert/strict';
import { connect, request, scenario, spawnChatd, step, visitorHello, workerOnDuty } from './harness.mjs';

scenario('a queued visitor and a chat survive SIGKILL and a restart', { timeout: 60000 }, async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    const talking = await visitorHello(srv.port);
    await request(talking, { type: 'join', topic: 'youth' });
    const { chat } = await w.next('chat_started');
    await request(talking, { type: 'msg', text: 'before the crash' });
    const waiting = await visitorHello(srv.port);
    assert.equal((await request(waiting, { type: 'join', topic: 'youth' })).position, 1);
    await srv.kill();

    const d = spawnChatd(srv.cfg);
    const port = await d.ready;
    try {
        await step('the waiting visitor keeps its place', async () => {
            const v = await visitorHello(port, { session: waiting.welcome.session });
            assert.deepEqual([v.welcome.resumed, v.welcome.state], [true, 'queued']);
            assert.equal((await v.next('queued')).position, 1);
        });
        const v = await step('the chatting visitor is still in its chat', async () => {
            const c = await visitorHello(port, { session: talking.welcome.session });
            assert.deepEqual([c.welcome.resumed, c.welcome.state], [true, 'chatting']);
            assert.equal((await c.next('chat_started')).chat, chat);
            return c;
        });
        await step('the worker comes back with its token and the chat goes on', async () => {
            const w2 = await connect(port, 'worker.v1');
            assert.equal((await request(w2, { type: 'login', token: w.welcome.token })).type, 'welcome');
            assert.equal((await w2.next('chat_started')).chat, chat);
            const ack = await request(w2, { type: 'msg', chat, text: 'after the restart' });
            assert.equal(ack.seq, 2, 'seq continues');
            assert.equal((await v.next('msg')).text, 'after the restart');
        });
        await step('the transcript opens whole, across both key segments', async () => {
            const r = await srv.admin(['transcript', 'show', chat, '--key', srv.keyFile], srv.passphrase);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^1 \S+ visitor: before the crash$/m);
            assert.match(r.stdout, /^2 \S+ worker: after the restart$/m);
        });
    } finally {
        await d.stop();
    }
});
