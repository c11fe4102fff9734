/* supervise.test.mjs: contract v2 §3 with real clients: the live board,
 * monitor, whisper (which the visitor never sees: not live, not in a
 * history, not after a resume, a restart or a transfer), join_chat, alerts
 * (a worker's and the clock's), the authorization matrix of every new
 * request, and the counts they leave in the statistics. */
import assert from 'node:assert/strict';
import {
    ALICE, BOB, ISO_TS, PASSPHRASE, addWorker, advanceUntil, connect, endHour, httpGet, request, scenario, spawnChatd, step,
    visitorHello, workerLogin, workerOnDutyAs,
} from './harness.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const ADAM = { user: 'adam', password: 'adam-password-1', alias: 'Adam' };

async function supervisor(srv, creds = CORA, role = 'coordinator') {
    await addWorker(srv, creds, role);
    return workerLogin(srv.port, creds.user, creds.password);
}

/* alice on duty and a visitor chatting with her. */
async function chat(srv, { capacity = 2 } = {}) {
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], capacity);
    const v = await visitorHello(srv.port);
    assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
    const ws = await w.next('chat_started');
    await v.next('chat_started');
    return { w, v, chat: ws.chat };
}

function boardWhere(c, pred, label, timeout = 1500) {
    const m = (x) => x.type === 'board' && pred(x);
    m.label = `a board with ${label}`;
    return c.next(m, { timeout });
}

scenario('the board shows the shift within a second of each change, with times and no text', async (srv) => {
    const sup = await supervisor(srv);
    const first = await request(sup, { type: 'board', on: true });
    assert.equal(first.type, 'board');
    assert.deepEqual(first.topics.map((t) => t.id), ['youth']);
    assert.deepEqual(first.chats, []);
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 1);
    const b1 = await boardWhere(sup, (b) => b.workers.some((x) => x.alias === 'Alice' && x.on_duty), 'Alice on duty');
    const alice = b1.workers.find((x) => x.alias === 'Alice');
    assert.equal(alice.connected, true);
    assert.deepEqual(alice.topics, ['youth']);
    assert.match(alice.idle_since, ISO_TS);
    assert.ok(!b1.workers.some((x) => x.alias === 'Cora'), 'a supervisor off duty is not a worker on the board');
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    const b2 = await boardWhere(sup, (b) => b.chats.length === 1, 'a chat');
    const c = b2.chats[0];
    assert.equal(c.worker, 'Alice');
    assert.match(c.started, ISO_TS);
    assert.equal(c.last_visitor_msg, null);
    const t0 = Date.now();
    v.send({ type: 'msg', text: 'SECRET-VISITOR-TEXT' });
    const b3 = await boardWhere(sup, (b) => b.chats[0] && b.chats[0].last_visitor_msg !== null, 'the visitor\'s message time');
    assert.ok(Date.now() - t0 < 1000, 'within a second');
    const text = JSON.stringify(b3);
    assert.ok(!text.includes('SECRET-VISITOR-TEXT'), 'no message text on the board');
    assert.ok(!text.includes(v.welcome.session), 'no visitor identifier on the board');
    const v2 = await visitorHello(srv.port);
    await request(v2, { type: 'join', topic: 'youth' });
    const b4 = await boardWhere(sup, (b) => b.topics[0].waiting === 1, 'one waiting');
    assert.match(b4.topics[0].oldest_join, ISO_TS);
    await w.next('chat_started');
    assert.equal((await request(sup, { type: 'board', on: false })).type, 'ack');
    sup.buffer = sup.buffer.filter((m) => m.type !== 'board'); /* those pushed before */
    v.send({ type: 'leave' });
    await v.next('chat_ended');
    await srv.advance(1.2); /* past the next board pushes (every 0.5 s) */
    await sup.expectNone('board');
});

