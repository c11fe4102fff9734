/* bad_input.test.mjs: what chatd answers to malformed, out-of-order or
 * unauthorized input (contract v1 §3): the right error code, the request's
 * ref echoed, and the connection left open except for too_large (1009) and
 * refused handshakes. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    ALICE, connect, dumpServer, request, scenario, startServer, terminateClients, visitorHello,
} from './harness.mjs';

let srv;

before(async () => {
    srv = await startServer({ server: { allowed_origins: 'http://localhost:8080', public_origins: '*' } });
});

after(async () => {
    terminateClients();
    if (!srv) return;
    try {
        if (!srv.exitInfo()) await srv.stop();
    } catch (e) {
        dumpServer(srv, e);
        throw e;
    } finally {
        await srv.cleanup();
    }
});

/* A test against the shared daemon; prints its stderr if the test fails. */
function check(name, fn) {
    test(name, { timeout: 30000 }, async () => {
        try {
            await fn();
            const x = srv.exitInfo();
            assert.equal(x, null, `chatd is still running after the test (exit: ${JSON.stringify(x)})`);
        } catch (e) {
            dumpServer(srv, e);
            throw e;
        } finally {
            terminateClients();
        }
    });
}

/* Sends raw text and expects an error with code. */
async function expectErrorForRaw(client, raw, code) {
    client.sendRaw(raw);
    const e = await client.next('error');
    assert.equal(e.code, code, `${JSON.stringify(raw)} answered ${JSON.stringify(e)}`);
    assert.equal(typeof e.message, 'string');
    return e;
}

/* Sends obj with a ref and expects an error with code carrying that ref. */
async function expectError(client, obj, code) {
    const e = await request(client, obj);
    assert.equal(e.type, 'error', `${JSON.stringify(obj)} answered ${JSON.stringify(e)}`);
    assert.equal(e.code, code, `${JSON.stringify(obj)} answered ${JSON.stringify(e)}`);
    assert.equal(typeof e.message, 'string');
    return e;
}

/* The connection still answers: a visitor/worker request that must get some reply. */
async function assertAlive(client) {
    assert.ok(client.isOpen, 'connection is still open after an error');
    const r = await request(client, { type: 'no_such_type_ping' });
    assert.equal(r.type, 'error', `ping answered ${JSON.stringify(r)}`);
}

/* ---- framing and JSON ---- */

check('malformed JSON gets bad_request and the connection stays open', async () => {
    const v = await connect(srv.port, 'visitor.v1');
    await expectErrorForRaw(v, '{"type":"hello",', 'bad_request');
    await expectErrorForRaw(v, 'not json at all', 'bad_request');
    assert.ok(v.isOpen);
    const w = await request(v, { type: 'hello' });
    assert.equal(w.type, 'welcome', `hello after bad JSON answered ${JSON.stringify(w)}`);
});

check('JSON that is not an object, or has no string type, gets bad_request', async () => {
    const v = await connect(srv.port, 'visitor.v1');
    for (const raw of ['[1,2,3]', '"hello"', '42', 'null', 'true', '{}', '{"type":5}', '{"type":null}', '{"type":["hello"]}']) {
        await expectErrorForRaw(v, raw, 'bad_request');
    }
    const w = await request(v, { type: 'hello' });
    assert.equal(w.type, 'welcome');
});

check('an unknown type gets unknown_type', async () => {
    const v = await visitorHello(srv.port);
    await expectError(v, { type: 'frobnicate' }, 'unknown_type');
    const w = await connect(srv.port, 'worker.v1');
    const r = await request(w, { type: 'login', user: ALICE.user, password: ALICE.password }, { timeout: 30000 });
    assert.equal(r.type, 'welcome');
    await expectError(w, { type: 'frobnicate' }, 'unknown_type');
});

check('a binary frame is refused (error bad_request, or a protocol close)', async () => {
    const v = await visitorHello(srv.port);
    v.sendRaw(Buffer.from(JSON.stringify({ type: 'join', topic: 'youth' }), 'utf8'));
    const outcome = await v.next('error').then((e) => ({ error: e }), (err) => (v.closeInfo ? { closed: v.closeInfo } : { timeout: err }));
    if (outcome.timeout) throw outcome.timeout;
    if (outcome.error) {
        assert.equal(outcome.error.code, 'bad_request', JSON.stringify(outcome.error));
        await assertAlive(v);
        await v.expectNone('queued');
    } else {
        assert.ok([1002, 1003, 1007, 1008].includes(outcome.closed.code),
            `closed with a protocol close code, got ${JSON.stringify(outcome.closed)}`);
    }
});

/* ---- refs ---- */

check('replies echo the ref: errors and answers', async () => {
    const v = await connect(srv.port, 'visitor.v1');
    v.send({ type: 'join', topic: 'youth', ref: 'before-hello-1' });
    const e1 = await v.next('error');
    assert.equal(e1.ref, 'before-hello-1', JSON.stringify(e1));
    v.send({ type: 'hello', ref: 'hello-2' });
    const w = await v.next('welcome');
    assert.equal(w.ref, 'hello-2', JSON.stringify(w));
    v.send({ ref: 'no-type-3' });
    const e2 = await v.next('error');
    assert.equal(e2.code, 'bad_request');
    assert.equal(e2.ref, 'no-type-3', JSON.stringify(e2));
    v.send({ type: 'frobnicate', ref: 'x'.repeat(64) });
    const e3 = await v.next('error');
    assert.equal(e3.code, 'unknown_type', 'a 64-char ref is fine');
    assert.equal(e3.ref, 'x'.repeat(64));
});

