/* overflow_sim.mjs: a seeded simulation of overflow between the orgs of a
 * federation (contract v3 §4) against the pooled plan's upper bound.
 *
 *   CHATADMIN=build/chatadmin node tests/bench/overflow_sim.mjs [--seed N] [--weeks W] [--check]
 *       [--config config/federation.ini] [--stats A.csv,B.csv] [--from DATE --to DATE]
 *
 * It imports the example statistics (config/example-stats.csv and
 * config/federation-stats.csv: west busy in the evening, east in the
 * afternoon) into a scratch database under the example's orgs and topics,
 * takes the plan of the period (`chatadmin plan --pooled --format json`),
 * and simulates W weeks of every topic's hours of the week as the plan sees
 * them: Poisson arrivals at the hour's arrivals_per_h in its open hours,
 * exponential patience (patience_s; none when 0) and chat plus wrap-up
 * (handle_s), and slots_had slots (a fractional mean is the floor or the
 * ceiling, at random by its fraction, each hour). The same visitors (common
 * random numbers) are then answered three ways:
 *   apart     each topic's slots take only its own queue, first come first;
 *   overflow  a slot takes its own queue first, else the longest waiting
 *             visitor of a topic of the same audience whose org lists its
 *             org k-th in overflow_to (k = 0, 1, ...) and who has waited
 *             (k + 1) x that org's overflow_after_s (the contract's tiers);
 *   one pool  every topic of an audience is one queue, first come first.
 * It prints the answered contacts a week of each, per org, beside the
 * plan's own figures: now (apart) and pooled (the upper bound). Unlike the
 * plan, the simulation carries a queue from one hour into the next and lets
 * a chat run on past the end of its hour: its figures are not the plan's.
 * With --check it exits 1 unless apart <= overflow <= one pool (within a
 * noise margin of 0.5 % of the arrivals), overflow answers more than apart,
 * and the pool more than overflow (the example's peaks do differ).
 * Languages are not simulated (no language routing), nor queue_max.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './seeded.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHATADMIN = process.env.CHATADMIN || path.join(REPO, 'build', 'chatadmin');

function options(argv) {
    const o = {
        seed: 1, weeks: 52, check: false, config: path.join(REPO, 'config', 'federation.ini'),
        stats: [path.join(REPO, 'config', 'example-stats.csv'), path.join(REPO, 'config', 'federation-stats.csv')],
        from: '2026-10-26', to: '2026-11-22',
    };
    for (let i = 2; i < argv.length; i++) {
        const a = argv[i], v = argv[i + 1];
        if (a === '--check') o.check = true;
        else if (a === '--seed') { o.seed = Number(v); i++; }
        else if (a === '--weeks') { o.weeks = Number(v); i++; }
        else if (a === '--config') { o.config = v; i++; }
        else if (a === '--stats') { o.stats = v.split(','); i++; }
        else if (a === '--from') { o.from = v; i++; }
        else if (a === '--to') { o.to = v; i++; }
        else throw new Error(`unknown option ${a}`);
    }
    if (!Number.isInteger(o.seed) || !(o.weeks >= 1 && o.weeks <= 1000)) throw new Error('bad --seed or --weeks');
    return o;
}

/* The [org] and [topic] sections of an ini file: {orgs: {id: {overflow_to,
 * overflow_after_s}}, topics: {id: {org, audience}}, text: the sections
 * again without keys and letters (the scratch config uses the server's). */
