/* plan_model.test.mjs: the staffing model checked on the product itself
 * (issue 18.6). A real chatd, one topic open always, 3 scripted workers of
 * capacity 1 who end each chat after an exponential time of mean 2 s, and a
 * seeded Poisson stream of visitors (1.5 a second for 60 s) who each give up
 * after an exponential patience of mean 3 s unless a chat has started. The
 * observed share answered is compared with Erlang A's prediction for the
 * same inputs (`chatadmin plan --arrivals-per-hour 5400 --handle-s 2
 * --patience-s 3 --slots 3`).
 *
 * The 60 s are chatd's (its test clock), not the wall's: the test is a
 * discrete-event simulation whose events (an arrival, a chat's end, a
 * visitor giving up) are taken in time order; before each, chatd's clock is
 * moved to its time, and after it a round trip on each client that chatd
 * may have told something (the workers, the visitor) brings in what chatd
 * did. So chatd decides exactly as it would in real time, without the
 * network's milliseconds, and the same seed gives the same run.
 *
 * Tolerance: about 90 visitors give a binomial standard error near 0.045,
 * and the product adds what the model leaves out (the hour's start with an
 * empty queue), so the test allows 0.15, about three standard errors. A
 * broken router (one that served nobody, or everybody at once) lands far
 * outside it. */
import assert from 'node:assert/strict';
import {
    BOB, CHATADMIN, addWorker, request, run, scenario, visitorHello, workerOnDutyAs, ALICE,
} from './harness.mjs';

const CAROL = { user: 'carol', password: 'carol-password-1', alias: 'Carol' };
const LAMBDA = 1.5, HANDLE_S = 2, PATIENCE_S = 3, SLOTS = 3, SECONDS = 60;

/* mulberry32: a small seeded generator, so every run sees the same stream. */
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

scenario('Erlang A predicts the share chatd answers', {
    server: { max_conns_per_source: 0, resume_grace_s: 5 },
    topics: { youth: { queue_max: 1000, urgent_after_s: 0, lang_fallback_s: 0 } },
}, async (srv) => {
    const random = rng(18);
    const expo = (mean) => -mean * Math.log(1 - random());
    await addWorker(srv, BOB);
    await addWorker(srv, CAROL);
    const workers = [];
    for (const creds of [ALICE, BOB, CAROL]) workers.push(await workerOnDutyAs(srv.port, creds, ['youth'], 1));

    /* the events, by time (seconds since the start); the few dozen pending
     * at once make a sorted array good enough */
    const events = [];
    const at = (t, what) => {
        let i = events.length;
        while (i > 0 && events[i - 1].t > t) i--;
        events.splice(i, 0, { t, ...what });
    };
    let now = 0;
    /* chats a worker's round trip brought in: each ends after its handle time */
    const takeStarts = async (w) => {
        await w.roundTrip();
        for (let i; (i = w.buffer.findIndex((m) => m.type === 'chat_started')) >= 0;) {
            const [m] = w.buffer.splice(i, 1);
            at(now + expo(HANDLE_S), { kind: 'end', w, chat: m.chat });
        }
    };
    for (let t = expo(1 / LAMBDA); t < SECONDS; t += expo(1 / LAMBDA)) at(t, { kind: 'arrival', patience: expo(PATIENCE_S) });

    let answered = 0, gaveUp = 0;
    const chatting = []; /* answered visitors stay until the end, as a visitor stays until its chat ends */
    while (events.length) {
        const e = events.shift();
        if (e.t - now >= 1e-6) await srv.advance((e.t - now).toFixed(6));
        now = Math.max(now, e.t);
        if (e.kind === 'arrival') {
            const v = await visitorHello(srv.port);
            const q = await request(v, { type: 'join', topic: 'youth' });
            assert.equal(q.type, 'queued', JSON.stringify(q));
            at(now + e.patience, { kind: 'patience', v });
            for (const w of workers) await takeStarts(w);
        } else if (e.kind === 'end') {
            await request(e.w, { type: 'end', chat: e.chat });
            await takeStarts(e.w); /* its slot is free: the next in line, if any */
        } else { /* patience over: answered by now, or gone */
            await e.v.roundTrip();
            if (e.v.buffer.some((m) => m.type === 'chat_started')) {
                answered++;
                chatting.push(e.v);
            } else {
                gaveUp++;
                assert.equal((await request(e.v, { type: 'leave' })).type, 'left');
                e.v.close();
            }
        }
    }
    for (const v of chatting) {
        await v.roundTrip();
        assert.ok(v.buffer.some((m) => m.type === 'chat_ended'), 'every chat was ended by its worker');
    }
    const n = answered + gaveUp, observed = answered / n;
    const model = await run(CHATADMIN, ['plan', '--arrivals-per-hour', String(LAMBDA * 3600), '--handle-s',
        String(HANDLE_S), '--patience-s', String(PATIENCE_S), '--slots', String(SLOTS)]);
    assert.equal(model.code, 0, model.stderr);
    const predicted = Number(/answered_share=([\d.]+)/.exec(model.stdout)[1]);
    console.log(`# ${n} visitors, ${answered} answered: observed ${observed.toFixed(3)}, Erlang A ${predicted.toFixed(3)}`);
    assert.ok(n >= 60, `${n} visitors`);
    assert.ok(Math.abs(observed - predicted) <= 0.15, `observed ${observed.toFixed(3)}, predicted ${predicted.toFixed(3)}`);
});
