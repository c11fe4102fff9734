/* letters.test.mjs: letters when the chat is closed or full (contract v3 §3,
 * issue 28), over the wire with real boxes made by Node's WebCrypto
 * (letters_crypto.mjs, the contract's crypto): a letter sent and picked up
 * with its code, a wrong code, the limits, the workers' list, take, a
 * second taker, release, answer and letters_changed, the visitor reading
 * the answer, interop both ways with chatadmin's OpenSSL (its keygen'd key
 * used here, boxes made here opened by `letters show`), retention by
 * chatadmin and by chatd's hourly purge, the statistics, and that no
 * letter's text reaches any file of the data dir. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
    BOB, CHATADMIN, ISO_TS, addWorker, connect, endHour, filesUnder, holdLock, httpGet, request, run, scenario,
    spawnChatd, step, visitorHello, workerLogin,
} from './harness.mjs';
import * as L from './letters_crypto.mjs';

/* The organisation's letters key, made once by chatadmin (OpenSSL). */
const KEY_PASS = 'letters passphrase 1';
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-letters-key-'));
after(() => fs.rmSync(keyDir, { recursive: true, force: true }));
fs.writeFileSync(path.join(keyDir, 'c.ini'), `[server]\ndata_dir = ${keyDir}/var\n[topic t]\nhours = always\n`);
const kg = await run(CHATADMIN, ['--config', path.join(keyDir, 'c.ini'), 'letters', 'keygen', '--out', keyDir], KEY_PASS);
assert.equal(kg.code, 0, kg.stderr);
const PUB_FILE = path.join(keyDir, 'letters.pub');
const KEY_FILE = path.join(keyDir, 'letters.key');
const ORG_PUB = fs.readFileSync(PUB_FILE, 'utf8').trim();
const ORG = await L.unwrapKey(JSON.parse(fs.readFileSync(KEY_FILE, 'utf8')), KEY_PASS);

const LETTERS = {
    server: { letters_pub: PUB_FILE, letters_key: KEY_FILE },
    topics: { youth: { hours: 'never', letters: 'on', letter_days: 5 }, parents: { audience: 'parent' } },
};
const DAY = 86400;

test('chatadmin letters keygen: letters.pub (0644, one line) and letters.key (0600) that WebCrypto opens; never over a file', async () => {
    assert.equal(fs.statSync(PUB_FILE).mode & 0o777, 0o644);
    assert.equal(fs.statSync(KEY_FILE).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(PUB_FILE, 'utf8'), /^[A-Za-z0-9_-]{43}\n$/);
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(KEY_FILE, 'utf8'))), ['salt', 'iv', 'ct']);
    assert.equal(ORG.pub, ORG_PUB, 'the PKCS#8 key in the wrap is the pair of letters.pub');
    const b = await L.box(ORG_PUB, 'round trip');
    assert.equal(await L.open(ORG.privateKey, ORG.pub, b), 'round trip');
    const again = await run(CHATADMIN, ['--config', path.join(keyDir, 'c.ini'), 'letters', 'keygen', '--out', keyDir], KEY_PASS);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; not overwritten/);
    const empty = fs.mkdtempSync(path.join(keyDir, 'short-'));
    const short = await run(CHATADMIN, ['--config', path.join(keyDir, 'c.ini'), 'letters', 'keygen', '--out', empty], 'short');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /at least 8 characters/);
    assert.deepEqual(fs.readdirSync(empty), [], 'nothing written');
});

async function send(v, fields, extra = {}) {
    return request(v, { type: 'letter_send', topic: 'youth', lang: 'fi', ...fields, ...extra }, { timeout: 10000 });
}

/* What the visitor reads with the code: [from, text] of each item. */
async function readWithCode(v, code) {
    const r = await request(v, { type: 'letter_pickup', pickup: await L.pickupOf(code) });
    assert.equal(r.type, 'letters', JSON.stringify(r));
    const reply = await L.unwrapKey(r.reply_key, L.normCode(code));
    assert.equal(reply.pub, r.reply_pub, 'the unwrapped reply key is the one letters were boxed to');
    const out = [];
    for (const it of r.items) {
        assert.match(it.at, ISO_TS);
        out.push([it.from, await L.open(reply.privateKey, reply.pub, it.box)]);
    }
    return { r, items: out };
}

