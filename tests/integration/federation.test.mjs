/* federation.test.mjs: contract v3 §4, overflow between the orgs of one
 * chatd. A visitor of east, where nobody is on duty, goes to a worker of
 * west once it has waited east's overflow_after_s; the worker's
 * chat_started names east and says overflow; while west's worker is full,
 * its queue_state shows the overflowing wait; the transcript is sealed to
 * west's transcript key (it opens with west's secret key and not with
 * east's, the server's); the statistics count overflow_out on east's topic
 * and overflow_in on west's; after a crash the chat goes on, still overflow,
 * its new key segment sealed to west's key; SIGHUP takes a new overflow_to
 * live. Without [org] sections nothing overflows and the frames say org
 * main. The rule itself is tested in test_route.c. */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
    BOB, CHATADMIN, PASSPHRASE, addWorker, configText, connect, endHour, httpGet, request, run, scenario,
    spawnChatd, statsTotals, visitorHello, waiting, workerOnDutyAs, workerLogin,
} from './harness.mjs';

const AFTER = 60; /* east's overflow_after_s */

/* West's own transcript key pair, made before chatd starts (it reads it). */
const westDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-west-'));
after(() => fs.rmSync(westDir, { recursive: true, force: true }));
fs.mkdirSync(path.join(westDir, 'key'), { mode: 0o700 });
fs.writeFileSync(path.join(westDir, 'k.conf'), configText(westDir));
const kg = await run(CHATADMIN, ['--config', path.join(westDir, 'k.conf'), 'keygen', '--out', path.join(westDir, 'key')], PASSPHRASE);
assert.equal(kg.code, 0, kg.stderr);
const WEST_KEY = path.join(westDir, 'key', 'transcript.key');

const TWO_ORGS = {
    topics: { youth_e: { org: 'east' }, youth_w: { org: 'west' } },
    extra: `[org east]
name_en = East
overflow_to = west
overflow_after_s = ${AFTER}
[org west]
name_en = West
transcript_key = ${path.join(westDir, 'key', 'transcript.pub')}
`,
    aliceOrgs: 'east',
};

/* The last message of type on c after a round trip (all of them taken), or undefined. */
async function lastOf(c, type) {
    await c.roundTrip();
    const all = c.buffer.filter((m) => m.type === type);
    c.buffer = c.buffer.filter((m) => m.type !== type);
    return all.pop();
}

scenario('a visitor of east waits overflow_after_s, then a worker of west answers it, sealed to west\'s key and counted on both sides', TWO_ORGS, async (srv) => {
    await addWorker(srv, BOB, 'worker', 'west');
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth_w'], 1);
    const own = await waiting(srv.port, 'youth_w'); /* west's own visitor fills bob's slot */
    const first = await bob.next('chat_started');
    assert.equal(first.org, 'west');
    assert.equal(first.overflow, false);
    await own.next('chat_started');

    const v = await waiting(srv.port, 'youth_e');
    await srv.advance(AFTER - 10);
    let qs = await lastOf(bob, 'queue_state');
    assert.ok(qs, 'queue_state after the advance');
    assert.deepEqual(qs.overflow_waiting, [], 'east\'s wait is not west\'s yet');

    await srv.advance(15); /* past overflow_after_s: bob may answer it, but is full */
    qs = await lastOf(bob, 'queue_state');
    assert.equal(qs.overflow_waiting.length, 1, JSON.stringify(qs));
    assert.equal(qs.overflow_waiting[0].topic, 'youth_e');
    assert.equal(qs.overflow_waiting[0].org, 'east');
    assert.equal(qs.overflow_waiting[0].waiting, 1);
    assert.ok(qs.overflow_waiting[0].longest_wait_s >= AFTER);
    await v.expectNone('chat_started');
    const q = await lastOf(v, 'queued'); /* still first in east's own line */
    assert.equal(q.position, 1);

    assert.equal((await request(bob, { type: 'end', chat: first.chat })).type, 'chat_ended');
    const s = await bob.next('chat_started'); /* the slot is free (no wrap-up) */
    assert.equal(s.topic, 'youth_e');
    assert.equal(s.org, 'east');
    assert.equal(s.overflow, true);
    assert.ok(s.waited_s >= AFTER, JSON.stringify(s));
    const vs = await v.next('chat_started');
    assert.equal(vs.chat, s.chat);
    assert.equal(vs.org, undefined, 'the visitor is not told which org answers');

    assert.equal((await request(v, { type: 'msg', text: 'apua kiitos' })).type, 'ack');
    assert.equal((await request(bob, { type: 'msg', chat: s.chat, text: 'west here' })).type, 'ack');
    assert.equal((await request(bob, { type: 'end', chat: s.chat })).type, 'chat_ended');

    const west = await srv.admin(['transcript', 'show', s.chat, '--key', WEST_KEY], PASSPHRASE);
    assert.equal(west.code, 0, west.stderr);
    assert.match(west.stdout, /apua kiitos/);
    assert.match(west.stdout, /west here/);
    const east = await srv.admin(['transcript', 'show', s.chat, '--key', srv.keyFile], PASSPHRASE);
    assert.notEqual(east.code, 0, 'east\'s (the server\'s) key does not open west\'s chat');
    assert.doesNotMatch(east.stdout, /apua kiitos/);
    /* west's own chat is sealed to west's key too */
    const mine = await srv.admin(['transcript', 'show', first.chat, '--key', WEST_KEY], PASSPHRASE);
    assert.equal(mine.code, 0, mine.stderr);

    await endHour(srv);
    const t = await statsTotals(srv);
    assert.equal(t.youth_e.overflow_out, 1);
    assert.equal(t.youth_e.overflow_in, 0);
    assert.equal(t.youth_w.overflow_in, 1);
    assert.equal(t.youth_w.overflow_out, 0);
    assert.equal(t.youth_e.answered, 1);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());
    const csv = await srv.admin(['stats', '--from', today, '--to', today, '--format', 'csv']);
    assert.match(csv.stdout.split('\n')[0], /,overflow_out,overflow_in/);
    /* /api/stats carries them too (a federation admin sees both orgs) */
    const fede = { user: 'fede', password: 'fede-password-1', alias: 'Fede' };
    await addWorker(srv, fede, 'admin', '*');
    const admin = await workerLogin(srv.port, fede.user, fede.password);
    const api = await httpGet(srv.port, `/api/stats?from=${today}&to=${today}`,
        { Authorization: `Bearer ${admin.welcome.token}` });
    assert.equal(api.status, 200, api.body);
    const sum = (topic, k) => JSON.parse(api.body).buckets.filter((b) => b.topic === topic)
        .reduce((n, b) => n + (b[k] || 0), 0);
    assert.deepEqual([sum('youth_e', 'overflow_out'), sum('youth_w', 'overflow_in')], [1, 1]);
});

