/* federation_stats.mjs: writes config/federation-stats.csv, the east org's
 * hourly statistics of the two-org example (config/federation.ini) for the
 * weeks of config/example-stats.csv (2026-10-26..2026-11-22), which are the
 * west org's (its topics youth and parents, busy in the evening). East is
 * busy in the afternoon and keeps two slots into the evening, when west's
 * queue is long: offset peaks, as the pooled plan and overflow are about.
 *
 *   node tests/bench/federation_stats.mjs [CHATADMIN] > config/federation-stats.csv
 *
 * Seeded: the same file every run. Each hour: joins ~ Poisson(the hour's
 * rate), the answered share of the plan's own Erlang A (chatadmin plan's
 * calculator) for the hour's slots, each join answered with that chance,
 * exponential chat lengths, and waits whose sum over abandonments is the
 * topic's patience (the plan's estimator reads it back).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './seeded.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHATADMIN = process.argv[2] || process.env.CHATADMIN || path.join(REPO, 'build', 'chatadmin');

const rand = rng(29);
const poisson = (mean) => {
    let n = 0;
    for (let p = Math.exp(-mean), s = rand(); s > p; s *= rand()) n++;
    return n;
};
const expo = (mean) => -Math.log(1 - rand()) * mean;

const CHAT_S = 880; /* mean chat; the plan's handle time adds the wrap-up */
const WRAPUP_S = 175;
const PATIENCE_S = 520;

/* hour -> [joins an hour, slots]; hours not listed are closed */
const TOPICS = {
    east_youth: {
        days: [1, 2, 3, 4, 5, 6, 7],
        hours: {
            11: [1.5, 2], 12: [3, 2], 13: [5, 4], 14: [6.5, 4], 15: [7, 4], 16: [6, 4],
            17: [3, 2], 18: [1.5, 2], 19: [1, 2], 20: [0.8, 2],
        },
    },
    east_parents: {
        days: [1, 2, 3, 4, 5],
        hours: { 12: [2.5, 1], 13: [3, 1], 14: [2, 1], 15: [1.5, 1], 16: [1, 1], 17: [0.7, 1] },
    },
};

const shares = new Map();
function answeredShare(lambda, slots) {
    const key = `${lambda}/${slots}`;
    if (!shares.has(key)) {
        const out = execFileSync(CHATADMIN, ['plan', '--arrivals-per-hour', String(lambda), '--handle-s',
            String(CHAT_S + WRAPUP_S), '--patience-s', String(PATIENCE_S), '--slots', String(slots)], { encoding: 'utf8' });
        shares.set(key, Number(/answered_share=([0-9.]+)/.exec(out)[1]));
    }
    return shares.get(key);
}

const cols = ['topic', 'hour', 'open_s', 'staffed_s', 'worker_s', 'slot_s', 'joins', 'refused_closed', 'queued',
    'answered', 'abandoned', 'wait_answered_s', 'wait_abandoned_s', 'chats', 'chat_s', 'wrapups', 'wrapup_s'];
const lines = [cols.join(',')];
const first = Date.UTC(2026, 9, 26); /* Monday 2026-10-26; Helsinki is at +02:00 all four weeks */
for (let d = 0; d < 28; d++) {
    const date = new Date(first + d * 86400000);
    const dow = (date.getUTCDay() + 6) % 7 + 1;
    const ymd = date.toISOString().slice(0, 10);
    for (const [topic, t] of Object.entries(TOPICS)) {
        if (!t.days.includes(dow)) continue;
        for (const [h, [lambda, slots]] of Object.entries(t.hours)) {
            const joins = poisson(lambda);
            const share = answeredShare(lambda, slots);
            let answered = 0;
            for (let i = 0; i < joins; i++) if (rand() < share) answered++;
            const abandoned = joins - answered;
            /* waits: abandoners leave after about 0.6 of the patience, the
             * rest of the patience sum is the answered visitors' waiting */
            let patienceSum = 0;
            for (let i = 0; i < abandoned; i++) patienceSum += Math.round(expo(PATIENCE_S));
            const waitAbandoned = Math.round(patienceSum * 0.6);
            const waitAnswered = abandoned ? patienceSum - waitAbandoned : answered * Math.round(expo(20));
            let chatS = 0;
            for (let i = 0; i < answered; i++) chatS += Math.round(expo(CHAT_S));
            const workers = Math.ceil(slots / 2);
            const row = {
                topic, hour: `${ymd}T${String(h).padStart(2, '0')}:00:00+02:00`, open_s: 3600, staffed_s: 3600,
                worker_s: workers * 3600, slot_s: slots * 3600, joins, refused_closed: 0, queued: joins, answered,
                abandoned, wait_answered_s: waitAnswered, wait_abandoned_s: waitAbandoned, chats: answered,
                chat_s: chatS, wrapups: answered, wrapup_s: answered * WRAPUP_S,
            };
            lines.push(cols.map((c) => row[c]).join(','));
        }
    }
}
process.stdout.write(lines.join('\n') + '\n');