/* Moves chatd's clock s seconds while keeping clients alive (a ping every 50 s). */
async function advanceKeeping(srv, clients, s) {
    for (let done = 0; done < s; done += 50) {
        await srv.advance(Math.min(50, s - done));
        for (const c of clients) await c.roundTrip();
    }
}

scenario('a letter to a closed topic: letter_sent with due, picked up with the code; a wrong code is not_found',
    LETTERS, async (srv) => {
        const v = await visitorHello(srv.port);
        const code = L.newCode();
        let thread;
        await step('welcome: letters and letter_days per topic', async () => {
            const [youth, parents] = v.welcome.topics;
            assert.deepEqual([youth.letters, youth.letter_days, youth.state], [true, 5, 'closed']);
            assert.deepEqual([parents.letters, parents.letter_days], [false, 5]);
            assert.equal(v.welcome.letters_pub, ORG_PUB, 'the welcome names the key a letter is sealed to');
        });
        await step('letter_send -> letter_sent {thread, due = now + 5 days}', async () => {
            const before = Date.now();
            const s = await send(v, await L.firstLetter(ORG_PUB, code, 'Hei, minulla on paha olo.'));
            assert.equal(s.type, 'letter_sent', JSON.stringify(s));
            assert.match(s.thread, /^[0-9a-f]{24}$/);
            assert.match(s.due, ISO_TS);
            const ahead = Date.parse(s.due) - before;
            assert.ok(ahead > 5 * DAY * 1000 - 60000 && ahead < 5 * DAY * 1000 + 60000, s.due);
            thread = s.thread;
        });
        await step('the code reads the thread back, from a new connection too', async () => {
            const other = await connect(srv.port, 'visitor.v1');
            const { r, items } = await readWithCode(other, code);
            assert.equal(r.thread, thread);
            assert.deepEqual(items, [['visitor', 'Hei, minulla on paha olo.']]);
        });
        await step('a wrong code: not_found, and nothing else', async () => {
            const r = await request(v, { type: 'letter_pickup', pickup: await L.pickupOf(L.newCode()) });
            assert.deepEqual([r.type, r.code], ['error', 'not_found']);
            assert.equal(Object.keys(r).filter((k) => !['type', 'code', 'message', 'ref'].includes(k)).length, 0);
        });
        await step('a second letter with the same code joins the thread (topic and reply key not needed)', async () => {
            const s = await send(v, { pickup: await L.pickupOf(code), letter: await L.box(ORG_PUB, 'Vielä yksi asia.') },
                { topic: undefined, own: await L.box((await readWithCode(v, code)).r.reply_pub, 'Vielä yksi asia.') });
            assert.equal(s.type, 'letter_sent', JSON.stringify(s));
            assert.equal(s.thread, thread);
            const { items } = await readWithCode(v, code);
            assert.deepEqual(items.map((i) => i[1]), ['Hei, minulla on paha olo.', 'Vielä yksi asia.']);
        });
        await step('refused: a topic without letters, an unknown topic, wrong sizes', async () => {
            const f = await L.firstLetter(ORG_PUB, L.newCode(), 'x');
            assert.equal((await send(v, f, { topic: 'parents' })).code, 'bad_request');
            assert.equal((await send(v, f, { topic: 'nope' })).code, 'unknown_topic');
            const short = L.b64u(new Uint8Array(31));
            assert.equal((await send(v, { ...f, letter: { ...f.letter, epk: short } })).code, 'bad_request', 'epk of 31 bytes');
            assert.equal((await send(v, { ...f, letter: { ...f.letter, iv: L.b64u(new Uint8Array(16)) } })).code, 'bad_request', 'iv of 16 bytes');
            assert.equal((await send(v, { ...f, pickup: short })).code, 'bad_request', 'pickup of 31 bytes');
            assert.equal((await send(v, { ...f, reply_key: { ...f.reply_key, salt: short } })).code, 'bad_request');
            assert.equal((await send(v, { ...f, letter: { ...f.letter, ct: f.letter.ct + '=' } })).code, 'bad_request', 'padding');
            assert.equal((await send(v, { ...f, letter: { ...f.letter, extra: 1 } })).code, 'bad_request', 'a box is three fields');
            const big = L.b64u(new Uint8Array(4 * 8000 + 17));
            assert.equal((await send(v, { ...f, letter: { ...f.letter, ct: big } })).code, 'bad_request', 'past 8,000 characters');
            const most = await L.box(ORG_PUB, '\u{1F600}'.repeat(8000));
            const ok = await send(v, { ...f, letter: most, own: most });
            assert.equal(ok.type, 'letter_sent', '8,000 characters of 4 bytes fit, in one frame');
        });
    });