scenario('a chat answered by overflow goes on after a crash, still overflow and sealed to west\'s key', TWO_ORGS, async (srv) => {
    await addWorker(srv, BOB, 'worker', 'west');
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth_w'], 1);
    const v = await waiting(srv.port, 'youth_e');
    await srv.advance(AFTER + 1);
    const s = await bob.next('chat_started');
    assert.equal(s.overflow, true);
    await v.next('chat_started');
    assert.equal((await request(v, { type: 'msg', text: 'before the crash' })).type, 'ack');
    await srv.kill();

    const d = spawnChatd(srv.cfg);
    const port = await d.ready;
    try {
        const v2 = await visitorHello(port, { session: v.welcome.session });
        assert.equal(v2.welcome.state, 'chatting');
        const b2 = await connect(port, 'worker.v1');
        assert.equal((await request(b2, { type: 'login', token: bob.welcome.token })).type, 'welcome');
        const again = await b2.next('chat_started');
        assert.equal(again.chat, s.chat);
        assert.equal(again.org, 'east');
        assert.equal(again.overflow, true);
        assert.equal((await request(b2, { type: 'msg', chat: s.chat, text: 'after the restart' })).type, 'ack');
        const west = await srv.admin(['transcript', 'show', s.chat, '--key', WEST_KEY], PASSPHRASE);
        assert.equal(west.code, 0, west.stderr);
        assert.match(west.stdout, /visitor: before the crash$/m);
        assert.match(west.stdout, /worker: after the restart$/m);
    } finally {
        await d.stop();
    }
});

scenario('SIGHUP takes a new overflow_to live, with the waiting visitor\'s place and wait kept', {
    ...TWO_ORGS,
    extra: TWO_ORGS.extra.replace('overflow_to = west\n', ''),
}, async (srv) => {
    await addWorker(srv, BOB, 'worker', 'west');
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth_w'], 1);
    const v = await waiting(srv.port, 'youth_e');
    await srv.advance(AFTER + 5);
    await bob.expectNone('chat_started'); /* east overflows to nobody */
    const text = fs.readFileSync(srv.cfg, 'utf8').replace('[org east]\n', '[org east]\noverflow_to = west\n');
    fs.writeFileSync(srv.cfg, text);
    srv.proc.kill('SIGHUP');
    await srv.said(/SIGHUP: .*reloaded/);
    await srv.advance(1);
    const s = await bob.next('chat_started');
    assert.equal(s.overflow, true);
    assert.ok(s.waited_s >= AFTER + 5, 'the wait from before the reload counts');
    await v.next('chat_started');
});

scenario('east\'s own worker answers before west while one is free', TWO_ORGS, async (srv) => {
    await addWorker(srv, BOB, 'worker', 'west');
    const bob = await workerOnDutyAs(srv.port, BOB, ['youth_w'], 2);
    const alice = await workerLogin(srv.port);
    assert.equal((await request(alice, { type: 'duty', on: true, topics: ['youth_e'], capacity: 1 })).type, 'duty');
    const v = await waiting(srv.port, 'youth_e');
    const s = await alice.next('chat_started');
    assert.equal(s.org, 'east');
    assert.equal(s.overflow, false);
    await v.next('chat_started');
    await srv.advance(AFTER + 5);
    await bob.expectNone('chat_started');
});

scenario('without [org] sections nothing overflows and chat_started says org main', async (srv) => {
    const alice = await workerLogin(srv.port);
    assert.equal((await request(alice, { type: 'duty', on: true, topics: ['youth'], capacity: 1 })).type, 'duty');
    const qs = await lastOf(alice, 'queue_state');
    assert.deepEqual(qs.overflow_waiting, []);
    const v = await waiting(srv.port, 'youth');
    const s = await alice.next('chat_started');
    assert.equal(s.org, 'main');
    assert.equal(s.overflow, false);
    await v.next('chat_started');
    await endHour(srv);
    const t = await statsTotals(srv);
    assert.equal(t.youth.overflow_out, 0);
    assert.equal(t.youth.overflow_in, 0);
});
