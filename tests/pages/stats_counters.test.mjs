/* stats_counters.test.mjs: issue 27.4 and 27.3 on the statistics page, in
 * Chromium against a real chatd holding one crafted week (imported with
 * `chatadmin stats import`, so every number is known):
 *  - "staffed N % of the opening hours" counts on-duty time inside the
 *    opening hours only: a worker on duty while a topic was closed (an hour
 *    of youth at night, a whole closed hour of night) no longer lifts it
 *    past 100 % (the old figure would be 116.7 %); the on-duty time while
 *    closed is said apart;
 *  - alerts, the first-reply time, transfers and blocks per topic, labelled
 *    in fi, sv and en, and in the CSV;
 *  - plural forms: "1 answer" / "1 vastaus", "1 join" / "3 joins".
 * axe-core at desktop size and at 390 px; screenshots of each state. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { addWorker, step } from '../integration/harness.mjs';
import { axe, daemon, DESKTOP, downloadText, layoutProblems, PHONE, shot } from './lib.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TOPICS = {
    youth: {},
    night: { title_fi: 'Yöchat', title_sv: 'Nattchatten', title_en: 'Night chat' },
};
const FROM = '2026-11-02';
const TO = '2026-11-08';

/* One week; Monday 2026-11-02 (EET, +02:00). */
const COLS = ['topic', 'hour', 'open_s', 'staffed_s', 'worker_s', 'slot_s', 'joins', 'refused_closed', 'queued',
    'answered', 'abandoned', 'wait_answered_s', 'chats', 'chat_s', 'feedback_4', 'helped_yes', 'alerts',
    'first_reply_s', 'first_replies', 'transfers', 'blocks'];