function readFederation(file) {
    const orgs = {}, topics = {}, keep = [];
    let cur = null, skip = true;
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
        const line = raw.trim();
        const sec = /^\[(org|topic)\s+([a-z0-9_-]+)\]$/.exec(line);
        if (/^\[/.test(line)) {
            skip = !sec;
            cur = null;
            if (sec && sec[1] === 'org') cur = orgs[sec[2]] = { overflow_to: [], overflow_after_s: 120 };
            if (sec && sec[1] === 'topic') cur = topics[sec[2]] = { org: null, audience: 'any' };
        }
        if (skip) continue;
        const kv = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
        if (kv && /^(transcript_key|letters_pub|letters_key|letters|letter_days)$/.test(kv[1])) continue;
        keep.push(raw);
        if (!kv || !cur) continue;
        if (kv[1] === 'overflow_to') cur.overflow_to = kv[2].split(',').map((s) => s.trim()).filter(Boolean);
        else if (kv[1] === 'overflow_after_s') cur.overflow_after_s = Number(kv[2]);
        else if (kv[1] === 'org' || kv[1] === 'audience') cur[kv[1]] = kv[2];
    }
    const ids = Object.keys(orgs);
    for (const t of Object.values(topics)) if (!t.org) t.org = ids.length === 1 ? ids[0] : 'main';
    return { orgs, topics, text: keep.join('\n') + '\n' };
}

