/* hours.test.mjs: contract v3 §5 with the real binaries: exceptions to a
 * topic's week through /api/hours (who may, what is refused and why), in
 * force at once in /api/status (state, next_open, closes_at, joins_until)
 * and in joins, the same from `chatadmin hours` while chatd runs (seen
 * within seconds), an audit line per change, and SIGHUP: a changed config
 * taken live with chats kept, a broken one refused whole with FILE:LINE,
 * and a topic removed while visitors wait in it. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
    addWorker, chatting, configText, httpGet, request, scenario, spawnChatd, step, visitorHello, waiting, workerLogin,
} from './harness.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };

/* The local date (Europe/Helsinki, the harness's zone) of epoch seconds t, plus days. */
function localDate(t, days = 0) {
    return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' })
        .format(new Date((t + days * 86400) * 1000));
}

/* Epoch seconds of a Helsinki local time on date ("YYYY-MM-DD", "HH:MM"). */
function localTime(date, hhmm) {
    for (const off of [2, 3]) {
        const t = Date.parse(`${date}T${hhmm}:00+0${off}:00`) / 1000;
        if (localDate(t) === date && new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit' }).format(new Date(t * 1000)) === hhmm) return t;
    }
    throw new Error(`no ${date} ${hhmm} in Helsinki`);
}

/* Moves chatd's clock to 10:00 local time of the next day; resolves to its date. */
async function toTenTomorrow(srv) {
    const now = await srv.advance(0.001);
    const date = localDate(now, 1);
    await srv.advance(localTime(date, '10:00') - now);
    return date;
}

async function coordinatorToken(srv, creds = CORA, role = 'coordinator') {
    await addWorker(srv, creds, role);
    const c = await workerLogin(srv.port, creds.user, creds.password);
    return c.welcome.token;
}

/* An /api/hours request; resolves {status, json}. */
async function hours(srv, method, { token, query = '', body } = {}) {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`http://127.0.0.1:${srv.port}/api/hours${query}`,
        { method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)) });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON: the assertion says */ }
    return { status: res.status, json, text };
}

async function status(srv, topic = 'youth') {
    const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
    return st.topics.find((t) => t.id === topic);
}

const iso = (t) => new Date(t * 1000).getTime();

scenario('/api/hours answers only coordinators and admins', async (srv) => {
    const token = await coordinatorToken(srv);
    const worker = (await workerLogin(srv.port)).welcome.token;
    for (const method of ['GET', 'POST', 'DELETE']) {
        const body = method === 'POST' ? { topic: 'youth', date: '2099-01-01', closed: true } : undefined;
        const query = method === 'DELETE' ? '?id=1' : '';
        assert.equal((await hours(srv, method, { query, body })).status, 401, `${method} without a token`);
        assert.equal((await hours(srv, method, { token: 'not-a-token', query, body })).status, 401, `${method} with a wrong token`);
        const w = await hours(srv, method, { token: worker, query, body });
        assert.equal(w.status, 403, `${method} as a worker`);
        assert.equal(w.json.error, 'forbidden');
    }
    const g = await hours(srv, 'GET', { token });
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json.exceptions, []);
    assert.equal(g.json.calendar.topics[0].id, 'youth');
    assert.equal(g.json.calendar.topics[0].days.length, 56);
    const admin = await coordinatorToken(srv, { user: 'adam', password: 'adam-password-1', alias: 'Adam' }, 'admin');
    assert.equal((await hours(srv, 'GET', { token: admin })).status, 200);
});