check('a ref longer than 64 chars, or not a string, gets bad_request', async () => {
    const v = await visitorHello(srv.port);
    v.send({ type: 'join', topic: 'youth', ref: 'y'.repeat(65) });
    const e = await v.next('error');
    assert.equal(e.code, 'bad_request', JSON.stringify(e));
    await v.expectNone('queued');
    v.send({ type: 'join', topic: 'youth', ref: 12345 });
    const e2 = await v.next('error');
    assert.equal(e2.code, 'bad_request', JSON.stringify(e2));
    await v.expectNone('queued');
    assert.ok(v.isOpen);
});

/* ---- visitor.v1 order and fields ---- */

check('visitor: join before hello gets bad_state', async () => {
    const v = await connect(srv.port, 'visitor.v1');
    await expectError(v, { type: 'join', topic: 'youth' }, 'bad_state');
    await expectError(v, { type: 'msg', text: 'hi' }, 'bad_state');
    const w = await request(v, { type: 'hello' });
    assert.equal(w.type, 'welcome');
});

check('visitor: join without a topic gets bad_request', async () => {
    const v = await visitorHello(srv.port);
    await expectError(v, { type: 'join' }, 'bad_request');
    await expectError(v, { type: 'join', topic: 42 }, 'bad_request');
    await v.expectNone('queued');
});

check('visitor: join of an unknown topic gets unknown_topic', async () => {
    const v = await visitorHello(srv.port);
    await expectError(v, { type: 'join', topic: 'nosuchtopic' }, 'unknown_topic');
    await v.expectNone('queued');
});

check('visitor: msg before join gets bad_state', async () => {
    const v = await visitorHello(srv.port);
    await expectError(v, { type: 'msg', text: 'is anyone there' }, 'bad_state');
    await assertAlive(v);
});

/* ---- worker.v1 authentication ---- */

check('worker: duty before login gets unauthorized', async () => {
    const w = await connect(srv.port, 'worker.v1');
    await expectError(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1 }, 'unauthorized');
    await expectError(w, { type: 'msg', chat: 'x', text: 'hi' }, 'unauthorized');
    const r = await request(w, { type: 'login', user: ALICE.user, password: ALICE.password }, { timeout: 30000 });
    assert.equal(r.type, 'welcome', 'login still works on the same connection');
});

check('worker: a wrong password and a wrong user get the same unauthorized', async () => {
    const w = await connect(srv.port, 'worker.v1');
    const badPass = await expectError(w, { type: 'login', user: ALICE.user, password: 'wrong-password-9' }, 'unauthorized');
    const badUser = await expectError(w, { type: 'login', user: 'mallory', password: ALICE.password }, 'unauthorized');
    assert.equal(badUser.message, badPass.message, 'a wrong user and a wrong password are indistinguishable');
    assert.ok(w.isOpen);
    await expectError(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1 }, 'unauthorized');
});

/* ---- handshake ---- */

async function assertRefused(port, subprotocol, opts, what) {
    let client = null;
    try {
        client = await connect(port, subprotocol, opts);
    } catch (e) {
        return e;
    }
    client.terminate();
    assert.fail(`handshake ${what} was accepted (server chose subprotocol ${JSON.stringify(client.protocol)})`);
}

check('handshake: no subprotocol, an unknown one, or two at once is refused', async () => {
    await assertRefused(srv.port, null, {}, 'with no subprotocol');
    await assertRefused(srv.port, 'foo.v1', {}, "with subprotocol 'foo.v1'");
    await assertRefused(srv.port, ['visitor.v1', 'worker.v1'], {}, 'offering two subprotocols');
    const ok = await connect(srv.port, 'visitor.v1');
    assert.equal(ok.protocol, 'visitor.v1', 'the server confirms the offered subprotocol');
});

check('handshake: worker.v1 with a foreign Origin is refused, an allowed one accepted', async () => {
    await assertRefused(srv.port, 'worker.v1', { origin: 'http://evil.example' }, 'worker.v1 from http://evil.example');
    const w = await connect(srv.port, 'worker.v1', { origin: 'http://localhost:8080' });
    assert.equal(w.protocol, 'worker.v1');
    const v = await connect(srv.port, 'visitor.v1', { origin: 'http://evil.example' });
    assert.equal(v.protocol, 'visitor.v1', 'public_origins = * lets any page embed the visitor chat');
});

/* ---- size limit: its own daemon with max_message_bytes = 4096 ---- */

scenario('a frame larger than max_message_bytes gets too_large and close 1009', { server: { max_message_bytes: 4096 } }, async (s) => {
    const v = await visitorHello(s.port);
    /* ~4030 bytes: inside the limit, so any error must be about state, not size. */
    const under = await request(v, { type: 'msg', text: 'u'.repeat(4000) });
    assert.equal(under.type, 'error');
    assert.notEqual(under.code, 'too_large', 'a 4030-byte frame is within 4096');
    assert.ok(v.isOpen);

    v.send({ type: 'msg', text: 'x'.repeat(5000) });
    const e = await v.next('error');
    assert.equal(e.code, 'too_large', JSON.stringify(e));
    const c = await Promise.race([v.closed, new Promise((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(c, 'the connection is closed after too_large');
    assert.equal(c.code, 1009);
});
