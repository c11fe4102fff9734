/* security.test.mjs: nothing leaked, abuse limits, TLS (issue 7). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import {
    ALICE, connect, filesUnder, loginOn, newRef, openFrom, request, scenario, step, visitorHello,
    workerLogin, workerOnDuty,
} from './harness.mjs';

/* Rounds of n parallel wrong passwords for user from each address, until a
 * round is refused whole (at most 10); resolves to the count of each reply. */
async function guessInRounds(port, addresses, n, user = ALICE.user) {
    const sockets = [];
    for (const a of addresses) sockets.push(...await Promise.all(Array.from({ length: n }, () => openFrom(port, a))));
    const codes = { rounds: 0 };
    try {
        for (let round = 0; round < 10; round++) {
            const replies = await Promise.all(sockets.map((ws) => loginOn(ws, user, 'wrong-password')));
            codes.rounds += 1;
            for (const r of replies) codes[r] = (codes[r] || 0) + 1;
            if (!replies.includes('unauthorized')) break;
        }
    } finally {
        for (const ws of sockets) ws.terminate();
    }
    return codes;
}

scenario('after a full chat no file or log holds text, session, token, password or address', async (srv) => {
    const secret = 'my secret words QWX9';
    const w = await workerOnDuty(srv.port);
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    const { chat } = await w.next('chat_started');
    await request(v, { type: 'msg', text: secret });
    await request(w, { type: 'msg', chat, text: `${secret} reply` });
    await request(w, { type: 'end', chat });
    const backup = path.join(srv.dir, 'backup.db');
    await step('chatadmin backup while chatd runs', async () => {
        const r = await srv.admin(['backup', backup]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(fs.readFileSync(backup).subarray(0, 15).toString(), 'SQLite format 3');
    });
    await srv.stop();
    const needles = {
        text: secret, session: v.welcome.session, token: w.welcome.token, password: ALICE.password,
        address: '127.0.0.1',
    };
    const files = [...filesUnder(srv.dataDir), backup].filter((f) => !f.endsWith('.pub') && !f.endsWith('.key'));
    assert.ok(files.some((f) => f.endsWith('chatd.db')));
    for (const f of files) {
        const bytes = fs.readFileSync(f);
        for (const [what, s] of Object.entries(needles)) {
            assert.equal(bytes.indexOf(Buffer.from(s)), -1, `${path.basename(f)} holds the ${what}`);
        }
    }
    for (const [what, s] of Object.entries(needles)) {
        assert.ok(!srv.stderr().includes(s) && !srv.stdout().includes(s), `chatd output holds the ${what}`);
    }
});

scenario('connections per source are capped', { server: { max_conns_per_source: 3 } }, async (srv) => {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connect(srv.port, 'status.v1'));
    const fourth = await connect(srv.port, 'status.v1');
    const err = await fourth.next('error');
    assert.equal(err.code, 'rate_limited');
    assert.equal((await fourth.closed).code, 1008);
    open[0].close();
    await open[0].closed;
    await open[1].roundTrip(); /* chatd has counted the close */
    const again = await connect(srv.port, 'status.v1');
    assert.equal((await again.next('status')).type, 'status', 'a freed slot can be used');
});

/* Two connections allowed per source; what a third one from `from` gets. */
async function thirdFrom(srv, headers) {
    const open = [];
    for (let i = 0; i < 2; i++) {
        const c = await connect(srv.port, 'status.v1', { headers: headers(i) });
        await c.next('status');
        open.push(c);
    }
    return connect(srv.port, 'status.v1', { headers: headers(2) });
}

