/* plan_model.test.mjs: the staffing model checked on the product itself
 * (issue 18.6). A real chatd, one topic open always, 3 scripted workers of
 * capacity 1 who end each chat after an exponential time of mean 2 s, and a
 * seeded Poisson stream of visitors (1.5 a second for 60 s) who each give up
 * after an exponential patience of mean 3 s unless a chat has started. The
 * observed share answered is compared with Erlang A's prediction for the
 * same inputs (`chatadmin plan --arrivals-per-hour 5400 --handle-s 2
 * --patience-s 3 --slots 3`).
 *
 * Tolerance: about 90 visitors give a binomial standard error near 0.045,
 * and the product adds what the model leaves out (a few ms of network and
 * routing per chat, the hour's start with an empty queue), so the test
 * allows 0.15, about three standard errors. A broken router (one that
 * served nobody, or everybody at once) lands far outside it. */
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

scenario('Erlang A predicts the share chatd answers', {
    timeout: 150000,
    server: { max_conns_per_source: 0, resume_grace_s: 5 },
    topics: { youth: { queue_max: 1000, urgent_after_s: 0, lang_fallback_s: 0 } },
}, async (srv) => {
    const random = rng(18);
    const expo = (mean) => -mean * Math.log(1 - random());
    await addWorker(srv, BOB);
    await addWorker(srv, CAROL);
    const workers = [];
    for (const creds of [ALICE, BOB, CAROL]) workers.push(await workerOnDutyAs(srv.port, creds, ['youth'], 1));
    for (const w of workers) { /* each chat ends after an exponential handle time */
        w.ws.on('message', (data) => {
            const m = JSON.parse(data.toString());
            if (m.type === 'chat_started') setTimeout(() => w.send({ type: 'end', chat: m.chat }), expo(HANDLE_S) * 1000);
        });
    }
    let answered = 0, gaveUp = 0;
    const visitors = [];
    const visit = async (patience) => {
        const v = await visitorHello(srv.port);
        const q = await request(v, { type: 'join', topic: 'youth' });
        assert.equal(q.type, 'queued', JSON.stringify(q));
        try {
            await v.next('chat_started', { timeout: patience * 1000 });
            answered++;
            await v.next('chat_ended', { timeout: 60000 });
        } catch {
            gaveUp++;
            v.send({ type: 'leave' });
        }
        v.close();
    };
    const t0 = Date.now();
    for (let t = expo(1 / LAMBDA); t < SECONDS; t += expo(1 / LAMBDA)) {
        const wait = t * 1000 - (Date.now() - t0);
        if (wait > 0) await sleep(wait);
        visitors.push(visit(expo(PATIENCE_S)));
    }
    await Promise.all(visitors);
    const n = answered + gaveUp, observed = answered / n;
    const model = await run(CHATADMIN, ['plan', '--arrivals-per-hour', String(LAMBDA * 3600), '--handle-s',
        String(HANDLE_S), '--patience-s', String(PATIENCE_S), '--slots', String(SLOTS)]);
    assert.equal(model.code, 0, model.stderr);
    const predicted = Number(/answered_share=([\d.]+)/.exec(model.stdout)[1]);
    console.log(`# ${n} visitors, ${answered} answered: observed ${observed.toFixed(3)}, Erlang A ${predicted.toFixed(3)}`);
    assert.ok(n >= 60, `${n} visitors`);
    assert.ok(Math.abs(observed - predicted) <= 0.15, `observed ${observed.toFixed(3)}, predicted ${predicted.toFixed(3)}`);
});
