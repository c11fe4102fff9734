/* triage.test.mjs: contract v2 §1 and §2 with real clients: honest
 * availability (`answering`, `staffed`, the badge), pre-chat questions and
 * their validation, urgent visitors and aged waits ahead in line, what the
 * worker sees (answers, urgent, flag), language routing with its fallback,
 * the answer counts in the statistics, and that no answer is kept anywhere
 * but in those counts. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
    BOB, addWorker, advanceUntil, endHour, filesUnder, httpGet, request, scenario, step, visitorHello, workerLogin,
    workerOnDutyAs,
} from './harness.mjs';

/* Two questions: `safe` (urgent when "unsafe_now") in every topic and
 * `age` only in parents. The labels are distinctive, so that a search of
 * the data dir and the logs for them means something. */
const QUESTIONS = `[question safe]
text_fi = Oletko nyt turvassa?
text_sv = Är du trygg just nu?
text_en = Are you safe right now?
answers = yes, unsafe_now, unsure
label_fi = Kyllä, En-ole-turvassa-QX, En tiedä
label_sv = Ja, Inte-trygg-QX, Vet inte
label_en = Yes, Not-safe-QX, Not sure
urgent = unsafe_now

[question age]
text_fi = Ikäsi?
text_sv = Din ålder?
text_en = Your age?
answers = under13, teen
label_fi = Alle 13, 13-17
label_sv = Under 13, 13-17
label_en = Under 13, 13-17
topics = parents
`;

const TOPICS = { youth: {}, parents: { audience: 'parent' } };
const OPTS = { topics: TOPICS, extra: QUESTIONS };

function youthOf(statusLike) {
    return statusLike.topics.find((t) => t.id === 'youth');
}

async function join(port, answers, topic = 'youth', hello = {}) {
    const v = await visitorHello(port, hello);
    const q = await request(v, { type: 'join', topic, ...(answers ? { answers } : {}) });
    assert.equal(q.type, 'queued', `join answered ${JSON.stringify(q)}`);
    v.queued = q;
    return v;
}

async function onDuty(port, creds, { topics = ['youth'], capacity = 1, langs } = {}) {
    const w = creds ? await workerLogin(port, creds.user, creds.password) : await workerLogin(port);
    const d = await request(w, { type: 'duty', on: true, topics, capacity, ...(langs ? { langs } : {}) });
    assert.equal(d.type, 'duty', `duty answered ${JSON.stringify(d)}`);
    return w;
}

/* The next `queued` push to v with position pos. */
function positionPush(v, pos, timeout = 3000) {
    const m = (x) => x.type === 'queued' && x.position === pos;
    m.label = `queued at position ${pos}`;
    return v.next(m, { timeout });
}

scenario('the welcome carries each topic\'s questions, and join checks the answers', OPTS, async (srv) => {
    const v = await visitorHello(srv.port);
    const youth = youthOf(v.welcome);
    const parents = v.welcome.topics.find((t) => t.id === 'parents');
    assert.deepEqual(youth.questions.map((q) => q.id), ['safe']);
    assert.deepEqual(parents.questions.map((q) => q.id), ['safe', 'age']);
    const safe = youth.questions[0];
    assert.deepEqual(safe.text, { fi: 'Oletko nyt turvassa?', sv: 'Är du trygg just nu?', en: 'Are you safe right now?' });
    assert.deepEqual(safe.answers.map((a) => a.id), ['yes', 'unsafe_now', 'unsure']);
    assert.deepEqual(safe.answers[1].label, { fi: 'En-ole-turvassa-QX', sv: 'Inte-trygg-QX', en: 'Not-safe-QX' });
    assert.equal(youth.answering, false, 'nobody on duty: not answering');
    const bad = [
        { nope: 'yes' },                 /* no such question */
        { safe: 'maybe' },               /* no such answer */
        { age: 'teen' },                 /* not asked in youth */
        { safe: 7 },                     /* not a string */
    ];
    for (const answers of bad) {
        const r = await request(v, { type: 'join', topic: 'youth', answers });
        assert.equal(r.type, 'error', `answers ${JSON.stringify(answers)}: ${JSON.stringify(r)}`);
        assert.equal(r.code, 'bad_request');
    }
    const ok = await request(v, { type: 'join', topic: 'parents', answers: { safe: 'yes', age: 'teen' } });
    assert.equal(ok.type, 'queued');
    const none = await join(srv.port, {}); /* every question may be skipped */
    assert.equal(none.queued.position, 1);
});

