/* skeleton.test.mjs: the walking skeleton end to end (contract v1 §1-§5).
 *
 * A worker logs in and goes on duty, a visitor joins and they chat; the
 * transcript is then listed and opened with chatadmin, and nothing on disk
 * or in chatd's output holds the message text in the clear. Around it: the
 * HTTP endpoints, config checking, and leaving a queue or a chat. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
    ALICE, CHATD, ISO_TS, WEB_ROOT,
    connect, filesUnder, httpGet, prepare, request, run, scenario, spawnChatd, step,
    visitorHello, workerLogin, workerOnDuty,
} from './harness.mjs';

const SESSION_TOKEN = /^[A-Za-z0-9_-]{22,}$/;

/* Joins youth and waits until both sides see the chat start; returns the chat id. */
async function startChat(visitor, worker) {
    visitor.send({ type: 'join', topic: 'youth' });
    const ws = await worker.next('chat_started');
    const vs = await visitor.next('chat_started');
    assert.equal(vs.chat, ws.chat, 'visitor and worker see the same chat id');
    return { chat: ws.chat, workerStart: ws, visitorStart: vs };
}

scenario('a visitor and a worker chat end to end and the transcript opens only with the key', async (srv) => {
    const visitorTexts = ['first visitor words ZQX1', 'hei 👋 åäö', 'two lines ZQX3\nsecond line ZQX3'];
    const workerTexts = ['worker reply number ZQX4', 'worker reply number ZQX5'];
    const allTexts = [...visitorTexts, ...workerTexts];

    const worker = await step('worker logs in', async () => {
        const w = await workerLogin(srv.port);
        assert.equal(w.welcome.user, ALICE.user);
        assert.equal(w.welcome.alias, ALICE.alias);
        assert.equal(w.welcome.role, 'worker');
        assert.equal(typeof w.welcome.token, 'string');
        assert.ok(w.welcome.token.length > 0, 'token is not empty');
        return w;
    });

    await step('worker goes on duty', async () => {
        const d = await request(worker, { type: 'duty', on: true, topics: ['youth'], capacity: 2 });
        assert.equal(d.type, 'duty', JSON.stringify(d));
        assert.equal(d.on, true);
        assert.deepEqual(d.topics, ['youth']);
        assert.equal(d.capacity, 2);
    });

    const visitor = await step('visitor says hello', async () => {
        const v = await visitorHello(srv.port);
        const w = v.welcome;
        assert.equal(typeof w.session, 'string');
        assert.match(w.session, SESSION_TOKEN, 'session token: >= 128 bits, base64url');
        assert.equal(w.resumed, false);
        assert.equal(w.state, 'idle');
        assert.ok(Array.isArray(w.topics), 'welcome.topics is an array');
        const youth = w.topics.find((x) => x.id === 'youth');
        assert.ok(youth, `welcome.topics has youth: ${JSON.stringify(w.topics)}`);
        assert.equal(youth.state, 'open');
        return v;
    });

    const chat = await step('visitor joins youth and the chat starts', async () => {
        const { chat: id, workerStart, visitorStart } = await startChat(visitor, worker);
        assert.equal(typeof id, 'string');
        assert.ok(id.length > 0);
        assert.equal(workerStart.topic, 'youth');
        assert.equal(workerStart.audience, 'young');
        assert.equal(typeof workerStart.waited_s, 'number');
        assert.ok(workerStart.waited_s >= 0);
        assert.deepEqual(workerStart.history, []);
        assert.equal(visitorStart.topic, 'youth');
        assert.equal(visitorStart.worker, ALICE.alias);
        assert.deepEqual(visitorStart.history, []);
        return id;
    });

    let seq = 0;
    await step('visitor messages reach the worker', async () => {
        for (const text of visitorTexts) {
            seq += 1;
            const ack = await request(visitor, { type: 'msg', text });
            assert.equal(ack.type, 'ack', `msg answered ${JSON.stringify(ack)}`);
            assert.equal(ack.seq, seq, 'seq counts per chat from 1');
            const m = await worker.next('msg');
            assert.equal(m.chat, chat);
            assert.equal(m.from, 'visitor');
            assert.equal(m.text, text, 'text arrives byte for byte');
            assert.equal(m.seq, seq);
            assert.match(m.ts, ISO_TS);
        }
    });

    await step('worker messages reach the visitor', async () => {
        for (const text of workerTexts) {
            seq += 1;
            const ack = await request(worker, { type: 'msg', chat, text });
            assert.equal(ack.type, 'ack', `msg answered ${JSON.stringify(ack)}`);
            assert.equal(ack.seq, seq);
            const m = await visitor.next('msg');
            assert.equal(m.chat, chat);
            assert.equal(m.from, 'worker');
            assert.equal(m.text, text);
            assert.equal(m.seq, seq);
            assert.match(m.ts, ISO_TS);
        }
    });

    await step('typing is relayed both ways', async () => {
        visitor.send({ type: 'typing', on: true });
        const t1 = await worker.next('typing');
        assert.deepEqual({ chat: t1.chat, from: t1.from, on: t1.on }, { chat, from: 'visitor', on: true });
        worker.send({ type: 'typing', chat, on: true });
        const t2 = await visitor.next('typing');
        assert.deepEqual({ chat: t2.chat, from: t2.from, on: t2.on }, { chat, from: 'worker', on: true });
        visitor.send({ type: 'typing', on: false });
        const t3 = await worker.next('typing');
        assert.equal(t3.on, false);
    });

    await step('a second worker connection logs in with the token', async () => {
        const w2 = await connect(srv.port, 'worker.v1');
        const r = await request(w2, { type: 'login', token: worker.welcome.token });
        assert.equal(r.type, 'welcome', `token login answered ${JSON.stringify(r)}`);
        assert.equal(r.user, ALICE.user);
        assert.equal(r.role, 'worker');
        w2.close();
    });

    await step('worker ends the chat', async () => {
        worker.send({ type: 'end', chat });
        const we = await worker.next('chat_ended');
        assert.equal(we.chat, chat);
        assert.equal(we.by, 'worker');
        const ve = await visitor.next('chat_ended');
        assert.equal(ve.chat, chat);
        assert.equal(ve.by, 'worker');
    });

    await step('transcript list shows the chat with 5 messages', async () => {
        const r = await srv.admin(['transcript', 'list']);
        assert.equal(r.code, 0, `transcript list failed: ${r.stderr}`);
        const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0] === chat);
        assert.ok(line, `chat ${chat} listed in:\n${r.stdout}`);
        const [, topic, day, count] = line.trim().split(/\s+/);
        assert.equal(topic, 'youth');
        assert.match(day, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(count, '5');
    });

    await step('transcript show opens it with the passphrase', async () => {
        const r = await srv.admin(['transcript', 'show', chat, '--key', srv.keyFile], srv.passphrase);
        assert.equal(r.code, 0, `transcript show failed: ${r.stderr}`);
        const rows = r.stdout.split('\n')
            .map((l) => /^(\d+) (\S+) (visitor|worker): (.*)$/.exec(l))
            .filter(Boolean)
            .map(([, s, ts, from, text]) => ({ seq: Number(s), ts, from, text }));
        assert.equal(rows.length, 5, `5 message lines in:\n${r.stdout}`);
        const expected = [...visitorTexts.map((t) => ['visitor', t]), ...workerTexts.map((t) => ['worker', t])];
        rows.forEach((row, i) => {
            const [from, text] = expected[i];
            assert.equal(row.seq, i + 1, 'seq order');
            assert.match(row.ts, ISO_TS);
            assert.equal(row.from, from);
            if (text.includes('\n')) {
                assert.ok(row.text.startsWith(text.split('\n')[0]), `line ${i + 1} starts with the text's first line: ${JSON.stringify(row.text)}`);
            } else {
                assert.equal(row.text, text);
            }
        });
    });

    await step('a wrong passphrase opens nothing', async () => {
        const r = await srv.admin(['transcript', 'show', chat, '--key', srv.keyFile], 'not the passphrase');
        assert.notEqual(r.code, 0, 'wrong passphrase must fail');
        const out = r.stdout + r.stderr;
        for (const text of allTexts) {
            assert.ok(!out.includes(text.split('\n')[0]), `output with a wrong passphrase holds ${JSON.stringify(text)}`);
        }
    });

    const assertNoPlaintext = (when) => {
        for (const file of filesUnder(srv.dataDir)) {
            const bytes = fs.readFileSync(file);
            for (const text of allTexts) {
                for (const piece of [text, ...text.split('\n')]) {
                    assert.equal(bytes.indexOf(Buffer.from(piece, 'utf8')), -1,
                        `${when}: ${path.basename(file)} holds ${JSON.stringify(piece)} in plain bytes`);
                }
            }
        }
        for (const [name, out] of [['stdout', srv.stdout()], ['stderr', srv.stderr()]]) {
            for (const text of allTexts) {
                assert.ok(!out.includes(text.split('\n')[0]), `${when}: chatd ${name} holds ${JSON.stringify(text)}`);
            }
        }
    };

    await step('no message text in the data dir or chatd output while running', async () => {
        const names = fs.readdirSync(srv.dataDir);
        assert.ok(names.includes('chatd.db'), `chatd.db in data dir: ${names}`);
        assertNoPlaintext('while running');
    });

    await step('chatd stops cleanly on SIGTERM', () => srv.stop());

    await step('no message text in the data dir after shutdown', async () => {
        assertNoPlaintext('after shutdown');
    });
});

