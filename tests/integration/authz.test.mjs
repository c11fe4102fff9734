/* authz.test.mjs: the authorization matrix of a federation (contract v3 §4,
 * issue 29 point 3). Two orgs, east and west, each with a topic, a chat, an
 * open alert, letter threads, a shift and an exception to the hours. Every
 * worker.v1 request and every HTTP endpoint that needs a login is sent by
 * each role of east (worker, coordinator, admin) and by a federation admin
 * (orgs "*"), once on east's object (own) and once on west's (other); each
 * cell asserts its exact outcome. The rule (chatd/scope.h): a topic or a
 * chat of another org is `forbidden`; an object known by its id (alert,
 * letter thread, shift, exception) of another org gets the answer of an id
 * that does not exist. Over the whole run, no frame or body that an east
 * member of staff received names anything of west's. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import {
    CHATADMIN, request, run, scenario, visitorHello, workerLogin,
} from './harness.mjs';
import * as L from './letters_crypto.mjs';

/* ---- the federation ---------------------------------------------------------- */

const ORGS = ['east', 'west'];
const TOPIC = { east: 'e_chat', west: 'w_chat' };
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-authz-'));
after(() => fs.rmSync(keyDir, { recursive: true, force: true }));
const PUB = {};
for (const org of ORGS) {
    const dir = path.join(keyDir, org);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'c.ini'), `[server]\ndata_dir = ${dir}/var\n[topic t]\nhours = always\n`);
    const kg = await run(CHATADMIN, ['--config', path.join(dir, 'c.ini'), 'letters', 'keygen', '--out', dir], `${org} letters pass`);
    assert.equal(kg.code, 0, kg.stderr);
    PUB[org] = fs.readFileSync(path.join(dir, 'letters.pub'), 'utf8').trim();
}
const orgSection = (org) => [`[org ${org}]`, `name_en = ${org} support`,
    `letters_pub = ${path.join(keyDir, org, 'letters.pub')}`,
    `letters_key = ${path.join(keyDir, org, 'letters.key')}`].join('\n');
const FEDERATION = {
    server: { idle_timeout_s: 7200 },
    topics: {
        [TOPIC.east]: { org: 'east', letters: 'on' },
        [TOPIC.west]: { org: 'west', letters: 'on' },
    },
    extra: ORGS.map(orgSection).join('\n\n'),
    aliceOrgs: 'east',
    timeout: 240000,
};

/* The actors: east's three roles and the federation admin; west's worker
 * answers west's chat. */
const STAFF = {
    worker: { user: 'erin', alias: 'Erin', role: 'worker', org: 'east' },
    coordinator: { user: 'cora', alias: 'Cora', role: 'coordinator', org: 'east' },
    admin: { user: 'ada', alias: 'Ada', role: 'admin', org: 'east' },
    fed: { user: 'fay', alias: 'Fay', role: 'admin', org: '*' },
    west: { user: 'walt', alias: 'Walt', role: 'worker', org: 'west' },
};
const ROLES = ['worker', 'coordinator', 'admin', 'fed'];
const SUPERVISOR = (role) => role === 'coordinator' || role === 'admin' || role === 'fed';