scenario('behind trusted_proxy the cap counts X-Forwarded-For sources, the last item of it',
    { server: { max_conns_per_source: 2, trusted_proxy: '127.0.0.1' } }, async (srv) => {
        await step('one forwarded client is capped', async () => {
            const third = await thirdFrom(srv, () => ({ 'X-Forwarded-For': '198.51.100.7' }));
            assert.equal((await third.next('error')).code, 'rate_limited');
        });
        await step('other clients behind the same proxy are not', async () => {
            const other = await connect(srv.port, 'status.v1', { headers: { 'X-Forwarded-For': '203.0.113.9, 198.51.100.8' } });
            assert.equal((await other.next('status')).type, 'status');
            const v6 = await connect(srv.port, 'status.v1', { headers: { 'X-Forwarded-For': '2001:db8::1' } });
            assert.equal((await v6.next('status')).type, 'status');
        });
        await step('a client cannot pick its source by putting an address first', async () => {
            const third = await thirdFrom(srv, (i) => ({ 'X-Forwarded-For': `192.0.2.${i}, 198.51.100.99` }));
            assert.equal((await third.next('error')).code, 'rate_limited');
        });
    });

scenario('without trusted_proxy X-Forwarded-For is ignored', { server: { max_conns_per_source: 2 } }, async (srv) => {
    const third = await thirdFrom(srv, (i) => ({ 'X-Forwarded-For': `192.0.2.${i}` }));
    assert.equal((await third.next('error')).code, 'rate_limited');
});

scenario('repeated wrong passwords are throttled, also for the right one', async (srv) => {
    const c = await connect(srv.port, 'worker.v1');
    for (let i = 0; i < 5; i++) {
        assert.equal((await request(c, { type: 'login', user: ALICE.user, password: 'wrong-password' }, { timeout: 30000 })).code, 'unauthorized');
    }
    const r = await request(c, { type: 'login', user: ALICE.user, password: ALICE.password }, { timeout: 30000 });
    assert.equal(r.code, 'rate_limited');
});

scenario('40 parallel wrong passwords from one address do not keep the right one from another address out',
    { timeout: 120000 }, async (srv) => {
        const codes = await guessInRounds(srv.port, ['127.0.0.2'], 40);
        assert.ok(codes.unauthorized >= 5, `the guesses were checked until their source was throttled: ${JSON.stringify(codes)}`);
        assert.ok(codes.rate_limited > 0, `and then refused: ${JSON.stringify(codes)}`);
        const again = await openFrom(srv.port, '127.0.0.2');
        assert.equal(await loginOn(again, ALICE.user, ALICE.password), 'rate_limited', 'the guessing address stays throttled');
        again.terminate();
        /* the account is slowed down, not locked: the answer may wait for
         * its slot, on chatd's clock */
        const c = await connect(srv.port, 'worker.v1');
        const ref = newRef();
        c.send({ type: 'login', user: ALICE.user, password: ALICE.password, ref });
        const match = (m) => m.ref === ref;
        match.label = 'the reply to the right password';
        /* past its slot on chatd's clock (one check a second), then the
         * argon2id check itself, which takes real time (long on a loaded host) */
        await c.roundTrip();
        await srv.advance(2);
        const msg = await c.next(match, { timeout: 60000 });
        assert.equal(msg.type, 'welcome', `the right password from 127.0.0.1 answered ${JSON.stringify(msg)}`);
    });

scenario('a message flood is rate limited without closing the chat', async (srv) => {
    const w = await workerOnDuty(srv.port);
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    await w.next('chat_started');
    const replies = await Promise.all(Array.from({ length: 45 }, (_, i) => request(v, { type: 'msg', text: `m${i}` })));
    const limited = replies.filter((r) => r.code === 'rate_limited').length;
    assert.ok(limited > 0, 'some messages were limited');
    assert.ok(replies.filter((r) => r.type === 'ack').length >= 30, 'the burst allowance went through');
    assert.ok(v.isOpen);
});

scenario('a coordinator cannot go on duty; a worker cannot read /api/stats', async (srv) => {
    await srv.admin(['user', 'add', 'cora', '--role', 'coordinator'], 'cora-password-1');
    const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
    assert.equal((await request(cora, { type: 'duty', on: true, topics: ['youth'], capacity: 1 })).code, 'forbidden');
});

