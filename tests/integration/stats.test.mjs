/* stats.test.mjs: a known mix of visitors through a real chatd, then every
 * hourly counter checked exactly with chatadmin stats and /api/stats; what
 * survives SIGKILL; publishing with --min-count (contract §4, issue 6). */
import assert from 'node:assert/strict';
import {
    endHour, httpGet, request, scenario, spawnChatd, statsTotals, step, visitorHello, workerLogin, workerOnDuty,
} from './harness.mjs';

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());

const TOPICS = { youth: { queue_max: 1 }, parents: { audience: 'parent' }, night: { hours: 'never' } };

scenario('every counter of a known mix of visitors is exact', { topics: TOPICS, timeout: 90000 }, async (srv) => {
    const w = await workerOnDuty(srv.port, ['youth'], 1);
    await srv.advance(2.1); /* on duty for at least two whole seconds */
    await step('an answered chat with messages, ended, with feedback 4', async () => {
        const v = await visitorHello(srv.port);
        await request(v, { type: 'join', topic: 'youth' });
        const { chat } = await w.next('chat_started');
        await v.next('chat_started');
        await request(v, { type: 'msg', text: 'one' });
        await request(v, { type: 'msg', text: 'two' });
        await request(w, { type: 'msg', chat, text: 'three' });
        await request(w, { type: 'end', chat });
        await v.next('chat_ended');
        assert.equal((await request(v, { type: 'feedback', chat, score: 4 })).type, 'ack');
    });
    await step('refused: closed, full; abandoned in queue', async () => {
        const n = await visitorHello(srv.port);
        assert.equal((await request(n, { type: 'join', topic: 'night' })).code, 'closed');
        const p1 = await visitorHello(srv.port);
        await request(p1, { type: 'join', topic: 'parents' });
        await request(p1, { type: 'leave' });
        /* youth: the worker is busy with a chat, one waits, the next is refused full */
        const a = await visitorHello(srv.port);
        await request(a, { type: 'join', topic: 'youth' });
        const { chat } = await w.next('chat_started');
        const b = await visitorHello(srv.port);
        await request(b, { type: 'join', topic: 'youth' });
        const c = await visitorHello(srv.port);
        assert.equal((await request(c, { type: 'join', topic: 'youth' })).code, 'queue_full');
        await step('a block and a transfer', async () => {
            await request(w, { type: 'block', chat, hours: 1 });
            const next = await w.next('chat_started');
            await request(w, { type: 'transfer', chat: next.chat, topic: 'parents', force: true });
            await b.next((m) => m.type === 'queued' && m.topic === 'parents');
            await request(b, { type: 'leave' });
        });
    });
    await srv.stop();
    const t = await statsTotals(srv);
    const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o ? o[k] || 0 : 0]));
    const KEYS = ['joins', 'refused_closed', 'refused_full', 'queued', 'answered', 'abandoned', 'chats',
        'msgs_visitor', 'msgs_worker', 'transfers', 'blocks', 'feedback_4', 'feedback_5',
        'wait_answered_0_1', 'wait_abandoned_0_1', 'chat_0_1'];
    assert.deepEqual(pick(t.youth, KEYS), {
        joins: 4, refused_closed: 0, refused_full: 1, queued: 3, answered: 3, abandoned: 0, chats: 3,
        msgs_visitor: 2, msgs_worker: 1, transfers: 1, blocks: 1, feedback_4: 1, feedback_5: 0,
        wait_answered_0_1: 3, wait_abandoned_0_1: 0, chat_0_1: 3,
    });
    assert.deepEqual(pick(t.parents, KEYS), {
        joins: 1, refused_closed: 0, refused_full: 0, queued: 1, answered: 0, abandoned: 1, chats: 0,
        msgs_visitor: 0, msgs_worker: 0, transfers: 0, blocks: 0, feedback_4: 0, feedback_5: 0,
        wait_answered_0_1: 0, wait_abandoned_0_1: 1, chat_0_1: 0,
    });
    assert.equal(t.night.joins, 1);
    assert.equal(t.night.refused_closed, 1);
    assert.equal(t.night.open_s, 0, 'a never-open topic has no open seconds');
    assert.ok(t.youth.open_s >= 2, `open_s ${t.youth.open_s}`);
    assert.ok(t.youth.staffed_s >= 2 && t.youth.staffed_s <= t.youth.open_s, `staffed_s ${t.youth.staffed_s}`);
    assert.equal(t.youth.worker_s, t.youth.staffed_s, 'one worker: worker_s = staffed_s');
    assert.equal(t.parents.staffed_s, 0, 'nobody was on duty for parents');

    await step('--min-count hides small counts for publishing', async () => {
        const r = await srv.admin(['stats', '--from', today(), '--to', today(), '--topic', 'youth', '--min-count', '3']);
        assert.equal(r.code, 0, r.stderr);
        const [header, ...rows] = r.stdout.trim().split('\n');
        const cols = header.split(',');
        for (const k of ['topic', 'hour', 'open_s', 'joins', 'answered', 'feedback_1']) assert.ok(cols.includes(k), k);
        const sum = {};
        for (const row of rows) {
            row.split(',').forEach((v, i) => { (sum[cols[i]] ||= []).push(v); });
        }
        assert.ok(sum.feedback_4.every((v) => v === '<3'), `feedback_4: ${sum.feedback_4}`);
        assert.ok(sum.topic.every((v) => v === 'youth'));
    });
});