scenario('HTTP: /healthz, /api/status and the visitor page', { server: { public_origins: '*' } }, async (srv) => {
    await step('GET /healthz', async () => {
        const r = await httpGet(srv.port, '/healthz');
        assert.equal(r.status, 200);
    });

    const checkStatus = async (staffed) => {
        const r = await httpGet(srv.port, '/api/status', { Origin: 'http://example.org' });
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') || '', /json/);
        /* contract v2 §1 replaces v1's no-store */
        assert.equal(r.headers.get('cache-control'), 'public, max-age=2');
        assert.match(r.headers.get('etag') || '', /^"[0-9a-f]{16}"$/);
        assert.ok(['*', 'http://example.org'].includes(r.headers.get('access-control-allow-origin')),
            `CORS allow-origin with public_origins = *: ${r.headers.get('access-control-allow-origin')}`);
        const body = JSON.parse(r.body);
        assert.match(body.generated, ISO_TS);
        assert.ok(Array.isArray(body.topics) && body.topics.length === 1, r.body);
        const t0 = body.topics[0];
        for (const k of ['id', 'title', 'audience', 'state', 'staffed', 'waiting', 'estimated_wait_s', 'next_open', 'closes_at']) {
            assert.ok(k in t0, `topics[0] has ${k}: ${r.body}`);
        }
        assert.equal(t0.id, 'youth');
        assert.deepEqual(t0.title, { fi: 'Nuorten chat', sv: 'Ungdomschatten', en: 'Youth chat' });
        assert.equal(t0.audience, 'young');
        assert.equal(t0.state, 'open');
        assert.equal(t0.staffed, staffed);
        assert.equal(t0.waiting, 0);
        assert.ok(t0.estimated_wait_s === null || Number.isInteger(t0.estimated_wait_s));
        for (const k of ['next_open', 'closes_at']) assert.ok(t0[k] === null || ISO_TS.test(t0[k]), `${k}: ${t0[k]}`);
    };

    await step('GET /api/status, nobody on duty', () => checkStatus(false));

    await step('GET /api/status, a worker on duty', async () => {
        const w = await workerOnDuty(srv.port);
        await checkStatus(true);
        w.close();
    });

    await step('GET / is the visitor page', async () => {
        const r = await httpGet(srv.port, '/');
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') || '', /text\/html/);
        assert.match(r.body, /<html/i);
    });
});

