/* wrapup.test.mjs: contract v2 §4 and §5 with real clients: the categories
 * in the worker's welcome; `wrapup` after every way a worker's part of a
 * chat ends; the slot it holds until the wrap-up is sent or wrapup_s has
 * passed; its checks; nothing of it after a restart; feedback's helped and
 * again; and that only hourly counts are kept, with no row anywhere that
 * ties a chat to a category. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
    ALICE, BOB, addWorker, advanceUntil, httpGet, request, scenario, spawnChatd, step, visitorHello,
    workerLogin, workerOnDutyAs,
} from './harness.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TOPICS = { youth: { wrapup_s: 3 }, parents: { audience: 'parent', wrapup_s: 3 } };

async function join(port, topic = 'youth') {
    const v = await visitorHello(port);
    const q = await request(v, { type: 'join', topic });
    assert.equal(q.type, 'queued', JSON.stringify(q));
    return v;
}

/* A chat between w and a new visitor: {v, chat}. */
async function chatWith(srv, w) {
    const v = await join(srv.port);
    const s = await w.next('chat_started');
    await v.next('chat_started');
    return { v, chat: s.chat };
}

function wrapupOf(w, chat, timeout = 3000) {
    const m = (x) => x.type === 'wrapup' && x.chat === chat;
    m.label = `wrapup of ${chat}`;
    return w.next(m, { timeout });
}

scenario('the worker\'s welcome carries the categories, the default set without [categories]', async (srv) => {
    const w = await workerLogin(srv.port);
    assert.deepEqual(w.welcome.categories.map((c) => c.id), ['family', 'violence', 'mental_health',
        'self_harm', 'peers', 'school', 'sexuality', 'body', 'substances', 'loneliness', 'other']);
    assert.deepEqual(w.welcome.categories[5].label, { fi: 'Koulu', sv: 'Skolan', en: 'School' });
});

scenario('wrapup follows every way a worker\'s part ends', { topics: TOPICS, server: { resume_grace_s: 2 } }, async (srv) => {
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 5); /* a transfer to parents waits */
    const ends = {
        'the worker ends it': (x) => w.send({ type: 'end', chat: x.chat }),
        'the visitor leaves': (x) => x.v.send({ type: 'leave' }),
        'a transfer': (x) => w.send({ type: 'transfer', chat: x.chat, topic: 'parents', force: true }),
        'a block': (x) => w.send({ type: 'block', chat: x.chat, hours: 1 }),
        'the visitor does not come back': (x) => x.v.terminate(),
    };
    for (const [how, end] of Object.entries(ends)) {
        await step(how, async () => {
            const x = await chatWith(srv, w);
            const t0 = (await srv.advance(0.001)) * 1000; /* chatd's clock */
            end(x);
            const u = how === 'the visitor does not come back'
                ? (await advanceUntil(srv, w, (m) => m.type === 'wrapup' && m.chat === x.chat, { max: 6 })).msg
                : await wrapupOf(w, x.chat);
            const until = Date.parse(u.until);
            assert.ok(until - t0 > 1000 && until - t0 < 5000 + 3000, `until ${u.until} about wrapup_s ahead`);
            const ack = await request(w, { type: 'wrapup', chat: x.chat, kind: 'counselling', categories: [] });
            assert.equal(ack.type, 'ack', JSON.stringify(ack));
        });
    }
});

scenario('a wrap-up holds the slot until it is sent, or until wrapup_s', { topics: TOPICS }, async (srv) => {
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 1);
    const first = await chatWith(srv, w);
    const next = await join(srv.port);
    w.send({ type: 'end', chat: first.chat });
    await wrapupOf(w, first.chat);
    await step('routing waits while the wrap-up holds the one slot', async () => {
        await srv.advance(1);
        await w.expectNone('chat_started');
        const st = JSON.parse((await httpGet(srv.port, '/api/status')).body).topics[0];
        assert.equal(st.answering, false, 'no free slot while wrapping up');
    });
    await step('sent: the slot frees at once', async () => {
        const ack = await request(w, { type: 'wrapup', chat: first.chat, kind: 'information', categories: ['school', 'school'] });
        assert.equal(ack.type, 'ack');
        const s = await w.next('chat_started', { timeout: 1000 });
        assert.equal((await next.next('chat_started')).chat, s.chat);
        next.chat = s.chat;
    });
    await step('not sent: the slot frees after wrapup_s', async () => {
        const third = await join(srv.port);
        const t0 = await srv.advance(0.001); /* chatd's clock, seconds */
        w.send({ type: 'end', chat: next.chat });
        await wrapupOf(w, next.chat);
        const { msg: s, now } = await advanceUntil(srv, w, 'chat_started', { max: 8 });
        const waited = now - t0;
        assert.ok(waited >= 1.9 && waited < 5, `freed after ${waited} s (wrapup_s 3, whole seconds)`);
        assert.equal((await third.next('chat_started')).chat, s.chat);
        const late = await request(w, { type: 'wrapup', chat: next.chat, kind: 'test', categories: [] });
        assert.equal(late.code, 'bad_state', 'its time ran out: it counts as done');
    });
});

/* a wrap-up time that argon2id logins on a slow machine cannot outlast */
const LONG_WRAPUP = { youth: { wrapup_s: 600 }, parents: { audience: 'parent', wrapup_s: 600 } };