/* The plan of the period with the pooled summary, from a scratch database. */
function planOf(o, fed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overflow-sim-'));
    try {
        const cfg = path.join(dir, 'sim.ini');
        fs.writeFileSync(cfg, `[server]\ndata_dir = ${dir}\ntimezone = Europe/Helsinki\n`
            + `transcript_key = ${dir}/transcript.pub\n\n${fed.text}`);
        const admin = (args) => execFileSync(CHATADMIN, ['--config', cfg, ...args], { encoding: 'utf8' });
        for (const f of o.stats) admin(['stats', 'import', f]);
        return JSON.parse(admin(['plan', '--from', o.from, '--to', o.to, '--pooled', '--format', 'json']));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/* A binary heap of events ordered by time, then by insertion. */
class Events {
    constructor() { this.h = []; this.n = 0; }
    push(t, kind, x) {
        const h = this.h, e = { t, seq: this.n++, kind, x };
        h.push(e);
        for (let i = h.length - 1; i > 0;) {
            const p = (i - 1) >> 1;
            if (!Events.before(h[i], h[p])) break;
            [h[i], h[p]] = [h[p], h[i]];
            i = p;
        }
    }
    pop() {
        const h = this.h, top = h[0], last = h.pop();
        if (h.length) {
            h[0] = last;
            for (let i = 0; ;) {
                const l = 2 * i + 1, r = l + 1;
                let m = i;
                if (l < h.length && Events.before(h[l], h[m])) m = l;
                if (r < h.length && Events.before(h[r], h[m])) m = r;
                if (m === i) break;
                [h[i], h[m]] = [h[m], h[i]];
                i = m;
            }
        }
        return top;
    }
    get size() { return this.h.length; }
    static before(a, b) { return a.t < b.t || (a.t === b.t && a.seq < b.seq); }
}

const WEEK_H = 168;

/* The week as the plan models it: per topic and hour of the week its load
 * and slots (open hours only, as the plan's summary). */
function weekOf(plan, fed) {
    const w = {};
    for (const id of Object.keys(fed.topics)) w[id] = Array.from({ length: WEEK_H }, () => null);
    for (const r of plan.hours) {
        if (!w[r.topic] || !r.open) continue;
        w[r.topic][(r.dow - 1) * 24 + r.hour] = {
            lambda: r.arrivals_per_h, handle: r.handle_s, patience: r.patience_s, slots: r.slots_had,
        };
    }
    return w;
}

/* The visitors and the slots of W weeks, drawn once for all three ways. */
function draw(week, weeks, seed) {
    const rand = rng(seed);
    const expo = (mean) => -Math.log(1 - rand()) * mean;
    const visitors = [], caps = {};
    for (const [topic, hours] of Object.entries(week)) {
        caps[topic] = new Int32Array(weeks * WEEK_H);
        for (let k = 0; k < weeks * WEEK_H; k++) {
            const c = hours[k % WEEK_H];
            if (!c) continue;
            const whole = Math.floor(c.slots);
            caps[topic][k] = whole + (rand() < c.slots - whole ? 1 : 0);
            /* Poisson arrivals in the hour: exponential gaps */
            if (c.lambda <= 0 || !(c.handle > 0)) continue;
            for (let t = expo(3600 / c.lambda); t < 3600; t += expo(3600 / c.lambda)) {
                visitors.push({
                    topic, at: k * 3600 + t, service: expo(c.handle),
                    patience: c.patience > 0 ? expo(c.patience) : Infinity,
                });
            }
        }
    }
    visitors.sort((a, b) => a.at - b.at || (a.topic < b.topic ? -1 : 1));
    visitors.forEach((v, i) => { v.id = i; });
    return { visitors, caps };
}

/* Answers the visitors one way ('apart', 'overflow', 'pool'); returns the
 * answered per org. */
function simulate(way, fed, drawn, weeks) {
    const topics = Object.keys(fed.topics);
    const queue = {}, busy = {}, cap = {}, head = {};
    for (const t of topics) { queue[t] = []; head[t] = 0; busy[t] = 0; cap[t] = 0; }
    const state = new Uint8Array(drawn.visitors.length); /* 0 waiting or not come, 1 answered, 2 gone */
    const answered = {};
    for (const o of Object.keys(fed.orgs)) answered[o] = 0;
    const ev = new Events();
    /* the first still waiting visitor of topic t's queue */
    const first = (t) => {
        const q = queue[t];
        while (head[t] < q.length && state[q[head[t]].id] !== 0) head[t]++;
        return head[t] < q.length ? q[head[t]] : null;
    };
    /* the tier at which slots of topic b may take topic a's visitors: -1 never */
    const tier = (a, b) => {
        const ta = fed.topics[a], tb = fed.topics[b];
        if (ta.audience !== tb.audience || ta.org === tb.org) return -1;
        return fed.orgs[ta.org] ? fed.orgs[ta.org].overflow_to.indexOf(tb.org) : -1;
    };
    const after = (a) => (fed.orgs[fed.topics[a].org] || { overflow_after_s: 120 }).overflow_after_s;
    /* the visitor a free slot of topic b takes now, or null */
    const pick = (b, now) => {
        const own = first(b);
        if (way === 'apart' || (way === 'overflow' && own)) return own;
        let best = null;
        for (const a of topics) {
            if (a === b) continue;
            const v = first(a);
            if (!v) continue;
            if (way === 'pool') {
                if (fed.topics[a].audience !== fed.topics[b].audience) continue;
            } else {
                const k = tier(a, b);
                if (k < 0 || now - v.at < (k + 1) * after(a)) continue;
            }
            if (!best || v.at < best.at) best = v;
        }
        if (way === 'pool' && own && (!best || own.at <= best.at)) return own;
        return best;
    };
    const dispatch = (b, now) => {
        while (busy[b] < cap[b]) {
            const v = pick(b, now);
            if (!v) return;
            state[v.id] = 1;
            answered[fed.topics[v.topic].org]++;
            busy[b]++;
            ev.push(now + v.service, 'end', b);
        }
    };
    /* dispatch every topic whose slots may take a's visitors */
    const offer = (a, now) => {
        const same = (b) => fed.topics[a].audience === fed.topics[b].audience;
        for (const b of topics) if (b === a || (way === 'pool' ? same(b) : tier(a, b) >= 0)) dispatch(b, now);
    };
    for (let k = 0; k < weeks * WEEK_H; k++) ev.push(k * 3600, 'hour', k);
    for (const v of drawn.visitors) ev.push(v.at, 'arrive', v);
    while (ev.size) {
        const e = ev.pop();
        if (e.kind === 'hour') {
            for (const t of topics) cap[t] = drawn.caps[t][e.x];
            for (const t of topics) dispatch(t, e.t);
        } else if (e.kind === 'arrive') {
            const v = e.x;
            queue[v.topic].push(v);
            if (v.patience !== Infinity) ev.push(v.at + v.patience, 'leave', v);
            if (way === 'overflow') {
                const to = (fed.orgs[fed.topics[v.topic].org] || { overflow_to: [] }).overflow_to;
                for (let k = 0; k < to.length; k++) {
                    const t = v.at + (k + 1) * after(v.topic);
                    if (t < v.at + v.patience) ev.push(t, 'tier', v);
                }
                dispatch(v.topic, e.t);
            } else {
                offer(v.topic, e.t);
            }
        } else if (e.kind === 'tier') {
            if (state[e.x.id] === 0) offer(e.x.topic, e.t);
        } else if (e.kind === 'leave') {
            if (state[e.x.id] === 0) state[e.x.id] = 2;
        } else {
            busy[e.x]--;
            dispatch(e.x, e.t);
        }
    }
    return answered;
}

const o = options(process.argv);
const fed = readFederation(o.config);
const plan = planOf(o, fed);
const week = weekOf(plan, fed);
const started = process.hrtime.bigint();
const drawn = draw(week, o.weeks, o.seed);
const ways = { apart: null, overflow: null, pool: null };
for (const w of Object.keys(ways)) ways[w] = simulate(w, fed, drawn, o.weeks);
const took = Number(process.hrtime.bigint() - started) / 1e9;

const orgs = Object.keys(fed.orgs);
const arrivals = {};
for (const org of orgs) arrivals[org] = 0;
for (const v of drawn.visitors) arrivals[fed.topics[v.topic].org]++;
const total = (m) => Object.values(m).reduce((s, x) => s + x, 0);
const perWeek = (x) => (x / o.weeks).toFixed(1).padStart(9);
const apw = plan.answered_per_week || {};
const planOrg = (org, k) => ((apw.orgs || []).find((x) => x.org === org) || {})[k];
const fmt = (x) => (typeof x === 'number' ? x.toFixed(1) : '-').padStart(9);

console.log(`overflow_sim: seed ${o.seed}, ${o.weeks} weeks of the plan of ${o.from}..${o.to} `
    + `(${path.relative(REPO, o.config)}; ${o.stats.map((f) => path.relative(REPO, f)).join(', ')}), ${took.toFixed(2)} s`);
console.log(`answered a week          ${orgs.map((x) => x.padStart(9)).join('')}      all`);
console.log(`arrivals                 ${orgs.map((x) => perWeek(arrivals[x])).join('')}${perWeek(total(arrivals))}`);
for (const [w, label] of [['apart', 'apart'], ['overflow', 'overflow (tiers)'], ['pool', 'one pool']])
    console.log(`${label.padEnd(25)}${orgs.map((x) => perWeek(ways[w][x])).join('')}${perWeek(total(ways[w]))}`);
console.log(`plan: now (apart)        ${orgs.map((x) => fmt(planOrg(x, 'now'))).join('')}${fmt(apw.now)}`);
console.log(`plan: pooled (bound)     ${orgs.map((x) => fmt(planOrg(x, 'pooled'))).join('')}${fmt(apw.pooled)}`);

if (o.check) {
    const a = total(ways.apart), f = total(ways.overflow), p = total(ways.pool);
    const margin = 0.005 * total(arrivals);
    const bad = [];
    if (!(a <= f + margin)) bad.push(`apart ${a} > overflow ${f}`);
    if (!(f <= p + margin)) bad.push(`overflow ${f} > one pool ${p}`);
    if (!(f > a)) bad.push(`overflow ${f} answers no more than apart ${a}`);
    if (!(p > f)) bad.push(`one pool ${p} answers no more than overflow ${f}`);
    if (!(apw.pooled > apw.now)) bad.push(`the plan's pooled ${apw.pooled} is not above now ${apw.now}`);
    if (bad.length) {
        console.error(`overflow_sim: FAILED: ${bad.join('; ')}`);
        process.exit(1);
    }
    console.log('overflow_sim: apart <= overflow <= one pool: ok');
}