scenario('monitor, whisper and join_chat: the visitor never sees a whisper, not even after a resume, a transfer or a restart',
    { topics: { youth: {}, parents: { audience: 'parent' } } }, async (srv) => {
        const { w, v, chat: id } = await chat(srv);
        const sup = await supervisor(srv);
        v.send({ type: 'msg', text: 'hei' });
        await w.next('msg');
        const mon = await request(sup, { type: 'monitor', chat: id, on: true });
        assert.equal(mon.type, 'chat_started');
        assert.equal(mon.monitoring, true);
        assert.deepEqual(mon.history.map((m) => m.text), ['hei']);
        await step('read-only until joined', async () => {
            const r = await request(sup, { type: 'msg', chat: id, text: 'not yet' });
            assert.equal(r.code, 'forbidden');
        });
        await step('live lines reach the monitor', async () => {
            w.send({ type: 'msg', chat: id, text: 'moi' });
            assert.equal((await sup.next('msg')).text, 'moi');
        });
        await step('a whisper reaches the worker and the monitor, never the visitor', async () => {
            const ack = await request(sup, { type: 'whisper', chat: id, text: 'ask about school' });
            assert.equal(ack.type, 'ack');
            const got = await w.next('whisper');
            assert.deepEqual({ chat: got.chat, from: got.from, text: got.text }, { chat: id, from: 'Cora', text: 'ask about school' });
            assert.match(got.ts, ISO_TS);
            await v.expectNone('whisper');
            assert.ok(!v.buffer.some((m) => JSON.stringify(m).includes('ask about school')), 'nothing of it reached the visitor');
        });
        await step('join_chat: the supervisor writes to the visitor under its alias', async () => {
            assert.equal((await request(sup, { type: 'join_chat', chat: id })).type, 'ack');
            const ack = await request(sup, { type: 'msg', chat: id, text: 'hello from Cora' });
            assert.equal(ack.type, 'ack');
            const m = await v.next((x) => x.type === 'msg' && x.text === 'hello from Cora');
            assert.deepEqual({ from: m.from, alias: m.alias }, { from: 'worker', alias: 'Cora' });
            assert.equal((await w.next((x) => x.type === 'msg' && x.text === 'hello from Cora')).alias, 'Cora');
        });
        const noWhisper = (history) => assert.ok(!history.some((m) => m.text === 'ask about school' || m.from === 'supervisor'),
            `no whisper in ${JSON.stringify(history)}`);
        await step('not in the visitor\'s history after a resume', async () => {
            const session = v.welcome.session;
            v.terminate();
            const again = await visitorHello(srv.port, { session });
            noWhisper((await again.next('chat_started')).history);
            again.close();
        });
        await step('the worker\'s history keeps it as supervisor', async () => {
            const tab = await workerLogin(srv.port);
            const s = await tab.next('chat_started');
            assert.ok(s.history.some((m) => m.from === 'supervisor' && m.text === 'ask about school'));
            tab.close();
        });
        await step('not after a transfer', async () => {
            const session = v.welcome.session;
            const again = await visitorHello(srv.port, { session });
            await again.next('chat_started');
            w.send({ type: 'transfer', chat: id, topic: 'parents', force: true });
            await again.next('queued');
            const bob = await (async () => { await addWorker(srv, BOB); return workerOnDutyAs(srv.port, BOB, ['parents'], 1); })();
            const s = await again.next('chat_started');
            noWhisper(s.history);
            assert.ok((await bob.next('chat_started')).history.some((m) => m.from === 'supervisor'));
            again.close();
        });
        await step('not after a restart; transcript show prints it as supervisor', async () => {
            const session = v.welcome.session;
            await srv.stop();
            const d = spawnChatd(srv.cfg);
            srv.port = await d.ready;
            const again = await visitorHello(srv.port, { session });
            const s = await again.next((m) => m.type === 'chat_started' || m.type === 'queued');
            if (s.type === 'chat_started') noWhisper(s.history);
            await d.stop();
            const show = await srv.admin(['transcript', 'show', id, '--key', srv.keyFile], PASSPHRASE);
            assert.equal(show.code, 0, show.stderr);
            assert.match(show.stdout, /^1 \S+ supervisor: ask about school$/m);
            assert.match(show.stdout, /^\d+ \S+ worker: hello from Cora$/m);
            assert.match(show.stdout, /^1 \S+ visitor: hei$/m);
        });
    });

scenario('alerts reach supervisors on the board, make the chat urgent, and the clock raises one for no first reply',
    { topics: { youth: { first_reply_s: 4 } } }, async (srv) => {
        const sup = await supervisor(srv); /* logged in first: argon2id takes its time */
        const { w, chat: id } = await chat(srv);
        await step('nobody on the board: the worker is told at once', async () => {
            const ack = await request(w, { type: 'alert', chat: id, note: 'help' });
            assert.deepEqual({ type: ack.type, supervisors: ack.supervisors }, { type: 'ack', supervisors: 0 });
        });
        await request(sup, { type: 'board', on: true });
        await step('the no-first-reply alert', async () => {
            const { msg: a } = await advanceUntil(srv, sup, (m) => m.type === 'alert' && m.note === 'no first reply', { max: 8 });
            assert.deepEqual({ chat: a.chat, topic: a.topic, worker: a.worker }, { chat: id, topic: 'youth', worker: 'Alice' });
        });
        await step('a worker\'s alert with a note', async () => {
            const ack = await request(w, { type: 'alert', chat: id, note: 'risk of harm' });
            assert.equal(ack.supervisors, 1);
            const a = await sup.next((m) => m.type === 'alert' && m.note === 'risk of harm');
            assert.match(a.ts, ISO_TS);
            assert.equal((await w.next('flag')).urgent, true);
            const long = await request(w, { type: 'alert', chat: id, note: 'x'.repeat(201) });
            assert.equal(long.code, 'bad_request', 'a note is at most 200 characters');
        });
        w.send({ type: 'msg', chat: id, text: 'first' });
        await w.next('ack');
        await request(sup, { type: 'board', on: false });
        const login = sup.welcome.token;
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
        await endHour(srv); /* the reports hold ended hours only */
        const r = await httpGet(srv.port, `/api/stats?from=${today}&to=${today}`, { authorization: `Bearer ${login}` });
        const sum = (k) => JSON.parse(r.body).buckets.reduce((n, b) => n + b[k], 0);
        assert.equal(sum('alerts'), 3, 'two by the worker, one by the clock');
        assert.equal(sum('first_replies'), 1);
        assert.ok(sum('first_reply_s') >= 4);
    });

