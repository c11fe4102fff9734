/* timers.test.mjs: the connection timers and the per-source login throttle
 * (issue 7): a client that never finishes its handshake, a WebSocket that
 * never answers a ping, a healthy one that does, and a password guesser who
 * spreads the guesses over many accounts; and the configurable message rate
 * limit. The timers are shortened through the config keys
 * handshake_timeout_s, ping_interval_s and idle_timeout_s. The handshake
 * timeout is lws's own and runs on real time; pings, hang-ups and the rate
 * limit run on chatd's clock, which these tests move (srv.advance). */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { connect, httpGet, request, scenario, visitorHello, workerOnDuty } from './harness.mjs';

const TIMERS = { handshake_timeout_s: 2, ping_interval_s: 1, idle_timeout_s: 3 };

/* A raw TCP connection to chatd. Resolves {sock, data(), closedAfter} where
 * closedAfter resolves to the milliseconds from connect to the server's close,
 * or null if it stays open for limitMs. */
function rawConnect(port, limitMs) {
    return new Promise((resolve, reject) => {
        const sock = net.connect(port, '127.0.0.1');
        const chunks = [];
        sock.on('data', (d) => chunks.push(d));
        sock.on('error', () => { /* a reset counts as a close */ });
        sock.once('connect', () => {
            const start = Date.now();
            const closedAfter = new Promise((done) => {
                const timer = setTimeout(() => { sock.destroy(); done(null); }, limitMs);
                sock.once('close', () => { clearTimeout(timer); done(Date.now() - start); });
            });
            resolve({ sock, data: () => Buffer.concat(chunks), closedAfter });
        });
        sock.once('error', reject);
    });
}

function upgradeRequest(port) {
    const key = crypto.randomBytes(16).toString('base64');
    return `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: status.v1\r\n\r\n`;
}

scenario('a connection that sends nothing is closed after handshake_timeout_s', { server: TIMERS }, async (srv) => {
    const c = await rawConnect(srv.port, 8000);
    const ms = await c.closedAfter;
    assert.ok(ms !== null, 'still open 8 s after connecting, with a 2 s handshake timeout');
    assert.ok(ms < 6000, `closed only after ${ms} ms`);
});

scenario('a handshake left unfinished is closed after handshake_timeout_s', { server: TIMERS }, async (srv) => {
    const c = await rawConnect(srv.port, 8000);
    /* the request line and one header, then silence (slowloris) */
    c.sock.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n`);
    const ms = await c.closedAfter;
    assert.ok(ms !== null, 'still open 8 s after a partial request, with a 2 s handshake timeout');
    assert.ok(ms >= 1000 && ms < 6000, `closed after ${ms} ms`);
    assert.equal(c.data().length === 0 || !c.data().toString('latin1').startsWith('HTTP/1.1 101'), true,
        'no upgrade for an unfinished request');
});

/* Resolves once sock has received more than n bytes (or closed). */
function moreThan(sock, data, n) {
    return new Promise((resolve) => {
        if (data().length > n || sock.destroyed) return resolve();
        const check = () => {
            if (data().length > n) { sock.off('data', check); resolve(); }
        };
        sock.on('data', check);
        sock.once('close', resolve);
    });
}

/* both event loops: epoll (libev, the default) and lws's own poll() */
for (const loop of ['epoll', 'poll']) {
    scenario(`a WebSocket that never answers pings is hung up after idle_timeout_s (${loop})`, { server: TIMERS, env: { CHATD_EVENT_LOOP: loop } }, async (srv) => {
        const c = await rawConnect(srv.port, 60000);
        let closed = false;
        c.closedAfter.then(() => { closed = true; });
        c.sock.write(upgradeRequest(srv.port));
        await moreThan(c.sock, c.data, 0);
        /* chatd's clock moves in quarter seconds; after each step a request
         * to chatd has been answered, so its sweep of that moment is done.
         * Times are chatd's: real time runs on in it too. */
        const t0 = await srv.advance(0.001);
        let advanced = 0;
        // eslint-disable-next-line no-unmodified-loop-condition -- the close's promise sets it
        while (!closed && advanced < 10) {
            advanced = (await srv.advance(0.25)) - t0;
            await httpGet(srv.port, '/healthz');
            await new Promise((r) => setImmediate(r));
        }
        if (!closed) c.sock.destroy();
        const bytes = c.data();
        const head = bytes.toString('latin1');
        assert.ok(head.startsWith('HTTP/1.1 101'), `upgrade refused: ${head.split('\r\n')[0]}`);
        /* after the 101 come the server's frames: the status snapshot, then pings (0x89) */
        const frames = bytes.subarray(head.indexOf('\r\n\r\n') + 4);
        assert.ok(frames.includes(0x89), 'the server pinged the silent client before hanging up');
        assert.ok(closed, 'still open after 10 s of chatd\'s clock, with a 3 s idle timeout');
        assert.ok(advanced >= 2.5 && advanced <= 4, `hung up after ${advanced.toFixed(2)} s of chatd's clock`);
        /* the epoll loop is really there (its plugin loaded), not the fallback */
        assert.equal(/no epoll loop/.test(srv.stderr()), false, srv.stderr());
    });

    scenario(`a WebSocket that answers pings stays open past idle_timeout_s (${loop})`, { server: TIMERS, env: { CHATD_EVENT_LOOP: loop } }, async (srv) => {
        const s = await connect(srv.port, 'status.v1');
        let pings = 0;
        s.ws.on('ping', () => { pings++; }); /* ws answers every ping with a pong by itself */
        await s.next('status');
        /* a second of chatd's clock at a time: each brings a ping, which ws
         * has answered by the time its 'ping' event runs; 6 s in all */
        for (let i = 0; i < 6; i++) {
            const pinged = new Promise((r) => s.ws.once('ping', r));
            await srv.advance(1);
            await pinged;
        }
        await httpGet(srv.port, '/healthz');
        await srv.advance(0.5);
        await httpGet(srv.port, '/healthz');
        await new Promise((r) => setImmediate(r));
        assert.ok(s.isOpen, 'closed although every ping was answered');
        assert.ok(pings >= 6, `only ${pings} pings in 6.5 s (chatd's clock) with ping_interval_s = 1`);
    });
}