scenario('wrapup checks its chat, kind and categories, and takes one per chat', { topics: LONG_WRAPUP }, async (srv) => {
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const x = await chatWith(srv, w);
    w.send({ type: 'end', chat: x.chat });
    await wrapupOf(w, x.chat);
    const bad = [
        [{ chat: 'nope', kind: 'counselling', categories: [] }, 'bad_request', 'a chat it has no wrap-up for'],
        [{ chat: x.chat, kind: 'chatty', categories: [] }, 'bad_request', 'an unknown kind'],
        [{ chat: x.chat, kind: 'counselling', categories: ['nope'] }, 'bad_request', 'an unknown category'],
        [{ chat: x.chat, kind: 'counselling', categories: 'school' }, 'bad_request', 'categories not a list'],
    ];
    for (const [body, code, what] of bad) {
        assert.equal((await request(w, { type: 'wrapup', ...body })).code, code, what);
    }
    await addWorker(srv, BOB);
    const bob = await workerLogin(srv.port, BOB.user, BOB.password);
    assert.equal((await request(bob, { type: 'wrapup', chat: x.chat, kind: 'test', categories: [] })).code, 'bad_request',
        'another worker\'s wrap-up');
    assert.equal((await request(w, { type: 'wrapup', chat: x.chat, kind: 'prank', categories: [] })).type, 'ack');
    assert.equal((await request(w, { type: 'wrapup', chat: x.chat, kind: 'prank', categories: [] })).code, 'bad_state', 'a second one');
    await step('a new tab is told of pending wrap-ups; a restart forgets them', async () => {
        const y = await chatWith(srv, w);
        w.send({ type: 'end', chat: y.chat });
        await wrapupOf(w, y.chat);
        const tab = await workerLogin(srv.port);
        await wrapupOf(tab, y.chat);
        await srv.stop();
        const d = spawnChatd(srv.cfg);
        const port = await d.ready;
        const again = await workerLogin(port);
        await again.expectNone('wrapup');
        const r = await request(again, { type: 'wrapup', chat: y.chat, kind: 'test', categories: [] });
        assert.equal(r.code, 'bad_request', 'nothing of it was stored');
        await d.stop();
    });
});

scenario('kinds, categories, wrap-up time and feedback are hourly counts, and no row ties a chat to a category',
    { topics: TOPICS }, async (srv) => {
        await addWorker(srv, CORA, 'coordinator');
        const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 3);
        const cats = ['school', 'loneliness', 'family'];
        const chats = [];
        for (const cat of cats) {
            const x = await chatWith(srv, w);
            chats.push(x.chat);
            x.v.send({ type: 'leave' });
            await x.v.next('chat_ended');
            const fb = await request(x.v, { type: 'feedback', chat: x.chat, helped: cat === 'family' ? 'no' : 'yes', again: cat !== 'family' });
            assert.equal(fb.type, 'ack', JSON.stringify(fb));
            await wrapupOf(w, x.chat);
            await srv.advance(1.1); /* a second of wrap-up */
            const ack = await request(w, { type: 'wrapup', chat: x.chat, kind: cat === 'family' ? 'silent' : 'counselling', categories: [cat] });
            assert.equal(ack.type, 'ack');
        }
        const sup = await workerLogin(srv.port, CORA.user, CORA.password);
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
        const r = await httpGet(srv.port, `/api/stats?from=${today}&to=${today}`, { authorization: `Bearer ${sup.welcome.token}` });
        const body = JSON.parse(r.body);
        const buckets = body.buckets;
        assert.deepEqual(body.categories.find((c) => c.id === 'school').label, { fi: 'Koulu', sv: 'Skolan', en: 'School' },
            'the categories, to label the cat_ counters');
        const sum = (k) => buckets.reduce((n, b) => n + (b[k] || 0), 0);
        assert.equal(sum('wrapups'), 3);
        assert.ok(sum('wrapup_s') >= 3, `wrapup_s ${sum('wrapup_s')}`);
        assert.equal(sum('kind_counselling'), 2);
        assert.equal(sum('kind_silent'), 1);
        for (const c of cats) assert.equal(sum(`cat_${c}`), 1, c);
        assert.equal(sum('cat_violence'), 0);
        assert.equal(sum('helped_yes'), 2);
        assert.equal(sum('helped_no'), 1);
        assert.equal(sum('again_yes'), 2);
        assert.equal(sum('again_no'), 1);
        await srv.stop();
        await step('chatadmin stats hides them below --min-count', async () => {
            const out = await srv.admin(['stats', '--from', today, '--to', today, '--min-count', '2', '--format', 'json']);
            const b = JSON.parse(out.stdout).buckets.find((x) => x.topic === 'youth' && x.kind_counselling !== '<2');
            assert.equal(b.kind_counselling, 2);
            assert.equal(b.kind_silent, '<2');
            assert.equal(b.cat_school, '<2');
        });
        await step('no table row links a chat, or any time finer than the hour, to a category', async () => {
            const db = path.join(srv.dataDir, 'chatd.db');
            const sql = (q) => execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' });
            const tables = JSON.parse(sql("SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name);
            for (const t of tables) {
                const rows = JSON.parse(sql(`SELECT * FROM "${t}"`) || '[]');
                for (const row of rows) {
                    const text = JSON.stringify(row);
                    const hasCat = cats.some((c) => text.includes(c));
                    if (!hasCat) continue;
                    assert.equal(t, 'stats_extra', `a category in table ${t}: ${text}`);
                    assert.deepEqual(Object.keys(row).sort(), ['hour', 'n', 'name', 'topic']);
                    assert.ok(!chats.some((c) => text.includes(c)), `a chat id with a category: ${text}`);
                    const d = new Date(row.hour * 1000);
                    assert.equal(d.getUTCMinutes() + d.getUTCSeconds(), 0, `an hour's start: ${text}`);
                }
            }
        });
    });