scenario('/api/hours refuses a bad exception with a clear message', async (srv) => {
    const token = await coordinatorToken(srv);
    const now = await srv.advance(0.001);
    const tomorrow = localDate(now, 1);
    const cases = [
        [{ topic: 'youth', date: localDate(now, -1), closed: true }, 400, 'bad_request', /in the past/],
        [{ topic: 'youth', date: '2026-02-30', closed: true }, 400, 'bad_request', /bad date/],
        [{ topic: 'youth', date: tomorrow, open: '9-17' }, 400, 'bad_request', /bad time range/],
        [{ topic: 'youth', date: tomorrow, open: '10:00-25:00' }, 400, 'bad_request', /bad time "25:00"/],
        [{ topic: 'youth', date: tomorrow, open: '10:00-10:00' }, 400, 'bad_request', /empty interval/],
        [{ topic: 'nosuch', date: tomorrow, closed: true }, 400, 'unknown_topic', /no topic "nosuch"/],
        [{ topic: 'youth', date: tomorrow, closed: true, open: '10:00-12:00' }, 400, 'bad_request', /either/],
        [{ topic: 'youth', date: tomorrow }, 400, 'bad_request', /either/],
        [{ topic: 'youth', date: tomorrow, closed: true, note: 'x'.repeat(201) }, 400, 'bad_request', /longer than 200/],
        [{ topic: 'youth', date: tomorrow, closed: true, note: 'a\u0007b' }, 400, 'bad_request', /control characters/],
        [{ id: 3, topic: 'youth', date: tomorrow, closed: true }, 400, 'bad_request', /no id/],
        ['{"topic": "youth", ', 400, 'bad_request', /JSON object/],
        [{ topic: 'youth', date: `${tomorrow}T00:00`, closed: true }, 400, 'bad_request', /bad date/],
    ];
    for (const [body, code, error, message] of cases) {
        const r = await hours(srv, 'POST', { token, body });
        assert.equal(r.status, code, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.json.error, error, JSON.stringify(body));
        assert.match(r.json.message, message, JSON.stringify(body));
    }
    assert.equal((await hours(srv, 'POST', { token, body: 'x'.repeat(5000) })).status, 413);
    assert.equal((await hours(srv, 'DELETE', { token, query: '?id=99' })).status, 404);
    assert.equal((await hours(srv, 'DELETE', { token, query: '?id=x' })).status, 400);
    assert.equal((await hours(srv, 'GET', { token, query: '?topic=nosuch' })).status, 400);
    assert.deepEqual((await hours(srv, 'GET', { token })).json.exceptions, [], 'nothing was stored');
});

scenario('an exception is in force at once: status, next_open, closes_at, joins_until and joins',
    { topics: { youth: { hours: 'mon-sun 08:00-20:00', join_cutoff_min: 15 } } }, async (srv) => {
        const date = await toTenTomorrow(srv); /* before the login: a token lasts 12 h */
        const token = await coordinatorToken(srv);
        const next = localDate(localTime(date, '10:00'), 1);
        let t = await status(srv);
        assert.equal(t.state, 'open');
        assert.equal(iso(localTime(date, '20:00')), Date.parse(t.closes_at));
        const set = await step('close today', () => hours(srv, 'POST', { token, body: { topic: 'youth', date, closed: true, note: 'Koulutusilta' } }));
        assert.equal(set.status, 200, set.text);
        assert.deepEqual({ ...set.json, id: 0 }, { id: 0, topic: 'youth', date, closed: true, open: null, note: 'Koulutusilta' });
        t = await status(srv);
        assert.equal(t.state, 'closed', 'closed at once');
        assert.equal(Date.parse(t.next_open), iso(localTime(next, '08:00')));
        assert.equal(t.closes_at, null);
        const v = await visitorHello(srv.port);
        const refused = await request(v, { type: 'join', topic: 'youth' });
        assert.equal(refused.code, 'closed');
        assert.equal(Date.parse(refused.next_open), iso(localTime(next, '08:00')));
        await srv.said(new RegExp(`hours change \\d+ by cora: set youth ${date} closed, with a note as #${set.json.id}`));
        assert.ok(!srv.stderr().includes('Koulutusilta'), 'the note is not logged');

        const other = await step('other hours today replace the closed day', () =>
            hours(srv, 'POST', { token, body: { topic: 'youth', date, open: '09:00-12:00' } }));
        assert.equal(other.status, 200, other.text);
        assert.equal(other.json.replaced, set.json.id);
        t = await status(srv);
        assert.equal(t.state, 'open');
        assert.equal(Date.parse(t.closes_at), iso(localTime(date, '12:00')));
        assert.equal(Date.parse(t.joins_until), iso(localTime(date, '11:45')));
        assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');

        const list = await hours(srv, 'GET', { token, query: '?topic=youth' });
        assert.deepEqual(list.json.exceptions.map((x) => [x.id, x.date, x.closed, x.open]), [[other.json.id, date, false, '09:00-12:00']]);
        const day = list.json.calendar.topics[0].days.find((d) => d.date === date);
        assert.deepEqual(day, { date, hours: ['09:00-12:00'], regular: ['08:00-20:00'], exception: other.json.id });

        const del = await step('delete it', () => hours(srv, 'DELETE', { token, query: `?id=${other.json.id}` }));
        assert.equal(del.status, 200, del.text);
        assert.equal(del.json.deleted, true);
        t = await status(srv);
        assert.equal(Date.parse(t.closes_at), iso(localTime(date, '20:00')), 'the regular hours again');
        await srv.said(new RegExp(`hours change \\d+ by cora: deleted #${other.json.id} \\(youth ${date} 09:00-12:00\\)`));
    });