/* ---- config checking ---- */

/* Config lines with the data dir filled in; marks say which line to break. */
function checkConfigLines(env, broken) {
    const lines = [
        '[server]',
        'listen_host = 127.0.0.1',
        `listen_port = ${broken.port ? 70000 : 0}`,
        `data_dir = ${env.dataDir}`,
        `web_root = ${WEB_ROOT}`,
        'timezone = Europe/Helsinki',
        `transcript_key = ${broken.key ? path.join(env.dataDir, 'missing.pub') : path.join(env.dataDir, 'transcript.pub')}`,
        ...(broken.unknown ? ['colour_scheme = blue'] : []),
        '',
        '[topic youth]',
        'title_fi = Nuorten chat',
        'title_sv = Ungdomschatten',
        'title_en = Youth chat',
        'audience = young',
        `hours = ${broken.hours ? 'mon-fri 25:00-26:00' : 'always'}`,
        'queue_max = 20',
        'mode = auto',
    ];
    const lineOf = (prefix) => lines.findIndex((l) => l.startsWith(prefix)) + 1;
    const expect = [];
    if (broken.port) expect.push(lineOf('listen_port'));
    if (broken.key) expect.push(lineOf('transcript_key'));
    if (broken.unknown) expect.push(lineOf('colour_scheme'));
    if (broken.hours) expect.push(lineOf('hours'));
    return { text: lines.join('\n') + '\n', expect: expect.sort((a, b) => a - b) };
}