scenario('worker messages for a chat that is not theirs are refused', async (srv) => {
    await srv.admin(['user', 'add', 'bob', '--role', 'worker'], 'bob-password-1');
    const w = await workerOnDuty(srv.port);
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    const { chat } = await w.next('chat_started');
    const bob = await workerLogin(srv.port, 'bob', 'bob-password-1');
    assert.equal((await request(bob, { type: 'msg', chat, text: 'hijack' })).code, 'forbidden');
    assert.equal((await request(bob, { type: 'end', chat })).code, 'forbidden');
    await v.expectNone('msg');
});

function httpsGet(port, p) {
    return new Promise((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: p, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (res) => {
            res.resume();
            res.on('end', () => resolve(res));
        });
        req.on('error', reject);
    });
}

test_tls: {
    const dir = fs.mkdtempSync('/tmp/chatd-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    scenario('with tls_cert and tls_key chatd speaks only TLS, with HSTS',
        { server: { tls_cert: path.join(dir, 'cert.pem'), tls_key: path.join(dir, 'key.pem') } }, async (srv) => {
            const res = await httpsGet(srv.port, '/healthz');
            assert.equal(res.statusCode, 200);
            assert.match(res.headers['strict-transport-security'] || '', /max-age=\d+/);
            await assert.rejects(fetch(`http://127.0.0.1:${srv.port}/healthz`), 'plain http is refused');
            await assert.rejects(new Promise((resolve, reject) => {
                const req = https.get({ host: '127.0.0.1', port: srv.port, path: '/healthz', rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, resolve);
                req.on('error', reject);
            }), 'TLS 1.1 is refused');
            fs.rmSync(dir, { recursive: true, force: true });
        });
}

scenario('key rotation: after SIGHUP new chats use the new key, old ones open with the old', async (srv) => {
    const chatWith = async (text) => {
        const w = await workerOnDuty(srv.port);
        const v = await visitorHello(srv.port);
        await request(v, { type: 'join', topic: 'youth' });
        const { chat } = await w.next('chat_started');
        await request(v, { type: 'msg', text });
        await request(w, { type: 'end', chat });
        w.close();
        return chat;
    };
    const oldChat = await chatWith('sealed to the first key');
    const newDir = path.join(srv.dir, 'newkey');
    fs.mkdirSync(newDir);
    assert.equal((await srv.admin(['keygen', '--out', newDir], 'second passphrase')).code, 0);
    fs.copyFileSync(path.join(newDir, 'transcript.pub'), path.join(srv.dataDir, 'transcript.pub'));
    srv.proc.kill('SIGHUP');
    await srv.said(/SIGHUP: new chats are sealed/);
    const newChat = await chatWith('sealed to the second key');
    const show = (chat, key, pass) => srv.admin(['transcript', 'show', chat, '--key', key], pass);
    assert.match((await show(oldChat, srv.keyFile, srv.passphrase)).stdout, /sealed to the first key/);
    const r = await show(newChat, path.join(newDir, 'transcript.key'), 'second passphrase');
    assert.match(r.stdout, /sealed to the second key/, r.stderr);
    assert.notEqual((await show(newChat, srv.keyFile, srv.passphrase)).code, 0, 'the old key does not open the new chat');
});

/* Sends a raw HTTP/1.1 request (header lines as given, so a header may come
 * twice) and resolves with the answer's status and headers (name -> values),
 * or status 0 when chatd closed the connection without one. */
function rawRequest(port, lines) {
    return new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write(`${lines.join('\r\n')}\r\n\r\n`));
        let data = '';
        const done = () => {
            s.destroy();
            const [statusLine, ...rest] = data.split('\r\n\r\n')[0].split('\r\n');
            const headers = {};
            for (const l of rest) {
                const i = l.indexOf(':');
                if (i > 0) (headers[l.slice(0, i).toLowerCase()] ??= []).push(l.slice(i + 1).trim());
            }
            resolve({ status: Number((/^HTTP\/1\.1 (\d+)/.exec(statusLine) || [0, 0])[1]), headers });
        };
        s.on('data', (d) => { data += d; if (data.includes('\r\n\r\n')) done(); });
        s.on('close', done);
        s.on('error', reject);
    });
}