/* The outcome of a reply: "ok", or its error code. */
const outcome = (r) => (r.type === 'error' ? r.code : 'ok');
/* The outcome of an HTTP status. */
const httpOutcome = (s) => ({ 200: 'ok', 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' })[s] || `http ${s}`;

function sql(srv, text) {
    return execFileSync('sqlite3', [path.join(srv.dataDir, 'chatd.db'), text], { encoding: 'utf8' }).trim();
}

async function http(srv, method, p, who, body) {
    const res = await fetch(`http://127.0.0.1:${srv.port}${p}`, {
        method,
        headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who.welcome.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    who?.seen.push(text);
    return { status: res.status, outcome: httpOutcome(res.status), text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
}

/* The next Monday in Helsinki (YYYY-MM-DD) and its local midnight (s). */
function nextMonday() {
    for (let k = 1; k <= 7; k++) {
        const d = new Date(Date.now() + k * 86400000);
        if (d.toLocaleDateString('en-GB', { timeZone: 'Europe/Helsinki', weekday: 'long' }) === 'Monday') {
            const day = d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Helsinki' });
            return { day, epoch: Date.parse(`${day}T00:00:00+02:00`) / 1000 };
        }
    }
    throw new Error('no Monday in a week');
}

/* Sets up both orgs: staff logged in, a chat and an open alert in each, a
 * letter thread each, shifts, exceptions and an hour of statistics. */
async function federation(srv) {
    for (const s of Object.values(STAFF)) {
        const r = await srv.admin(['user', 'add', s.user, '--role', s.role, '--alias', s.alias, '--org', s.org], `${s.user}-password-1`);
        assert.equal(r.code, 0, `user add ${s.user}: ${r.stderr}`);
    }
    const f = { staff: {}, chat: {}, alert: {}, thread: {}, shift: {}, exception: {}, visitor: {} };
    for (const [k, s] of Object.entries(STAFF)) {
        const c = await workerLogin(srv.port, s.user, `${s.user}-password-1`);
        c.seen = [];
        c.ws.on('message', (d) => c.seen.push(d.toString('utf8')));
        f.staff[k] = c;
    }
    /* each org's worker answers a visitor of its topic and raises an alert */
    for (const [org, k] of [['east', 'worker'], ['west', 'west']]) {
        const w = f.staff[k];
        assert.equal(outcome(await request(w, { type: 'duty', on: true, topics: [TOPIC[org]], capacity: 5 })), 'ok');
        const v = await visitorHello(srv.port);
        assert.equal((await request(v, { type: 'join', topic: TOPIC[org] })).type, 'queued');
        f.chat[org] = (await w.next('chat_started')).chat;
        await v.next('chat_started');
        f.visitor[org] = v;
        f.alert[org] = (await request(w, { type: 'alert', chat: f.chat[org], note: `help ${org}` })).alert;
        assert.ok(f.alert[org]);
        f.thread[org] = await newThread(srv, org);
    }
    /* an hour of statistics of each topic, long past */
    const csv = path.join(srv.dir, 'stats.csv');
    fs.writeFileSync(csv, 'topic,hour,open_s,joins,answered\n'
        + `${TOPIC.east},2026-11-02T10:00:00+02:00,3600,4,3\n${TOPIC.west},2026-11-02T10:00:00+02:00,3600,7,5\n`);
    const imp = await srv.admin(['stats', 'import', csv]);
    assert.equal(imp.code, 0, imp.stderr);
    /* a published shift of each topic in next week's rota, and an exception */
    f.week = nextMonday();
    for (const org of ORGS) {
        const start = f.week.epoch + 3 * 86400 + 9 * 3600;
        f.shift[org] = Number(sql(srv, `INSERT INTO rota_shifts(topic, week, start, end) VALUES ('${TOPIC[org]}', ${f.week.epoch}, ${start}, ${start + 4 * 3600}); SELECT max(id) FROM rota_shifts;`));
        f.exception[org] = await newException(srv, f.staff.fed, org);
    }
    /* west's worker took west's shift */
    assert.equal(outcome(await request(f.staff.west, { type: 'shift_take', shift: f.shift.west })), 'ok');
    f.secrets = { east: secretsOf(f, 'east'), west: secretsOf(f, 'west') };
    return f;
}

/* What of org must never reach the other org's staff. */
function secretsOf(f, org) {
    return [TOPIC[org], f.chat[org], f.alert[org], f.thread[org], `help ${org}`, PUB[org],
        org === 'west' ? 'Walt' : 'Erin'];
}

/* A new letter thread of org's topic, sealed to org's key. */
async function newThread(srv, org) {
    const v = await visitorHello(srv.port);
    const t = v.welcome.topics.find((x) => x.id === TOPIC[org]);
    assert.equal(t.letters_pub, PUB[org], 'a letter to a topic is sealed to its org\'s key');
    const s = await request(v, { type: 'letter_send', topic: TOPIC[org], lang: 'fi', ...(await L.firstLetter(PUB[org], L.newCode(), `letter to ${org}`)) }, { timeout: 10000 });
    assert.equal(s.type, 'letter_sent', JSON.stringify(s));
    v.close();
    return s.thread;
}

/* A new exception to org's hours, made by the federation admin: its id. */
async function newException(srv, fed, org) {
    const r = await http(srv, 'POST', '/api/hours', fed, { topic: TOPIC[org], date: '2027-01-06', closed: true, note: `holiday ${org}` });
    assert.equal(r.status, 200, r.text);
    return r.json.id;
}

/* The expected outcome: own (east's object, or any for the federation
 * admin) and other (west's, for east's staff). */
const as = (role, own, o) => (role === 'fed' || own ? o.own : o.other);
const cellsOf = (role) => (role === 'fed' ? [['east', true], ['west', true]] : [['east', true], ['west', false]]);

scenario('every request x role x own/other org: the exact outcome, and nothing of another org in any reply', FEDERATION, async (srv) => {
    const f = await federation(srv);
    const S = f.staff;
    const results = [];
    /* cell(name, role, org, own, got, want) */
    const cell = (name, role, org, got, want) => {
        results.push(`${name} ${role} ${org}: ${got}`);
        assert.equal(got, want, `${name} by ${role} on ${org}'s`);
    };

    /* ---- worker.v1: the chat's own requests, on a chat that is not the actor's ---- */
    const onChat = [
        ['msg', { text: 'hello' }],
        ['typing', { on: true }],
        ['flag', { urgent: true }],
        ['alert', { note: 'x' }],
        ['end', {}],
        ['transfer', { topic: TOPIC.east }],
        ['block', { hours: 1 }],
    ];
    for (const [type, fields] of onChat) {
        for (const role of ROLES) {
            for (const [org, own] of cellsOf(role)) {
                if (role === 'worker' && own) continue; /* Erin's own chat: as today (not a scope) */
                const r = await request(S[role], { type, chat: f.chat[org], ...fields });
                /* a chat that is not one's own: forbidden, whoever's org */
                cell(type, role, org, outcome(r), 'forbidden');
            }
        }
    }
    /* the chat's worker may not move it into another org's topic; the chat stays */
    cell('transfer to another org', 'worker', 'west',
        outcome(await request(S.worker, { type: 'transfer', chat: f.chat.east, topic: TOPIC.west })), 'forbidden');
    cell('msg in own chat', 'worker', 'east', outcome(await request(S.worker, { type: 'msg', chat: f.chat.east, text: 'still here' })), 'ok');
    cell('wrapup without one', 'worker', 'east',
        outcome(await request(S.worker, { type: 'wrapup', chat: f.chat.west, kind: 'test', categories: [] })), 'bad_request');

    /* ---- duty and pick ---- */
    for (const role of ROLES) {
        for (const [org, own] of cellsOf(role)) {
            const r = await request(S[role], { type: 'duty', on: true, topics: [TOPIC[org]], capacity: 5 });
            const want = role === 'coordinator' ? 'forbidden' : as(role, own, { own: 'ok', other: 'forbidden' });
            cell('duty', role, org, outcome(r), want);
            if (outcome(r) === 'ok') {
                if (role === 'worker') assert.deepEqual(r.topics, [TOPIC.east]);
                const p = await request(S[role], { type: 'pick', topic: TOPIC[org] });
                cell('pick (auto topic)', role, org, outcome(p), 'bad_state');
            } else {
                const p = await request(S[role], { type: 'pick', topic: TOPIC[org] });
                cell('pick', role, org, outcome(p), 'forbidden');
            }
        }
        if (role !== 'worker' && role !== 'coordinator') await request(S[role], { type: 'duty', on: false });
    }

    /* ---- supervision ---- */
    for (const role of ROLES) {
        const b = await request(S[role], { type: 'board', on: true });
        if (!SUPERVISOR(role)) {
            cell('board', role, 'east', outcome(b), 'forbidden');
            continue;
        }
        cell('board', role, 'east', outcome(b), 'ok');
        const orgs = role === 'fed' ? ORGS : ['east'];
        assert.deepEqual(b.topics.map((t) => t.id).sort(), orgs.map((o) => TOPIC[o]).sort(), `board topics of ${role}`);
        assert.deepEqual(b.chats.map((c) => c.chat).sort(), orgs.map((o) => f.chat[o]).sort(), `board chats of ${role}`);
        assert.deepEqual(b.alerts.map((a) => a.alert).sort(), orgs.map((o) => f.alert[o]).sort(), `board alerts of ${role}`);
        assert.ok(b.workers.every((w) => w.alias !== 'Walt' || role === 'fed'), `board workers of ${role}`);
        assert.equal(outcome(await request(S[role], { type: 'board', on: false })), 'ok');
    }
    for (const role of ROLES) {
        for (const [org, own] of cellsOf(role)) {
            const want = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'forbidden' });
            const m = await request(S[role], { type: 'monitor', chat: f.chat[org], on: true });
            cell('monitor', role, org, outcome(m), want);
            if (want === 'ok') assert.equal(m.monitoring, true);
            cell('join_chat', role, org, outcome(await request(S[role], { type: 'join_chat', chat: f.chat[org] })), want);
            cell('whisper', role, org, outcome(await request(S[role], { type: 'whisper', chat: f.chat[org], text: 'psst' })), want);
            const off = await request(S[role], { type: 'monitor', chat: f.chat[org], on: false });
            cell('monitor off', role, org, outcome(off), want);
        }
    }
    for (const role of ROLES) {
        for (const [org, own] of cellsOf(role)) {
            /* another org's alert: as an id never given (bad_request "not found") */
            const want = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'bad_request' });
            const t = await request(S[role], { type: 'alert_take', alert: f.alert[org] });
            cell('alert_take', role, org, outcome(t), want);
            if (want === 'bad_request') assert.equal(t.message, 'not found');
            const c = await request(S[role], { type: 'alert_close', alert: f.alert[org] });
            cell('alert_close', role, org, outcome(c), want);
            if (want === 'ok') { /* raised again for the next cell */
                const w = org === 'east' ? S.worker : S.west;
                f.alert[org] = (await request(w, { type: 'alert', chat: f.chat[org], note: `help ${org}` })).alert;
                f.secrets[org] = secretsOf(f, org);
            }
        }
    }

    /* ---- letters ---- */
    for (const role of ROLES) {
        const k = await request(S[role], { type: 'letters_key' });
        cell('letters_key', role, 'east', outcome(k), 'ok');
        assert.equal(k.pub, PUB.east, `${role} gets east's letters key`);
        assert.ok(k.wrapped);
        const list = await request(S[role], { type: 'letters', state: 'all' });
        cell('letters', role, 'east', outcome(list), 'ok');
        const topics = new Set(list.threads.map((t) => t.topic));
        assert.deepEqual([...topics].sort(), (role === 'fed' ? ORGS : ['east']).map((o) => TOPIC[o]).sort());
        for (const [org, own] of cellsOf(role)) {
            /* another org's thread: not_found, as a thread that does not exist */
            const want = as(role, own, { own: 'ok', other: 'not_found' });
            cell('letter_take', role, org, outcome(await request(S[role], { type: 'letter_take', thread: f.thread[org] })), want);
            cell('letter_release', role, org, outcome(await request(S[role], { type: 'letter_release', thread: f.thread[org] })), want);
            const box = await L.box(PUB[org], 'an answer');
            const a = await request(S[role], { type: 'letter_answer', thread: f.thread[org], reply: box, copy: box });
            cell('letter_answer', role, org, outcome(a), want);
            if (want === 'ok') { /* answered: a new thread for the next cell */
                f.thread[org] = await newThread(srv, org);
                f.secrets[org] = secretsOf(f, org);
            }
        }
    }

    /* ---- the rota over worker.v1 ---- */
    const to = new Date((f.week.epoch + 6 * 86400 + 43200) * 1000).toISOString().slice(0, 10);
    for (const role of ROLES) {
        const l = await request(S[role], { type: 'shifts', from: f.week.day, to });
        cell('shifts', role, 'east', outcome(l), 'ok');
        assert.deepEqual(l.items.map((i) => i.shift).sort(), (role === 'fed' ? ORGS : ['east']).map((o) => f.shift[o]).sort());
        for (const [org, own] of cellsOf(role)) {
            /* another org's shift: as one that does not exist */
            const want = as(role, own, { own: 'ok', other: 'bad_request' });
            if (org === 'east') {
                const t = await request(S[role], { type: 'shift_take', shift: f.shift.east });
                cell('shift_take', role, org, outcome(t), want);
                cell('shift_drop', role, org, outcome(await request(S[role], { type: 'shift_drop', shift: f.shift.east })), want);
            } else { /* Walt took it: the fed admin is told it is taken / not theirs */
                const t = await request(S[role], { type: 'shift_take', shift: f.shift.west });
                cell('shift_take', role, org, outcome(t), as(role, own, { own: 'bad_state', other: 'bad_request' }));
                if (!own) assert.equal(t.reason, 'unknown_shift');
                const d = await request(S[role], { type: 'shift_drop', shift: f.shift.west });
                cell('shift_drop', role, org, outcome(d), as(role, own, { own: 'forbidden', other: 'bad_request' }));
                if (!own) assert.equal(d.reason, 'unknown_shift');
            }
        }
        cell('ping', role, 'east', (await request(S[role], { type: 'ping' })).type, 'pong');
    }

    /* ---- HTTP ---- */
    const day = 'from=2026-11-02&to=2026-11-02';
    for (const role of ROLES) {
        const who = S[role];
        const orgsSeen = role === 'fed' ? ORGS : ['east'];
        for (const kind of ['stats', 'plan']) {
            const all = await http(srv, 'GET', `/api/${kind}?${day}`, who);
            cell(`GET /api/${kind}`, role, 'east', all.outcome, SUPERVISOR(role) ? 'ok' : 'forbidden');
            if (all.status === 200) {
                const rows = kind === 'stats' ? all.json.buckets : all.json.hours;
                assert.deepEqual([...new Set(rows.map((x) => x.topic))].sort(), orgsSeen.map((o) => TOPIC[o]).sort(), `${kind} of ${role}`);
                if (kind === 'stats') {
                    for (const b of rows) assert.equal(b.org, b.topic === TOPIC.east ? 'east' : 'west');
                }
            }
            for (const [org, own] of cellsOf(role)) {
                const want = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'forbidden' });
                const byOrg = await http(srv, 'GET', `/api/${kind}?${day}&org=${org}`, who);
                cell(`GET /api/${kind}?org=`, role, org, byOrg.outcome, want);
                if (byOrg.status === 200) {
                    const rows = kind === 'stats' ? byOrg.json.buckets : byOrg.json.hours;
                    assert.ok(rows.length > 0 && rows.every((x) => x.topic === TOPIC[org]), `${kind}?org=${org} of ${role}`);
                }
                const byTopic = await http(srv, 'GET', `/api/${kind}?${day}&topic=${TOPIC[org]}`, who);
                cell(`GET /api/${kind}?topic=`, role, org, byTopic.outcome, want);
            }
            const unknown = await http(srv, 'GET', `/api/${kind}?${day}&org=nope`, who);
            cell(`GET /api/${kind}?org=unknown`, role, 'east', unknown.outcome, SUPERVISOR(role) ? 'bad_request' : 'forbidden');
        }

        const hours = await http(srv, 'GET', '/api/hours', who);
        cell('GET /api/hours', role, 'east', hours.outcome, SUPERVISOR(role) ? 'ok' : 'forbidden');
        if (hours.status === 200) {
            assert.deepEqual(hours.json.exceptions.map((e) => e.topic).sort(), orgsSeen.map((o) => TOPIC[o]).sort());
            assert.deepEqual(hours.json.calendar.topics.map((t) => t.id).sort(), orgsSeen.map((o) => TOPIC[o]).sort());
        }
        for (const [org, own] of cellsOf(role)) {
            const want = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'forbidden' });
            cell('GET /api/hours?topic=', role, org, (await http(srv, 'GET', `/api/hours?topic=${TOPIC[org]}`, who)).outcome, want);
            const post = await http(srv, 'POST', '/api/hours', who, { topic: TOPIC[org], date: '2027-01-07', closed: true, note: 'x' });
            cell('POST /api/hours', role, org, post.outcome, want);
            if (post.status === 200) {
                const del = await http(srv, 'DELETE', `/api/hours?id=${post.json.id}`, who);
                cell('DELETE /api/hours (own new)', role, org, del.outcome, 'ok');
            }
            /* another org's exception: as an id that does not exist */
            const delWant = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'not_found' });
            const del = await http(srv, 'DELETE', `/api/hours?id=${f.exception[org]}`, who);
            cell('DELETE /api/hours', role, org, del.outcome, delWant);
            if (del.status === 200) f.exception[org] = await newException(srv, S.fed, org);
        }

        const rota = await http(srv, 'GET', `/api/rota?week=${f.week.day}`, who);
        cell('GET /api/rota', role, 'east', rota.outcome, SUPERVISOR(role) ? 'ok' : 'forbidden');
        if (rota.status === 200) {
            assert.deepEqual(rota.json.shifts.map((s) => s.shift).sort(), orgsSeen.map((o) => f.shift[o]).sort());
        }
        for (const [org, own] of cellsOf(role)) {
            const want = !SUPERVISOR(role) ? 'forbidden' : as(role, own, { own: 'ok', other: 'forbidden' });
            const post = await http(srv, 'POST', '/api/rota', who, { week: f.week.day, from: '2026-11-02', to: '2026-11-02', topic: TOPIC[org] });
            cell('POST /api/rota', role, org, post.outcome, want);
        }
    }
    /* DELETE /api/rota: a coordinator removes its orgs' open shifts only */
    const delWorker = await http(srv, 'DELETE', `/api/rota?week=${f.week.day}`, S.worker);
    cell('DELETE /api/rota', 'worker', 'east', delWorker.outcome, 'forbidden');
    const extra = Number(sql(srv, `INSERT INTO rota_shifts(topic, week, start, end) VALUES ('${TOPIC.west}', ${f.week.epoch}, ${f.week.epoch + 36000}, ${f.week.epoch + 50400}); SELECT max(id) FROM rota_shifts;`));
    const del = await http(srv, 'DELETE', `/api/rota?week=${f.week.day}`, S.coordinator);
    cell('DELETE /api/rota', 'coordinator', 'east', del.outcome, 'ok');
    assert.equal(del.json.deleted, 1, 'east\'s one open shift');
    const left = await http(srv, 'GET', `/api/rota?week=${f.week.day}`, S.fed);
    assert.deepEqual(left.json.shifts.map((s) => s.shift).sort(), [f.shift.west, extra].sort(), 'west\'s shifts stay');
    const delFed = await http(srv, 'DELETE', `/api/rota?week=${f.week.day}`, S.fed);
    cell('DELETE /api/rota', 'fed', 'west', delFed.outcome, 'ok');
    assert.equal(delFed.json.deleted, 1, 'west\'s open one; Walt\'s stays');

    /* ---- nothing of west reached east's staff, in any frame or body ---- */
    for (const role of ['worker', 'coordinator', 'admin']) {
        await S[role].roundTrip();
        const text = S[role].seen.join('\n');
        for (const s of f.secrets.west) assert.ok(!text.includes(s), `${role} of east saw "${s}" of west`);
    }
    const fedText = S.fed.seen.join('\n');
    for (const s of [f.chat.west, TOPIC.west]) assert.ok(fedText.includes(s), `the federation admin sees west's ${s}`);

    /* logout ends every table: ok for each role */
    for (const role of ROLES) {
        const r = await request(S[role], { type: 'logout', scope: 'this' });
        cell('logout', role, 'east', r.type, 'logged_out');
    }
    assert.ok(results.length > 150, `${results.length} cells`);
});