scenario('limits: 3 letters a session an hour, 10 pickups a minute from one source', LETTERS, async (srv) => {
    const v = await visitorHello(srv.port);
    await step('the fourth letter of the hour is rate_limited, an hour later it goes', async () => {
        for (let i = 0; i < 3; i++) {
            assert.equal((await send(v, await L.firstLetter(ORG_PUB, L.newCode(), `letter ${i}`))).type, 'letter_sent');
        }
        const f = await L.firstLetter(ORG_PUB, L.newCode(), 'fourth');
        assert.equal((await send(v, f)).code, 'rate_limited');
        const other = await visitorHello(srv.port);
        assert.equal((await send(other, f)).type, 'letter_sent', 'another session is not limited');
        await advanceKeeping(srv, [v, other], 3601);
        assert.equal((await send(v, await L.firstLetter(ORG_PUB, L.newCode(), 'later'))).type, 'letter_sent');
    });
    await step('the eleventh pickup in a minute is rate_limited, also with the right code', async () => {
        const code = L.newCode();
        assert.equal((await send(v, await L.firstLetter(ORG_PUB, code, 'mine'))).type, 'letter_sent');
        const p = await visitorHello(srv.port);
        for (let i = 0; i < 9; i++) {
            assert.equal((await request(p, { type: 'letter_pickup', pickup: await L.pickupOf(L.newCode()) })).code, 'not_found');
        }
        assert.equal((await request(p, { type: 'letter_pickup', pickup: await L.pickupOf(code) })).type, 'letters');
        const q = await connect(srv.port, 'visitor.v1'); /* the same source: another connection does not help */
        assert.equal((await request(q, { type: 'letter_pickup', pickup: await L.pickupOf(code) })).code, 'rate_limited');
        await advanceKeeping(srv, [p, q], 61);
        assert.equal((await request(q, { type: 'letter_pickup', pickup: await L.pickupOf(code) })).type, 'letters');
    });
});

scenario('a thread holds at most 16 letters and answers (it must fit in one frame): then too_large', LETTERS, async (srv) => {
    const code = L.newCode();
    const first = await L.firstLetter(ORG_PUB, code, 'one');
    let v = await visitorHello(srv.port);
    assert.equal((await send(v, first)).type, 'letter_sent');
    const more = { pickup: first.pickup, letter: await L.box(ORG_PUB, 'more'), own: await L.box(first.reply_pub, 'more') };
    for (let i = 1; i < 16; i++) {
        if (i % 3 === 0) v = await visitorHello(srv.port); /* 3 a session an hour */
        assert.equal((await send(v, more)).type, 'letter_sent', `letter ${i + 1}`);
    }
    v = await visitorHello(srv.port);
    assert.equal((await send(v, more)).code, 'too_large');
    const r = await request(v, { type: 'letter_pickup', pickup: first.pickup });
    assert.equal(r.items.length, 16);
});