scenario('chatadmin hours add while chatd runs is in force within seconds, with its audit line',
    { topics: { youth: { hours: 'always' }, parents: { hours: 'always', audience: 'parent' } } }, async (srv) => {
        const now = await srv.advance(0.001);
        const today = localDate(now);
        const add = await srv.admin(['hours', 'add', 'parents', '--date', today, '--closed', '--note', 'Henkilökunnan koulutus']);
        assert.equal(add.code, 0, add.stderr);
        const [id] = add.stdout.trim().split(' ');
        assert.match(add.stdout, new RegExp(`^${id} parents ${today} closed Henkilökunnan koulutus\\n$`));
        const t0 = Date.now();
        while ((await status(srv, 'parents')).state !== 'closed') {
            assert.ok(Date.now() - t0 < 5000, 'chatd saw the change within 5 s');
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal((await status(srv, 'youth')).state, 'open', 'only that topic');
        await srv.said(new RegExp(`hours change ${id} by chatadmin:\\S+: set parents ${today} closed, with a note as #${id}`));
        const list = await srv.admin(['hours', 'list', '--topic', 'parents']);
        assert.equal(list.stdout, add.stdout);
        const del = await srv.admin(['hours', 'del', id]);
        assert.equal(del.code, 0, del.stderr);
        while ((await status(srv, 'parents')).state !== 'open') {
            assert.ok(Date.now() - t0 < 10000, 'chatd saw the deletion within 5 s');
            await new Promise((r) => setTimeout(r, 100));
        }
        for (const [args, re] of [
            [['hours', 'add', 'parents', '--date', localDate(now, -400), '--closed'], /in the past/],
            [['hours', 'add', 'nosuch', '--date', today, '--closed'], /no topic "nosuch"/],
            [['hours', 'add', 'parents', '--date', today, '--open', '10-12'], /bad time range/],
            [['hours', 'del', '999'], /no exception 999/],
        ]) {
            const r = await srv.admin(args);
            assert.equal(r.code, 1, args.join(' '));
            assert.match(r.stderr, re);
        }
        assert.equal((await srv.admin(['hours', 'add', 'parents', '--date', today])).code, 2, 'neither --closed nor --open');
    });

/* ---- SIGHUP ---- */

/* Resolves once chatd has said re n times in all. */
async function saidTimes(srv, re, n, ms = 5000) {
    const g = new RegExp(re.source, 'g');
    const t0 = Date.now();
    while ((srv.stderr().match(g) || []).length < n) {
        assert.ok(Date.now() - t0 < ms, `chatd did not say ${re} ${n} times within ${ms} ms; stderr:\n${srv.stderr()}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

function rewrite(srv, opts) {
    const text = configText(srv.dataDir, opts);
    fs.writeFileSync(srv.cfg, text);
    return text;
}

const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

scenario('SIGHUP takes a changed config live: new texts, hours and topics, with queues and chats kept',
    { topics: { youth: { title_en: 'Youth chat' } } }, async (srv) => {
        const { w, v, chat } = await chatting(srv);
        const capacityOne = await request(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1 });
        assert.equal(capacityOne.type, 'duty');
        const next = await waiting(srv.port, 'youth');
        rewrite(srv, {
            server: { listen_port: 1 }, /* cannot change in a running chatd */
            topics: {
                parents: { title_en: 'Parents', audience: 'parent' }, /* before youth: indexes move */
                youth: { title_en: 'Chat for the young', hours: 'mon-sun 00:00-24:00' },
            },
        });
        srv.proc.kill('SIGHUP');
        await srv.said(/SIGHUP: .*reloaded: 2 topic\(s\); queues and chats kept/);
        assert.match(srv.stderr(), /SIGHUP: .*\[server\] listen_port changed: it takes effect at the next restart/);
        const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
        assert.deepEqual(st.topics.map((t) => [t.id, t.title.en]), [['parents', 'Parents'], ['youth', 'Chat for the young']]);
        assert.equal(st.topics[1].waiting, 1, 'the waiting visitor is still in line');
        await step('the chat goes on over the same connections', async () => {
            v.send({ type: 'msg', text: 'still there?' });
            assert.equal((await w.next('msg')).text, 'still there?');
            assert.equal((await request(w, { type: 'msg', chat, text: 'yes' })).type, 'ack');
            assert.equal((await v.next('msg')).text, 'yes');
        });
        await step('the visitor in line is served in its topic when the worker is free', async () => {
            assert.equal((await request(w, { type: 'end', chat })).type, 'chat_ended');
            const started = await next.next('chat_started');
            assert.equal(started.topic, 'youth');
            assert.equal((await w.next('chat_started')).topic, 'youth');
        });
        const p = await visitorHello(srv.port);
        assert.equal((await request(p, { type: 'join', topic: 'parents' })).type, 'queued', 'the new topic takes joins');
    });

scenario('a config with errors is refused whole, every error as FILE:LINE, and the running one stays',
    { topics: { youth: { title_en: 'Youth chat' } } }, async (srv) => {
        const text = rewrite(srv, {
            topics: { youth: { title_en: 'Changed', hours: 'mon-fri 09:00-25:00', colour: 'red' } },
        });
        srv.proc.kill('SIGHUP');
        await srv.said(/SIGHUP: .* has errors \(above\); the running config stays/);
        const err = srv.stderr();
        assert.match(err, new RegExp(`SIGHUP: ${srv.cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf(text, 'hours =')}: .*25:00`));
        assert.match(err, new RegExp(`:${lineOf(text, 'colour =')}: .*colour`));
        const st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
        assert.equal(st.topics[0].title.en, 'Youth chat', 'the running config still serves');
        assert.equal(st.topics[0].state, 'open');
        rewrite(srv, { topics: { youth: { title_en: 'Fixed' } } });
        srv.proc.kill('SIGHUP');
        await srv.said(/reloaded: 1 topic/);
        assert.equal(JSON.parse((await httpGet(srv.port, '/api/status')).body).topics[0].title.en, 'Fixed');
    });

scenario('a topic removed while a visitor waits in it: the reload is refused until the visitor is served',
    { topics: { youth: {}, parents: { audience: 'parent' } } }, async (srv) => {
        const v = await waiting(srv.port, 'parents');
        rewrite(srv, { topics: { youth: {} } });
        srv.proc.kill('SIGHUP');
        await srv.said(/SIGHUP: .* refused: topic parents is not in the file, but 1 visitor\(s\) wait in it, 0 chat\(s\) run in it .*; the running config stays/);
        let st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
        assert.deepEqual(st.topics.map((t) => [t.id, t.waiting]), [['youth', 0], ['parents', 1]]);
        await v.expectNone('left');
        assert.equal((await request(v, { type: 'leave' })).type, 'left', 'still in line until it leaves');
        srv.proc.kill('SIGHUP');
        await srv.said(/reloaded: 1 topic/);
        st = JSON.parse((await httpGet(srv.port, '/api/status')).body);
        assert.deepEqual(st.topics.map((t) => t.id), ['youth']);
        assert.equal((await request(v, { type: 'join', topic: 'parents' })).code, 'unknown_topic');
        assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
    });

scenario('exceptions stay in force over a reload', { topics: { youth: {} } }, async (srv) => {
    const now = await srv.advance(0.001);
    const add = await srv.admin(['hours', 'add', 'youth', '--date', localDate(now), '--closed']);
    assert.equal(add.code, 0, add.stderr);
    await srv.said(/hours change \d+ by chatadmin/);
    assert.equal((await status(srv)).state, 'closed');
    rewrite(srv, { topics: { other: {}, youth: { title_en: 'Again' } } });
    srv.proc.kill('SIGHUP');
    await saidTimes(srv, /reloaded: 2 topic/, 1);
    const t = await status(srv);
    assert.equal(t.title.en, 'Again');
    assert.equal(t.state, 'closed', 'the exception holds in the new config');
    assert.equal((await status(srv, 'other')).state, 'open');
    await step('and over a restart, from the first status on', async () => {
        await srv.stop();
        const d = spawnChatd(srv.cfg);
        srv.port = await d.ready;
        assert.equal((await status(srv)).state, 'closed');
        await d.stop();
    });
});