scenario('queue_state: a worker\'s panels and its transfer menu name its orgs\' topics only', FEDERATION, async (srv) => {
    const s = STAFF.worker;
    const r = await srv.admin(['user', 'add', s.user, '--role', s.role, '--alias', s.alias, '--org', s.org], `${s.user}-password-1`);
    assert.equal(r.code, 0, r.stderr);
    const c = await workerLogin(srv.port, s.user, `${s.user}-password-1`);
    assert.equal(outcome(await request(c, { type: 'duty', on: true, topics: [TOPIC.east], capacity: 5 })), 'ok');
    const qs = await c.next('queue_state');
    assert.deepEqual(qs.topics.map((t) => t.id), [TOPIC.east]);
    assert.deepEqual(qs.others, [], 'west\'s topic is not offered');
    const fed = STAFF.fed;
    assert.equal((await srv.admin(['user', 'add', fed.user, '--role', fed.role, '--alias', fed.alias, '--org', fed.org], 'fay-password-1')).code, 0);
    const f = await workerLogin(srv.port, fed.user, 'fay-password-1');
    assert.equal(outcome(await request(f, { type: 'duty', on: true, topics: [TOPIC.east], capacity: 1 })), 'ok');
    const fq = await f.next('queue_state');
    assert.deepEqual(fq.others.map((t) => t.id), [TOPIC.west], 'the federation admin is offered every org\'s');
});