scenario('an urgent visitor who joins last is served first; positions of the others move', OPTS, async (srv) => {
    const first = await join(srv.port, { safe: 'yes' });
    const second = await join(srv.port);
    const urgent = await join(srv.port, { safe: 'unsafe_now' });
    assert.equal(urgent.queued.position, 1, 'the urgent visitor is first in line');
    await step('those behind are told their new places', async () => {
        await positionPush(first, 2);
        await positionPush(second, 3);
    });
    const w = await workerLogin(srv.port);
    const d = await request(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1 });
    assert.equal(d.type, 'duty');
    const started = await w.next('chat_started');
    const vs = await urgent.next('chat_started');
    assert.equal(vs.chat, started.chat, 'the urgent visitor got the worker');
    assert.equal(started.urgent, true);
    assert.deepEqual(started.answers, { safe: 'unsafe_now' });
    await step('the others move up', async () => {
        await positionPush(first, 1);
        await positionPush(second, 2);
    });
    const qs = await w.next((m) => m.type === 'queue_state' && m.topics[0].waiting === 2);
    assert.equal(qs.topics[0].urgent_waiting, 0);
});

scenario('a visitor who has waited urgent_after_s goes ahead of a later urgent one',
    { topics: { ...TOPICS, youth: { urgent_after_s: 4 } }, extra: QUESTIONS }, async (srv) => {
        const sub = await workerLogin(srv.port); /* logged in first: argon2id takes its time */
        const t0 = await srv.advance(0.001); /* chatd's clock, seconds */
        const early = await join(srv.port);
        const urgent = await join(srv.port, { safe: 'unsafe_now' });
        assert.equal(urgent.queued.position, 1);
        await positionPush(early, 2);
        await request(sub, { type: 'duty', on: true, topics: ['youth'], capacity: 1 });
        /* the worker's one slot goes to the urgent one at once */
        const started = await sub.next('chat_started');
        assert.equal(started.urgent, true);
        /* a third who joins later is behind early, who ages at 4 s */
        await srv.advance(1.5);
        const late = await join(srv.port);
        assert.equal(late.queued.position, 2);
        const fresh = (m) => m.type === 'queue_state' && m.topics[0].waiting === 2 && m.topics[0].urgent_waiting === 0;
        for (let m = await sub.next('queue_state'); !fresh(m);) m = await sub.next('queue_state'); /* in order */
        const { msg: aged, now } = await advanceUntil(srv, sub,
            (m) => m.type === 'queue_state' && m.topics[0].urgent_waiting === 1, { max: 8 });
        const at = now - t0;
        assert.ok(at >= 2.9 && at < 5.5, `aging is pushed by the clock at 4 s (whole seconds): ${at} s`);
        assert.equal(aged.topics[0].waiting, 2);
        /* a later urgent join now goes behind the aged visitor (join order) */
        const urgent2 = await join(srv.port, { safe: 'unsafe_now' });
        assert.equal(urgent2.queued.position, 2, 'behind the aged visitor, ahead of the rest');
        await positionPush(late, 3);
        sub.send({ type: 'end', chat: started.chat });
        const next = await sub.next('chat_started');
        const es = await early.next('chat_started');
        assert.equal(es.chat, next.chat, 'the aged visitor is served next');
        assert.equal(next.urgent, false, 'aged is not urgent');
    });

scenario('flag marks a chat urgent for every tab of its worker, and a new tab sees it', OPTS, async (srv) => {
    const w = await onDuty(srv.port);
    const v = await join(srv.port, { safe: 'unsure' });
    const started = await w.next('chat_started');
    assert.equal(started.urgent, false);
    assert.deepEqual(started.answers, { safe: 'unsure' });
    await v.next('chat_started');
    const tab2 = await workerLogin(srv.port);
    await tab2.next('chat_started');
    const ack = await request(w, { type: 'flag', chat: started.chat, urgent: true });
    assert.equal(ack.type, 'ack');
    const pushed = await tab2.next('flag');
    assert.deepEqual({ chat: pushed.chat, urgent: pushed.urgent }, { chat: started.chat, urgent: true });
    const tab3 = await workerLogin(srv.port);
    assert.equal((await tab3.next('chat_started')).urgent, true);
    const bad = await request(w, { type: 'flag', chat: started.chat });
    assert.equal(bad.code, 'bad_request', 'urgent is required');
    const other = await request(w, { type: 'flag', chat: 'no-such-chat', urgent: false });
    assert.equal(other.type, 'error');
    await v.expectNone('flag'); /* the visitor never learns of it */
});

