/* durability.test.mjs: an ack is a promise. SIGKILL in the middle of heavy
 * traffic loses no acknowledged message, and every stored transcript still
 * decrypts afterwards (issue 7). */
import assert from 'node:assert/strict';
import { request, scenario, visitorHello, workerOnDuty } from './harness.mjs';

scenario('SIGKILL under load loses no acknowledged message', { timeout: 90000 }, async (srv) => {
    const CHATS = 6;
    const w = await workerOnDuty(srv.port, ['youth'], CHATS);
    const pairs = [];
    for (let i = 0; i < CHATS; i++) {
        const v = await visitorHello(srv.port);
        await request(v, { type: 'join', topic: 'youth' });
        const s = await w.next('chat_started');
        pairs.push({ v, chat: s.chat, acked: new Map() });
    }
    /* every visitor sends as fast as its rate limit allows; acks are recorded */
    for (const p of pairs) {
        p.v.ws.on('message', (d) => {
            const m = JSON.parse(d.toString());
            if (m.type === 'ack' && m.ref) p.acked.set(m.seq, m.ref);
        });
    }
    let n = 0;
    const timer = setInterval(() => {
        for (const p of pairs) {
            n += 1;
            p.v.send({ type: 'msg', text: `load message ${n}`, ref: `load message ${n}` });
        }
    }, 150);
    await new Promise((r) => setTimeout(r, 2500));
    await srv.kill();
    clearInterval(timer);
    let total = 0;
    for (const p of pairs) {
        const r = await srv.admin(['transcript', 'show', p.chat, '--key', srv.keyFile], srv.passphrase);
        assert.equal(r.code, 0, `transcript ${p.chat} decrypts after SIGKILL: ${r.stderr}`);
        for (const [seq, text] of p.acked) {
            assert.ok(r.stdout.includes(`${seq} `) && r.stdout.includes(`visitor: ${text}\n`),
                `acknowledged message ${seq} "${text}" of ${p.chat} survived`);
            total += 1;
        }
    }
    assert.ok(total > 50, `enough acknowledged messages to mean something (${total})`);
});