/* pings an hour apart: one advance moves the clock past the hour without
 * hanging up anybody who was silent meanwhile */
scenario('a worker raises at most 10 alerts an hour: the 11th is rate_limited, reaches nobody, and an hour later one goes again',
    { server: { ping_interval_s: 3600, idle_timeout_s: 7200 } }, async (srv) => {
        const sup = await supervisor(srv);
        const { w, chat: id } = await chat(srv);
        assert.equal((await request(w, { type: 'msg', chat: id, text: 'hello' })).type, 'ack', 'no clock alert for a first reply');
        await request(sup, { type: 'board', on: true });
        for (let i = 1; i <= 10; i++) {
            const ack = await request(w, { type: 'alert', chat: id, note: `alert ${i}` });
            assert.deepEqual({ type: ack.type, supervisors: ack.supervisors }, { type: 'ack', supervisors: 1 }, `alert ${i}`);
            await sup.next((m) => m.type === 'alert' && m.note === `alert ${i}`);
            if (i === 1) await srv.advance(100); /* the others come later in the hour */
        }
        await srv.advance(3490);
        const eleventh = await request(w, { type: 'alert', chat: id, note: 'alert 11' });
        assert.equal(eleventh.code, 'rate_limited', `the 11th alert within the hour: ${JSON.stringify(eleventh)}`);
        await sup.expectNone('alert');
        await srv.advance(11); /* the first alert is an hour old */
        const later = await request(w, { type: 'alert', chat: id, note: 'an hour later' });
        assert.equal(later.type, 'ack', `after the hour: ${JSON.stringify(later)}`);
        assert.equal((await sup.next('alert')).note, 'an hour later');
        assert.equal((await request(w, { type: 'alert', chat: id, note: 'one more' })).code, 'rate_limited',
            'the other nine are still within their hour');
        await sup.expectNone('alert');
    });

scenario('every new request by role: workers are forbidden, the logged out unauthorized', async (srv) => {
    const { w, chat: id } = await chat(srv);
    const sup = await supervisor(srv);
    const adm = await supervisor(srv, ADAM, 'admin');
    await addWorker(srv, BOB);
    const bob = await workerLogin(srv.port, BOB.user, BOB.password);
    const anon = await connect(srv.port, 'worker.v1');
    const requests = [
        { type: 'board', on: true },
        { type: 'monitor', chat: id, on: true },
        { type: 'whisper', chat: id, text: 'w' },
        { type: 'join_chat', chat: id },
    ];
    for (const req of requests) {
        assert.equal((await request(bob, req)).code, 'forbidden', `worker ${req.type}`);
        assert.equal((await request(w, req)).code, 'forbidden', `the chat's own worker ${req.type}`);
        assert.equal((await request(anon, req)).code, 'unauthorized', `logged out ${req.type}`);
    }
    for (const s of [sup, adm]) {
        assert.equal((await request(s, requests[0])).type, 'board');
        assert.equal((await request(s, requests[1])).type, 'chat_started');
        assert.equal((await request(s, requests[2])).type, 'ack');
        assert.equal((await request(s, requests[3])).type, 'ack');
        assert.equal((await request(s, { type: 'monitor', chat: 'nope', on: true })).code, 'bad_state');
    }
    for (const req of [{ type: 'alert', chat: id }, { type: 'flag', chat: id, urgent: true }]) {
        assert.equal((await request(bob, req)).code, 'forbidden', `another worker's ${req.type}`);
        assert.equal((await request(sup, req)).code, 'forbidden', `a supervisor's ${req.type}`);
        assert.equal((await request(anon, req)).code, 'unauthorized', `logged out ${req.type}`);
    }
    assert.equal((await request(bob, { type: 'msg', chat: id, text: 'x' })).code, 'forbidden', 'another worker cannot write');
});