/* 4 connections, 5 different unknown accounts each: never 5 failures on one
 * account, but 20 from one source. Then alice logs in (with headers). */
async function guessThenAlice(srv, guesserHeaders, aliceHeaders) {
    for (let conn = 0; conn < 4; conn++) {
        const c = await connect(srv.port, 'worker.v1', { headers: guesserHeaders });
        for (let i = 0; i < 5; i++) {
            /* argon2id, under a sanitizer, on a shared machine: give it time */
            const r = await request(c, { type: 'login', user: `guess${conn}x${i}`, password: 'wrong-password' },
                { timeout: 10000 });
            assert.equal(r.code, 'unauthorized', `guess ${conn * 5 + i + 1}`);
        }
        c.ws.close();
    }
    const c = await connect(srv.port, 'worker.v1', { headers: aliceHeaders });
    return request(c, { type: 'login', user: 'alice', password: 'alice-password-1' }, { timeout: 10000 });
}

scenario('failed logins from one source are throttled across accounts', async (srv) => {
    const r = await guessThenAlice(srv);
    assert.equal(r.code, 'rate_limited', 'the 21st login from the same source is refused, even a right one');
});

scenario('behind trusted_proxy a guesser does not lock out workers who come through the same proxy',
    { server: { trusted_proxy: '127.0.0.1' } }, async (srv) => {
        const r = await guessThenAlice(srv, { 'X-Forwarded-For': '198.51.100.7' }, { 'X-Forwarded-For': '203.0.113.9' });
        assert.equal(r.type, 'welcome', JSON.stringify(r));
    });

scenario('msg_burst and msg_rate_per_s set the message rate limit', { server: { msg_burst: 3, msg_rate_per_s: 1 } }, async (srv) => {
    const w = await workerOnDuty(srv.port);
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    await w.next('chat_started');
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => request(v, { type: 'msg', text: `m${i}` })));
    assert.deepEqual(replies.map((r) => r.type === 'ack' ? 'ack' : r.code),
        ['ack', 'ack', 'ack', 'rate_limited', 'rate_limited']);
    await srv.advance(1.1); /* one more token */
    assert.equal((await request(v, { type: 'msg', text: 'later' })).type, 'ack');
});