/* Reported `CFG:LINE:` numbers in out. */
function reportedLines(cfg, out) {
    const found = [];
    for (const l of out.split('\n')) {
        if (!l.startsWith(`${cfg}:`)) continue;
        const m = /^:(\d+): \S/.exec(l.slice(cfg.length));
        if (m) found.push(Number(m[1]));
    }
    return [...new Set(found)].sort((a, b) => a - b);
}

test('chatd --check: a good config exits 0, each bad line is reported as FILE:LINE', { timeout: 60000 }, async () => {
    const env = await prepare();
    try {
        const good = checkConfigLines(env, {});
        fs.writeFileSync(env.cfg, good.text);
        const ok = await run(CHATD, ['--config', env.cfg, '--check'], null);
        assert.equal(ok.code, 0, `--check on a good config: ${ok.stdout}${ok.stderr}`);

        const cases = [
            ['an unknown key', { unknown: true }],
            ['port 70000', { port: true }],
            ['hours 25:00-26:00', { hours: true }],
            ['a missing transcript_key file', { key: true }],
            ['all four at once', { unknown: true, port: true, hours: true, key: true }],
        ];
        for (const [what, broken] of cases) {
            const bad = checkConfigLines(env, broken);
            fs.writeFileSync(env.cfg, bad.text);
            const r = await run(CHATD, ['--config', env.cfg, '--check'], null);
            const out = r.stdout + r.stderr;
            assert.equal(r.code, 1, `--check with ${what} exits 1; output:\n${out}`);
            assert.deepEqual(reportedLines(env.cfg, out), bad.expect,
                `--check with ${what}: reported lines vs expected; output:\n${out}`);
        }
    } finally {
        env.cleanup();
    }
});

test('chatd refuses to start without its transcript_key file', { timeout: 60000 }, async () => {
    const env = await prepare();
    try {
        const bad = checkConfigLines(env, { key: true });
        fs.writeFileSync(env.cfg, bad.text);
        const d = spawnChatd(env.cfg);
        d.ready.then(() => d.kill(), () => {});
        let timer;
        const x = await Promise.race([d.exited, new Promise((r) => { timer = setTimeout(() => r(null), 10000); })]);
        clearTimeout(timer);
        if (!x) { await d.kill(); assert.fail('chatd kept running without its transcript_key file'); }
        assert.ok(!/^listening on/m.test(d.stdout()), 'chatd did not start listening');
        assert.notEqual(x.code, 0, `exit status ${JSON.stringify(x)}`);
        assert.ok(d.stderr().split('\n').some((l) => l.includes('transcript_key')),
            `a stderr line mentions transcript_key:\n${d.stderr()}`);
    } finally {
        env.cleanup();
    }
});

/* ---- leaving ---- */

scenario('a queued visitor who leaves gets left', async (srv) => {
    const visitor = await visitorHello(srv.port);
    const q = await request(visitor, { type: 'join', topic: 'youth' });
    assert.equal(q.type, 'queued', `join answered ${JSON.stringify(q)}`);
    assert.equal(q.topic, 'youth');
    assert.equal(q.position, 1);
    assert.ok(q.estimated_wait_s === null || Number.isInteger(q.estimated_wait_s), `estimated_wait_s: ${q.estimated_wait_s}`);
    const l = await request(visitor, { type: 'leave' });
    assert.equal(l.type, 'left', `leave answered ${JSON.stringify(l)}`);
    await visitor.expectNone('chat_ended');
});

scenario('a chatting visitor who leaves ends the chat for both', async (srv) => {
    const worker = await workerOnDuty(srv.port);
    const visitor = await visitorHello(srv.port);
    const { chat } = await startChat(visitor, worker);
    visitor.send({ type: 'leave' });
    const ve = await visitor.next('chat_ended');
    assert.deepEqual({ chat: ve.chat, by: ve.by }, { chat, by: 'visitor' });
    const we = await worker.next('chat_ended');
    assert.deepEqual({ chat: we.chat, by: we.by }, { chat, by: 'visitor' });
});