const ROWS = [
    /* open, staffed the whole hour: 3 joins, 2 answered, alerts, a transfer and a block */
    ['youth', '2026-11-02T18:00:00+02:00', 3600, 3600, 3600, 3600, 3, 0, 3, 2, 1, 120, 2, 1200, 1, 1, 3, 90, 2, 1, 1],
    /* open, staffed half of it: 1 join */
    ['youth', '2026-11-02T19:00:00+02:00', 3600, 1800, 1800, 1800, 1, 0, 1, 1, 0, 30, 1, 600, 0, 0, 0, 40, 1, 0, 0],
    /* closed at night, a worker on duty anyway */
    ['youth', '2026-11-03T03:00:00+02:00', 0, 3600, 3600, 3600, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    /* night: on duty while closed, then open with nobody on duty */
    ['night', '2026-11-02T23:00:00+02:00', 0, 3600, 3600, 3600, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ['night', '2026-11-03T00:00:00+02:00', 3600, 0, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
];
/* on duty inside the opening hours: 3600 + 1800 of youth's 7200 open, 0 of night's 3600 */

const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

async function open(p, base, viewport) {
    await p.goto(`${base}/stats/`);
    await p.fill('#login-user', CORA.user);
    await p.fill('#login-password', CORA.password);
    await p.press('#login-password', 'Enter');
    await p.locator('#results[aria-busy="false"]').waitFor();
    await p.fill('#from', FROM);
    await p.fill('#to', TO);
    await p.click('#show');
    await p.locator('#results[aria-busy="false"]').waitFor();
    await p.locator('#fig-joins .figure-value').filter({ hasText: /^7$/ }).waitFor();
    void viewport;
}

test('issue 27: staffed share within opening hours, alerts, first reply, transfers and blocks, plurals', { timeout: 120000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        const file = path.join(srv.dir, 'week.csv');
        fs.writeFileSync(file, [COLS.join(','), ...ROWS.map((r) => r.join(','))].join('\n') + '\n');
        const imp = await srv.admin(['stats', 'import', file]);
        assert.equal(imp.code, 0, imp.stderr);
        await addWorker(srv, CORA, 'coordinator');
        const p = await page(DESKTOP, { locale: 'en-GB' });
        await open(p, base);
        const perTopic = (measure, topic) => text(p.locator(`#per-topic tr[data-measure="${measure}"] td[data-topic="${topic}"]`));
        const total = (measure) => text(p.locator(`#per-topic tr[data-measure="${measure}"] td.total`));
        const label = (measure) => text(p.locator(`#per-topic tr[data-measure="${measure}"] th`));

        await step('staffed share counts on-duty time inside the opening hours only, never above 100 %', async () => {
            const fig = await text(p.locator('#fig-staffed'));
            /* 12,600 s on duty in all; 5,400 of them in the 10,800 s open */
            assert.match(fig, /^Staffed 3\.5 h 50% of the opening hours, 2 h of it while closed$/, fig);
            assert.equal(await perTopic('staffed_share', 'youth'), '75%');
            assert.equal(await perTopic('staffed_share', 'night'), '0%');
            assert.equal(await total('staffed_share'), '50%');
            assert.equal(await label('staffed_share'), 'Staffed share of opening hours');
            assert.equal(await perTopic('staffed_h', 'youth'), '2.5', 'the hours on duty stay all of them');
            const shares = await p.locator('#per-topic tr[data-measure="staffed_share"] td, #fig-staffed').allInnerTexts();
            for (const s of shares) for (const m of s.matchAll(/([\d.]+)\s*%/g)) assert.ok(Number(m[1]) <= 100, s);
            await shot(p.locator('#figures'), 'stats-staffed-en');
        });

        await step('alerts, first-reply time, transfers and blocks per topic, with a total', async () => {
            assert.equal(await label('alerts'), 'Alerts to supervisors');
            assert.equal(await label('first_reply_avg'), 'Average time to first reply');
            assert.equal(await label('transfers'), 'Transferred to another topic');
            assert.equal(await label('blocks'), 'Ended with a block');
            assert.equal(await perTopic('alerts', 'youth'), '3');
            assert.equal(await perTopic('alerts', 'night'), '1');
            assert.equal(await total('alerts'), '4');
            /* (90 + 40) s over 3 first replies */
            assert.equal(await perTopic('first_reply_avg', 'youth'),
                await p.evaluate(() => import('/i18n.js').then((m) => m.I18N.formatDuration(130 / 3))));
            assert.match(await perTopic('first_reply_avg', 'youth'), /43/);
            assert.equal(await perTopic('first_reply_avg', 'night'), await text(p.locator('#per-topic tr[data-measure="feedback_avg"] td[data-topic="night"]')), 'none: the "none" text');
            assert.equal(await perTopic('transfers', 'youth'), '1');
            assert.equal(await perTopic('blocks', 'youth'), '1');
            assert.equal(await perTopic('transfers', 'night'), '0');
            await shot(p.locator('#per-topic'), 'stats-per-topic-en');
        });

        await step('the CSV has the counters', async () => {
            const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#csv')]);
            const [head, ...lines] = (await downloadText(dl)).trim().split('\n');
            const cols = head.split(',');
            for (const c of ['alerts', 'first_reply_s', 'first_replies', 'transfers', 'blocks']) assert.ok(cols.includes(c), c);
            const row = lines.map((l) => l.split(',')).find((f) => f[0] === 'youth' && f[1].startsWith('2026-11-02T18'));
            assert.equal(row[cols.indexOf('alerts')], '3');
            assert.equal(row[cols.indexOf('blocks')], '1');
        });

        await step('plural forms in en, fi and sv', async () => {
            const fb = () => text(p.locator('#fb-summary'));
            const heat = (d, h) => p.locator(`#heatmap td[data-day="${d}"][data-hour="${h}"]`).getAttribute('title');
            const helped = () => text(p.locator('#helped-summary'));
            assert.equal(await fb(), 'Average 4.0 from 1 answer.');
            assert.equal(await heat(0, 19), 'Mon 19–20: 1 join, open');
            assert.equal(await heat(0, 18), 'Mon 18–19: 3 joins, open');
            assert.equal(await heat(1, 3), 'Tue 03–04: 1 join');
            assert.match(await helped(), /in 100% of 1 answer\./);
            await p.selectOption('#lang', 'fi');
            assert.equal(await fb(), 'Keskiarvo 4,0, 1 vastaus.');
            assert.equal(await heat(0, 19), 'ma 19–20: 1 yhteydenotto, auki');
            assert.equal(await heat(0, 18), 'ma 18–19: 3 yhteydenottoa, auki');
            assert.match(await helped(), /\(1 vastaus\)\./);
            assert.equal(await label('alerts'), 'Hälytykset ohjaajalle');
            assert.equal(await label('first_reply_avg'), 'Ensimmäisen vastauksen keskimääräinen aika');
            assert.equal(await label('transfers'), 'Siirretty toiseen aiheeseen');
            assert.equal(await label('blocks'), 'Päättyi estoon');
            assert.match(await text(p.locator('#fig-staffed')), /50 % aukioloajasta, siitä 2 h suljettuna$/);
            await shot(p.locator('#per-topic'), 'stats-per-topic-fi');
            await p.selectOption('#lang', 'sv');
            assert.equal(await fb(), 'Medelvärde 4,0 av 1 svar.');
            assert.equal(await heat(0, 19), 'mån 19–20: 1 kontaktförsök, öppet');
            assert.equal(await label('alerts'), 'Larm till handledare');
            assert.equal(await label('first_reply_avg'), 'Genomsnittlig tid till första svaret');
            assert.equal(await label('transfers'), 'Flyttade till ett annat ämne');
            assert.equal(await label('blocks'), 'Avslutade med blockering');
            assert.match(await text(p.locator('#fig-staffed')), /50 % av öppettiden, varav 2 h när det var stängt$/);
            await p.selectOption('#lang', 'en');
        });

        await step('axe at desktop size and at 390 px; screenshots', async () => {
            assert.deepEqual(await axe(p), []);
            await shot(p, 'stats-counters-en');
            const phone = await page(PHONE, { locale: 'en-GB' });
            await open(phone, base);
            assert.deepEqual(await axe(phone), []);
            assert.deepEqual(await phone.evaluate(layoutProblems), []);
            await shot(phone.locator('#per-topic').locator('xpath=..'), 'stats-per-topic-phone390');
        });
    });
});