scenario('workers: the key, the list, take, a second taker, release, answer; the visitor reads the answer',
    LETTERS, async (srv) => {
        await addWorker(srv);
        const v = await visitorHello(srv.port);
        const code = L.newCode();
        const text = 'En uskalla kertoa kotona.';
        const sent = await send(v, await L.firstLetter(ORG_PUB, code, text));
        const alice = await workerLogin(srv.port);
        const bob = await workerLogin(srv.port, BOB.user, BOB.password);
        let org;
        await step('letters_key: the public key and the wrap, which the passphrase opens', async () => {
            const k = await request(alice, { type: 'letters_key' });
            assert.equal(k.type, 'letters_key');
            assert.equal(k.pub, ORG_PUB);
            org = await L.unwrapKey(k.wrapped, KEY_PASS);
            assert.equal(org.pub, ORG_PUB);
        });
        let t;
        await step('letters: the open threads by due, each letter boxed to the letters key', async () => {
            const l = await request(alice, { type: 'letters' });
            assert.equal(l.type, 'letters');
            assert.equal(l.threads.length, 1);
            t = l.threads[0];
            assert.deepEqual([t.thread, t.topic, t.lang, t.state, t.taken_by, t.due], [sent.thread, 'youth', 'fi', 'new', null, sent.due]);
            assert.match(t.received, ISO_TS);
            assert.equal(t.items.length, 1);
            assert.equal(t.items[0].from, 'visitor');
            assert.equal(await L.open(org.privateKey, org.pub, t.items[0].box), text);
        });
        await step('take: ack, the others are told (letters_changed) and see it taken; a second taker gets bad_state', async () => {
            assert.equal((await request(alice, { type: 'letter_take', thread: t.thread })).type, 'ack');
            await bob.next('letters_changed');
            const l = await request(bob, { type: 'letters' });
            assert.deepEqual([l.threads[0].state, l.threads[0].taken_by], ['taken', 'Alice']);
            assert.equal((await request(bob, { type: 'letter_take', thread: t.thread })).code, 'bad_state');
            assert.equal((await request(bob, { type: 'letter_release', thread: t.thread })).code, 'bad_state');
            assert.equal((await request(bob, { type: 'letter_take', thread: 'feedbeef' })).code, 'not_found');
        });
        await step('release: new again, and the other may take it', async () => {
            assert.equal((await request(alice, { type: 'letter_release', thread: t.thread })).type, 'ack');
            assert.equal((await request(bob, { type: 'letter_take', thread: t.thread })).type, 'ack');
            const reply = await L.box(t.reply_pub, 'x');
            assert.equal((await request(alice, { type: 'letter_answer', thread: t.thread, reply, copy: reply })).code,
                'bad_state', 'not the taker');
        });
        const answer = 'Kiitos kun kirjoitit. Voit kertoa meille lisää.';
        await step('answer: ack (stored), answered, gone from the open list, in the list of all', async () => {
            alice.buffer.length = 0;
            const a = await request(bob, {
                type: 'letter_answer', thread: t.thread,
                reply: await L.box(t.reply_pub, answer), copy: await L.box(org.pub, answer),
            });
            assert.equal(a.type, 'ack', JSON.stringify(a));
            await alice.next('letters_changed');
            assert.equal((await request(alice, { type: 'letters' })).threads.length, 0);
            const all = await request(alice, { type: 'letters', state: 'all' });
            assert.equal(all.threads[0].state, 'answered');
            assert.deepEqual(all.threads[0].items.map((i) => i.from), ['visitor', 'worker']);
            assert.equal(await L.open(org.privateKey, org.pub, all.threads[0].items[1].box), answer, 'the copy');
            assert.equal((await request(bob, { type: 'letter_take', thread: t.thread })).code, 'bad_state');
        });
        await step('the visitor reads the answer with the code', async () => {
            const { items } = await readWithCode(await connect(srv.port, 'visitor.v1'), code);
            assert.deepEqual(items, [['visitor', text], ['worker', answer]]);
        });
        await step('chatadmin letters list and show (OpenSSL opens the boxes made here)', async () => {
            const list = await srv.admin(['letters', 'list']);
            assert.equal(list.code, 0, list.stderr);
            const [id, topic, received, due, state] = list.stdout.trim().split(' ');
            assert.deepEqual([id, topic, state], [t.thread, 'youth', 'answered']);
            assert.match(received, ISO_TS);
            assert.equal(due, t.due);
            const show = await srv.admin(['letters', 'show', t.thread, '--key', KEY_FILE], KEY_PASS);
            assert.equal(show.code, 0, show.stderr);
            assert.ok(show.stdout.includes(`--- visitor `) && show.stdout.includes(`${text}\n`), show.stdout);
            assert.ok(show.stdout.includes(`--- worker `) && show.stdout.includes(`${answer}\n`), show.stdout);
            const wrong = await srv.admin(['letters', 'show', t.thread, '--key', KEY_FILE], 'not the passphrase');
            assert.equal(wrong.code, 1);
            assert.doesNotMatch(wrong.stdout, /kotona/);
        });
    });