scenario('a Swedish visitor goes to the Swedish-speaking worker, and to anyone after lang_fallback_s',
    { topics: { youth: { lang_fallback_s: 3 } } }, async (srv) => {
        await addWorker(srv, BOB);
        const alice = await onDuty(srv.port, null, { langs: ['fi'] }); /* idle longest */
        const bob = await onDuty(srv.port, BOB, { langs: ['sv', 'en'] });
        await step('the Swedish visitor skips the Finnish-only worker', async () => {
            const v = await join(srv.port, null, 'youth', { lang: 'sv' });
            const s = await bob.next('chat_started');
            assert.equal(s.lang, 'sv');
            assert.equal((await v.next('chat_started')).chat, s.chat);
            await alice.expectNone('chat_started');
        });
        await step('with the Swedish speaker busy, it waits, then goes to anyone', async () => {
            const t0 = await srv.advance(0.001); /* chatd's clock, seconds */
            const v2 = await join(srv.port, null, 'youth', { lang: 'sv' });
            assert.ok(v2.queued.estimated_wait_s === null || v2.queued.estimated_wait_s <= 3,
                `the estimate counts the fallback: ${JSON.stringify(v2.queued)}`);
            const { msg: s, now } = await advanceUntil(srv, alice, 'chat_started', { max: 8 });
            const waited = now - t0;
            /* the wait counts in whole seconds from the second of the join */
            assert.ok(waited >= 1.9, `offered to the Finnish-only worker after ${waited} s, not before 2-3 s`);
            assert.ok(waited < 4.5, `and not much later: ${waited} s`);
            assert.equal((await v2.next('chat_started')).chat, s.chat);
        });
        await step('a Finnish visitor goes to a free Finnish speaker at once', async () => {
            const carol = { user: 'carol', password: 'carol-password-1', alias: 'Carol' };
            await addWorker(srv, carol);
            const c = await onDuty(srv.port, carol, { langs: ['fi', 'sv'] });
            const v3 = await join(srv.port, null, 'youth', { lang: 'fi' });
            const s = await c.next('chat_started', { timeout: 1500 });
            assert.equal((await v3.next('chat_started')).chat, s.chat);
        });
    });

scenario('a language nobody on duty speaks waits for nobody', { topics: { youth: { lang_fallback_s: 60 } } }, async (srv) => {
    const alice = await onDuty(srv.port, null, { langs: ['fi'] });
    const v = await join(srv.port, null, 'youth', { lang: 'en' });
    const s = await alice.next('chat_started', { timeout: 1500 });
    assert.equal((await v.next('chat_started')).chat, s.chat);
    const d = await request(alice, { type: 'duty', on: true, topics: ['youth'], capacity: 1, langs: ['xx'] });
    assert.equal(d.code, 'bad_request', 'an unknown language is refused');
});

scenario('answering, staffed and the badge tell the three situations apart', OPTS, async (srv) => {
    const status = async () => youthOf(JSON.parse((await httpGet(srv.port, '/api/status')).body));
    const badge = async () => (await httpGet(srv.port, '/api/status/badge.svg?topic=youth&lang=en')).body;
    let t = await status();
    assert.deepEqual([t.state, t.staffed, t.answering], ['open', false, false]);
    assert.match(await badge(), /nobody is on duty/);
    const w = await onDuty(srv.port);
    t = await status();
    assert.deepEqual([t.state, t.staffed, t.answering], ['open', true, true]);
    assert.match(await badge(), />Chat open</);
    await join(srv.port);
    await w.next('chat_started');
    t = await status();
    assert.deepEqual([t.state, t.staffed, t.answering], ['open', true, false], 'the one slot is taken');
    assert.match(await badge(), /everyone is busy|min wait/);
    const v = await visitorHello(srv.port);
    assert.equal(youthOf(v.welcome).answering, false);
});