scenario('/api/stats needs a coordinator or admin token; SIGKILL keeps what was flushed',
    { timeout: 60000 }, async (srv) => {
        await srv.admin(['user', 'add', 'cora', '--role', 'coordinator'], 'cora-password-1');
        const url = `/api/stats?from=${today()}&to=${today()}`;
        assert.equal((await httpGet(srv.port, url)).status, 401);
        const worker = await workerLogin(srv.port);
        assert.equal((await httpGet(srv.port, url, { Authorization: `Bearer ${worker.welcome.token}` })).status, 403);
        const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
        const auth = { Authorization: `Bearer ${cora.welcome.token}` };
        assert.equal((await httpGet(srv.port, `/api/stats?from=nope&to=${today()}`, auth)).status, 400);
        for (let i = 0; i < 2; i++) await request(await visitorHello(srv.port), { type: 'join', topic: 'youth' });
        await endHour(srv); /* only ended hours are reported */
        const r = await httpGet(srv.port, url, auth);
        assert.equal(r.status, 200);
        const joins = JSON.parse(r.body).buckets.reduce((n, b) => n + b.joins, 0);
        assert.equal(joins, 2);
        await request(await visitorHello(srv.port), { type: 'join', topic: 'youth' });
        await srv.kill();
        const after = await statsTotals(srv);
        assert.ok(after.youth.joins >= 2, 'what /api/stats showed survived SIGKILL');
        const d = spawnChatd(srv.cfg);
        await d.ready;
        await d.stop();
    });

/* The day YYYY-MM-DD plus days (calendar arithmetic in UTC: no zone moves a date). */
const addDays = (day, days) => new Date(Date.parse(`${day}T12:00:00Z`) + days * 86400e3).toISOString().slice(0, 10);

scenario('/api/stats and /api/plan refuse periods past 400 days, saying so; an absurd one at once',
    { timeout: 60000 }, async (srv) => {
        await srv.admin(['user', 'add', 'cora', '--role', 'coordinator'], 'cora-password-1');
        const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
        const auth = { Authorization: `Bearer ${cora.welcome.token}` };
        const to = today();
        for (const api of ['/api/stats', '/api/plan']) {
            const ok = await httpGet(srv.port, `${api}?from=${addDays(to, -399)}&to=${to}`, auth);
            assert.equal(ok.status, 200, `${api}: 400 days are allowed: ${ok.body}`);
            for (const from of [addDays(to, -400), '1970-01-02']) {
                const toLong = from === '1970-01-02' ? '9999-12-31' : to;
                const t0 = performance.now();
                const r = await httpGet(srv.port, `${api}?from=${from}&to=${toLong}`, auth);
                const ms = performance.now() - t0;
                assert.equal(r.status, 400, `${api} ${from}..${toLong}`);
                assert.deepEqual(JSON.parse(r.body), { error: 'bad_request', message: 'the period is longer than 400 days' });
                console.log(`${api}?from=${from}&to=${toLong}: 400 in ${ms.toFixed(1)} ms`);
            }
        }
        const h = await httpGet(srv.port, '/healthz');
        assert.equal(h.status, 200);
    });

scenario('/api/stats and /api/plan hold only ended hours: the running hour comes once it is over',
    { timeout: 60000 }, async (srv) => {
        await srv.admin(['user', 'add', 'cora', '--role', 'coordinator'], 'cora-password-1');
        const cora = await workerLogin(srv.port, 'cora', 'cora-password-1');
        const auth = { Authorization: `Bearer ${cora.welcome.token}` };
        /* a whole hour ahead on chatd's clock, and its day (not the real one) */
        const now = (await endHour(srv)) + 1;
        const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date(now * 1000));
        const stats = async () => {
            const r = await httpGet(srv.port, `/api/stats?from=${day}&to=${day}`, auth);
            assert.equal(r.status, 200, r.body);
            return JSON.parse(r.body);
        };
        const planJoins = async () => {
            const r = await httpGet(srv.port, `/api/plan?from=${day}&to=${day}`, auth);
            assert.equal(r.status, 200, r.body);
            return JSON.parse(r.body).hours.reduce((n, h) => n + h.arrivals_per_h * h.weeks, 0);
        };
        const joins = (j) => j.buckets.reduce((n, b) => n + b.joins, 0);
        await srv.advance(1);
        const before = await stats();
        for (let i = 0; i < 2; i++) await request(await visitorHello(srv.port), { type: 'join', topic: 'youth' });
        const during = await stats();
        assert.equal(joins(during), joins(before), 'joins of the running hour are not shown while it runs');
        assert.equal(Date.parse(during.until) / 1000, now - (now % 3600), 'until: the start of the running hour');
        assert.ok(during.buckets.every((b) => Date.parse(b.hour) / 1000 < now - (now % 3600)), 'no bucket of the running hour');
        const planBefore = await planJoins();
        const later = await endHour(srv);
        const after = await stats();
        assert.equal(joins(after), joins(before) + 2, 'once the hour has ended its joins are there');
        assert.equal(Date.parse(after.until) / 1000, later - (later % 3600));
        assert.equal(Math.round(await planJoins()), Math.round(planBefore) + 2, 'the plan counts them then too');
    });