/* Today's and later buckets (chatd's clock ran ahead) summed for topic. */
async function letterStats(srv, days) {
    const fmt = (ms) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date(ms));
    const r = await srv.admin(['stats', '--from', fmt(Date.now()), '--to', fmt(Date.now() + days * DAY * 1000), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const sum = { letters_received: 0, letters_answered: 0, letter_answer_s: 0, letters_overdue: 0 };
    for (const b of JSON.parse(r.stdout).buckets) {
        for (const k of Object.keys(sum)) sum[k] += b[k];
    }
    return sum;
}

scenario('statistics: letters received and answered, the answer time, overdue answers (csv too)', LETTERS, async (srv) => {
    const v = await visitorHello(srv.port);
    const codes = [L.newCode(), L.newCode()];
    for (const c of codes) assert.equal((await send(v, await L.firstLetter(ORG_PUB, c, 'help'))).type, 'letter_sent');
    const w = await workerLogin(srv.port);
    const answer = async () => {
        const t = (await request(w, { type: 'letters' })).threads[0];
        const b = await L.box(t.reply_pub, 'ok');
        assert.equal((await request(w, { type: 'letter_answer', thread: t.thread, reply: b, copy: b })).type, 'ack');
    };
    await advanceKeeping(srv, [v, w], 100);
    await answer(); /* in time, after 100 s */
    for (let d = 0; d < 6; d++) await srv.advance(DAY); /* past due (5 days) */
    const w2 = await workerLogin(srv.port);
    const t = (await request(w2, { type: 'letters' })).threads[0];
    const b = await L.box(t.reply_pub, 'late');
    assert.equal((await request(w2, { type: 'letter_answer', thread: t.thread, reply: b, copy: b })).type, 'ack');
    await step('/api/stats carries the counters', async () => {
        await srv.admin(['user', 'add', 'cora', '--role', 'coordinator'], 'cora-password-1');
        const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
        await endHour(srv); /* only ended hours are reported */
        const day = (ms) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date(ms));
        const r = await httpGet(srv.port, `/api/stats?from=${day(Date.now())}&to=${day(Date.now() + 8 * DAY * 1000)}`,
            { Authorization: `Bearer ${cora.welcome.token}` });
        assert.equal(r.status, 200, r.body);
        const sum = (k) => JSON.parse(r.body).buckets.reduce((n, x) => n + x[k], 0);
        assert.deepEqual([sum('letters_received'), sum('letters_answered'), sum('letters_overdue')], [2, 2, 1]);
        assert.ok(sum('letter_answer_s') >= 100 + 6 * DAY);
    });
    await srv.stop();
    const s = await letterStats(srv, 8);
    assert.deepEqual([s.letters_received, s.letters_answered, s.letters_overdue], [2, 2, 1]);
    assert.ok(s.letter_answer_s >= 100 + 6 * DAY && s.letter_answer_s < 300 + 6 * DAY, `${s.letter_answer_s}`);
    const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());
    const csv = await srv.admin(['stats', '--from', fmt, '--to', fmt, '--format', 'csv']);
    assert.match(csv.stdout.split('\n')[0], /,letters_received,letters_answered,letter_answer_s,letters_overdue/);
});

scenario('retention: chatadmin letters purge, and chatd\'s hourly purge after letter_retention_days', {
    ...LETTERS, server: { ...LETTERS.server, letter_retention_days: 2 },
}, async (srv) => {
    const v = await visitorHello(srv.port);
    const [a, b] = [L.newCode(), L.newCode()];
    assert.equal((await send(v, await L.firstLetter(ORG_PUB, a, 'first'))).type, 'letter_sent');
    await step('chatadmin letters purge keeps what is inside the retention, --days 0 deletes it', async () => {
        const keep = await srv.admin(['letters', 'purge']);
        assert.equal(keep.code, 0, keep.stderr);
        assert.match(keep.stdout, /^deleted 0 /);
        const gone = await srv.admin(['letters', 'purge', '--days', '0']);
        assert.match(gone.stdout, /^deleted 1 /);
        assert.equal((await request(v, { type: 'letter_pickup', pickup: await L.pickupOf(a) })).code, 'not_found');
        const w = await workerLogin(srv.port);
        assert.equal((await request(w, { type: 'letters', state: 'all' })).threads.length, 0);
    });
    await step('chatd deletes a thread letter_retention_days after its last letter', async () => {
        assert.equal((await send(v, await L.firstLetter(ORG_PUB, b, 'second'))).type, 'letter_sent');
        await srv.advance(DAY);
        const p = await connect(srv.port, 'visitor.v1');
        assert.equal((await request(p, { type: 'letter_pickup', pickup: await L.pickupOf(b) })).type, 'letters', 'a day on: kept');
        await srv.advance(DAY + 3700); /* past 2 days, and the hourly purge has run */
        const q = await connect(srv.port, 'visitor.v1');
        await q.roundTrip();
        assert.equal((await request(q, { type: 'letter_pickup', pickup: await L.pickupOf(b) })).code, 'not_found');
        const list = await srv.admin(['letters', 'list']);
        assert.equal(list.stdout, '');
    });
});