const get = (p, ...headers) => [`GET ${p} HTTP/1.1`, 'Host: 127.0.0.1', ...headers];
const upgrade = (protocol, ...headers) => get('/ws', 'Upgrade: websocket', 'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Protocol: ${protocol}`, ...headers);

scenario('two Origin lines are a disallowed origin: no Access-Control-Allow-Origin, the handshake refused; CORS answers vary by Origin',
    { server: { public_origins: 'https://site.example', allowed_origins: 'https://site.example' } }, async (srv) => {
        const site = 'Origin: https://site.example';
        for (const p of ['/api/status', '/api/status/week?topic=youth', '/api/status/badge.svg?topic=youth', '/api/words?lang=fi']) {
            await step(`${p}: one allowed Origin`, async () => {
                const r = await rawRequest(srv.port, get(p, site));
                assert.equal(r.status, 200);
                assert.deepEqual(r.headers['access-control-allow-origin'], ['https://site.example']);
                assert.deepEqual(r.headers.vary, ['Origin']);
            });
            for (const pair of [[site, 'Origin: https://evil.example'], ['Origin: https://evil.example', site], [site, site], [site, 'Origin:']]) {
                await step(`${p}: ${pair.join(' + ')}`, async () => {
                    const r = await rawRequest(srv.port, get(p, ...pair));
                    assert.equal(r.status, 200);
                    assert.equal(r.headers['access-control-allow-origin'], undefined);
                    assert.deepEqual(r.headers.vary, ['Origin'], 'a cache must not give this answer to one Origin');
                });
            }
            await step(`${p}: no Origin`, async () => {
                const r = await rawRequest(srv.port, get(p));
                assert.equal(r.headers['access-control-allow-origin'], undefined);
                assert.deepEqual(r.headers.vary, ['Origin']);
            });
        }
        await step('a 304 varies too', async () => {
            const etag = (await rawRequest(srv.port, get('/api/status', site))).headers.etag[0];
            const r = await rawRequest(srv.port, get('/api/status', site, `If-None-Match: ${etag}`));
            assert.equal(r.status, 304);
            assert.deepEqual(r.headers.vary, ['Origin']);
            assert.deepEqual(r.headers['access-control-allow-origin'], ['https://site.example']);
        });
        await step('an answer without CORS does not vary', async () => {
            const r = await rawRequest(srv.port, get('/healthz', site));
            assert.equal(r.headers.vary, undefined);
        });
        for (const protocol of ['visitor.v1', 'worker.v1', 'status.v1']) {
            await step(`${protocol}: one allowed Origin upgrades, two are refused`, async () => {
                assert.equal((await rawRequest(srv.port, upgrade(protocol, site))).status, 101);
                assert.notEqual((await rawRequest(srv.port, upgrade(protocol, site, site))).status, 101);
                assert.notEqual((await rawRequest(srv.port, upgrade(protocol, site, 'Origin: https://evil.example'))).status, 101);
            });
        }
    });

scenario('with public_origins = * every answer is "*" without Vary, and two Origin lines still cannot open a WebSocket', async (srv) => {
    const two = ['Origin: https://a.example', 'Origin: https://b.example'];
    const r = await rawRequest(srv.port, get('/api/status', ...two));
    assert.deepEqual(r.headers['access-control-allow-origin'], ['*']);
    assert.equal(r.headers.vary, undefined, 'the same answer for every Origin');
    for (const protocol of ['visitor.v1', 'status.v1']) {
        assert.equal((await rawRequest(srv.port, upgrade(protocol, two[0]))).status, 101);
        assert.notEqual((await rawRequest(srv.port, upgrade(protocol, ...two))).status, 101, `${protocol} with two Origin lines`);
    }
});