scenario('answers and urgency are counted per hour, and kept nowhere else', OPTS, async (srv) => {
    await addWorker(srv, { user: 'cora', password: 'cora-password-1', alias: 'Cora' }, 'coordinator');
    const w = await onDuty(srv.port, null, { topics: ['youth', 'parents'], capacity: 3 });
    const vs = [
        await join(srv.port, { safe: 'unsafe_now' }),
        await join(srv.port, { safe: 'unsafe_now' }),
        await join(srv.port, { safe: 'yes', age: 'under13' }, 'parents'),
    ];
    for (let i = 0; i < 3; i++) await w.next('chat_started');
    for (const v of vs) {
        const c = await v.next('chat_started');
        v.send({ type: 'msg', text: 'hei' });
        await v.next((m) => m.type === 'ack');
        v.send({ type: 'leave' });
        assert.equal((await v.next('chat_ended')).chat, c.chat);
    }
    const login = await workerLogin(srv.port, 'cora', 'cora-password-1');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki' }).format(new Date());
    await endHour(srv); /* the reports hold ended hours only */
    const r = await httpGet(srv.port, `/api/stats?from=${today}&to=${today}`,
        { authorization: `Bearer ${login.welcome.token}` });
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body);
    const sum = (topic, key) => body.buckets.filter((b) => b.topic === topic)
        .reduce((n, b) => n + b[key], 0);
    assert.equal(sum('youth', 'urgent'), 2);
    assert.equal(sum('youth', 'q_safe_unsafe_now'), 2);
    assert.equal(sum('youth', 'q_safe_yes'), 0);
    assert.equal(sum('parents', 'q_age_under13'), 1);
    assert.equal(sum('parents', 'urgent'), 0);
    assert.ok(sum('youth', 'slot_s') >= 0);
    assert.deepEqual(body.questions.map((q) => q.id), ['safe', 'age'], 'labels for the page');
    assert.deepEqual(body.questions[1].topics, ['parents']);
    await srv.stop(); /* everything flushed, WAL and all */
    await step('chatadmin stats: columns for every answer, hidden by --min-count', async () => {
        const csv = await srv.admin(['stats', '--from', today, '--to', today]);
        assert.equal(csv.code, 0, csv.stderr);
        const header = csv.stdout.split('\n')[0].split(',');
        for (const c of ['urgent', 'slot_s', 'q_safe_yes', 'q_safe_unsafe_now', 'q_safe_unsure', 'q_age_under13', 'q_age_teen']) {
            assert.ok(header.includes(c), `column ${c} in ${header.join(',')}`);
        }
        const hidden = await srv.admin(['stats', '--from', today, '--to', today, '--min-count', '5', '--format', 'json']);
        const b = JSON.parse(hidden.stdout).buckets.find((x) => x.topic === 'youth' && x.q_safe_unsafe_now !== 0);
        assert.equal(b.q_safe_unsafe_now, '<5');
        assert.equal(b.urgent, '<5');
    });
    await step('no answer text, and no answer outside the hourly counts, on disk or in the log', async () => {
        const texts = ['En-ole-turvassa-QX', 'Inte-trygg-QX', 'Not-safe-QX', 'Oletko nyt turvassa', 'under13'];
        for (const f of filesUnder(srv.dataDir)) {
            const raw = fs.readFileSync(f).toString('latin1');
            const utf = fs.readFileSync(f).toString('utf8');
            for (const t of texts.slice(0, 4)) assert.ok(!utf.includes(t), `${path.basename(f)} holds "${t}"`);
            /* answer ids only inside their counter names */
            const bare = raw.replace(/q_safe_unsafe_now|q_age_under13/g, '');
            assert.ok(!bare.includes('unsafe_now'), `${path.basename(f)} holds an answer outside a counter`);
            assert.ok(!bare.includes('under13'), `${path.basename(f)} holds an answer outside a counter`);
        }
        for (const t of texts) assert.ok(!srv.stderr().includes(t) && !srv.stdout().includes(t), `the log holds "${t}"`);
    });
});