scenario('no letter text, answer or code reaches any file of the data dir (the WAL included)', LETTERS, async (srv) => {
    const v = await visitorHello(srv.port);
    const code = L.newCode();
    const text = 'SALAISUUS-kirje-7f3a ÄÖ';
    const answer = 'VASTAUS-salainen-91c2';
    assert.equal((await send(v, await L.firstLetter(ORG_PUB, code, text))).type, 'letter_sent');
    const w = await workerLogin(srv.port);
    const t = (await request(w, { type: 'letters' })).threads[0];
    const ack = await request(w, {
        type: 'letter_answer', thread: t.thread,
        reply: await L.box(t.reply_pub, answer), copy: await L.box(ORG_PUB, answer),
    });
    assert.equal(ack.type, 'ack');
    const files = filesUnder(srv.dataDir);
    assert.ok(files.some((f) => f.endsWith('chatd.db-wal')), `the WAL is there to be read: ${files}`);
    const needles = [text, answer, 'SALAISUUS', 'VASTAUS', L.normCode(code), code].map((s) => Buffer.from(s, 'utf8'));
    for (const f of files) {
        const bytes = fs.readFileSync(f);
        for (const n of needles) assert.equal(bytes.indexOf(n), -1, `${n} in ${f}`);
    }
    await srv.stop(); /* and after the checkpoint at the stop */
    for (const f of filesUnder(srv.dataDir)) {
        const bytes = fs.readFileSync(f);
        for (const n of needles) assert.equal(bytes.indexOf(n), -1, `${n} in ${f}`);
    }
});

scenario('a letter sent while another process holds the write lock is answered only once stored, and its code reads it after a crash',
    { ...LETTERS, timeout: 60000 }, async (srv) => {
        const v = await visitorHello(srv.port);
        const code = L.newCode();
        const lock = await holdLock(srv);
        v.send({ type: 'letter_send', topic: 'youth', lang: 'fi', ...(await L.firstLetter(ORG_PUB, code, 'kirjoitettu lukon aikana')), ref: 'locked' });
        await step('no letter_sent while the letter cannot be stored', async () => {
            for (let held = 0; held < 3; held += 0.5) {
                await srv.advance(0.5);
                await httpGet(srv.port, '/healthz');
            }
            assert.equal(v.buffer.find((m) => m.type === 'letter_sent'), undefined, `answered while locked: ${v.describe()}`);
        });
        await lock.release();
        const sent = await step('letter_sent once the lock is gone', async () => {
            let m;
            for (let i = 0; i < 20 && !m; i++) {
                await srv.advance(0.5);
                m = v.buffer.find((x) => x.type === 'letter_sent');
            }
            m = m || await v.next('letter_sent', { timeout: 10000 });
            assert.match(m.thread, /\S/);
            return m;
        });
        await srv.kill();
        const d = spawnChatd(srv.cfg);
        const port = await d.ready;
        try {
            await step('after SIGKILL and a restart the code reads the letter', async () => {
                const again = await visitorHello(port);
                const { r, items } = await readWithCode(again, code);
                assert.equal(r.thread, sent.thread);
                assert.deepEqual(items, [['visitor', 'kirjoitettu lukon aikana']]);
            });
        } finally {
            await d.kill();
        }
    });
