/* quiet.test.mjs: "quieter times" (contract v2 §1). The rule of quiet.js
 * as a pure function over crafted weeks (answered >= 90 % and a typical
 * wait no longer than the median; weekdays in a row with the same hours make
 * one phrase, at most three); then a real chatd holding three weeks of
 * statistics (imported with chatadmin, dated within the last 28 days) where
 * Monday to Thursday 14–16 were quiet: the visitor page and the widget name
 * those hours for a closed topic and a busy one, not for a topic with a free
 * slot, and not when the week has no hour (a topic without statistics). The
 * week is asked for once per page load. Screenshots of both. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { WEB_ROOT, addWorker, httpGet, request, step, visitorHello, workerOnDuty } from '../integration/harness.mjs';
import { axe, daemon, DESKTOP, layoutProblems, serviceDay, shot, visitorOpen } from './lib.mjs';

const require = createRequire(import.meta.url);
const Q = require(path.join(WEB_ROOT, 'quiet.js'));
const TZ = 'Europe/Helsinki';
const PHONE360 = { width: 360, height: 780 };
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

/* A week where the hours in `quiet` ("dow/hour") are answered at once and
 * all others of 9..20 are slow and half answered. */
function week(quiet, days = [1, 2, 3, 4, 5, 6, 7]) {
    const hours = [];
    for (const dow of days) {
        for (let hour = 9; hour < 21; hour++) {
            const q = quiet.includes(`${dow}/${hour}`);
            hours.push({ dow, hour, answered_share: q ? 0.95 : 0.5, typical_wait_s: q ? 30 : 400 });
        }
    }
    return hours;
}

const range = (dows, hours) => dows.flatMap((d) => hours.map((h) => `${d}/${h}`));

/* In the widget's host page: counts the widget's readings of a week
 * (ChatQuiet.quietTimes, which quiet.js provides), after which it renders. */
function countQuietReads() {
    let api;
    window.__quietReads = 0;
    Object.defineProperty(window, 'ChatQuiet', {
        configurable: true,
        get: () => api,
        set: (v) => {
            const read = v.quietTimes;
            api = { ...v, quietTimes(...a) { window.__quietReads += 1; return read.apply(this, a); } };
        },
    });
}

test('quiet.js: the rule and the phrases, as a pure function', () => {
    const monThu = week(range([1, 2, 3, 4], [14, 15]));
    assert.deepEqual(Q.quietTimes(monThu), [{ from: 1, to: 4, start: 14, end: 16 }]);
    assert.equal(Q.quietText(Q.quietTimes(monThu), 'en-GB'), 'Mon–Thu 14–16');
    assert.equal(Q.quietText(Q.quietTimes(monThu), 'fi'), 'ma–to 14–16');
    assert.equal(Q.quietText(Q.quietTimes(monThu), 'sv'), 'mån–tors 14–16');

    /* a break in the days or a different range makes another phrase, in week order */
    const two = week([...range([1, 2], [14, 15]), ...range([4], [14, 15]), ...range([6], [10, 11, 12])]);
    assert.equal(Q.quietText(Q.quietTimes(two), 'en-GB'), 'Mon–Tue 14–16, Thu 14–16, Sat 10–13');

    /* at most three phrases: the largest kept, shown in week order */
    const many = week(['1/9', '2/11', ...range([3, 4, 5], [15, 16]), '6/9', '6/10', '7/20']);
    /* equal sizes: the earlier in the week */
    assert.equal(Q.quietText(Q.quietTimes(many), 'en-GB'), 'Mon 09–10, Wed–Fri 15–17, Sat 09–11');
    assert.equal(Q.quietTimes(many, 1).length, 1);

    /* the rule: 90 % answered, and a wait no longer than the median */
    const edge = [
        { dow: 1, hour: 10, answered_share: 0.9, typical_wait_s: 20 },    /* quiet */
        { dow: 1, hour: 11, answered_share: 0.89, typical_wait_s: 10 },   /* too few answered */
        { dow: 1, hour: 12, answered_share: 1, typical_wait_s: 500 },     /* above the median */
        { dow: 1, hour: 13, answered_share: 0, typical_wait_s: null },    /* nobody answered */
        { dow: 1, hour: 14, answered_share: 1, typical_wait_s: 20 },      /* quiet: the median is 20 */
    ];
    assert.deepEqual(Object.keys(Q.quietSet(edge)).sort(), ['1/10', '1/14']);
    assert.equal(Q.quietText(Q.quietTimes(edge), 'en-GB'), 'Mon 10–11, Mon 14–15');
    /* a last hour of the day ends at 24 */
    assert.equal(Q.quietText(Q.quietTimes([{ dow: 7, hour: 23, answered_share: 1, typical_wait_s: 0 }]), 'en-GB'), 'Sun 23–24');

    /* nothing to say */
    assert.deepEqual(Q.quietTimes([]), []);
    assert.deepEqual(Q.quietTimes(undefined), []);
    assert.deepEqual(Q.quietTimes(week([])), []);
    assert.deepEqual(Q.quietTimes([{ dow: 9, hour: 30, answered_share: 1, typical_wait_s: 1 }]), []);
});

/* "2026-11-23" and hour 14 -> "2026-11-23T14:00:00+02:00" in the service's zone. */
function localHour(day, hour) {
    const probe = new Date(`${day}T12:00:00Z`);
    const off = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, timeZoneName: 'longOffset' })
        .formatToParts(probe).find((p) => p.type === 'timeZoneName').value.replace('GMT', '') || '+00:00';
    return `${day}T${String(hour).padStart(2, '0')}:00:00${off}`;
}

/* Three weeks before today of topic ids: every day 10–20 open, six joins an
 * hour; Monday to Thursday 14–16 all answered at once, the rest four of six
 * after ten minutes. */
function statsCsv(dir, ids) {
    const lines = ['topic,hour,open_s,joins,queued,answered,wait_answered_s'];
    const today = serviceDay();
    for (let back = 21; back >= 1; back--) {
        const d = new Date(`${today}T12:00:00Z`);
        d.setUTCDate(d.getUTCDate() - back);
        const day = d.toISOString().slice(0, 10);
        const dow = (d.getUTCDay() + 6) % 7 + 1;
        for (let hour = 10; hour < 20; hour++) {
            const quiet = dow <= 4 && (hour === 14 || hour === 15);
            const answered = quiet ? 6 : 4;
            for (const id of ids) {
                lines.push(`${id},${localHour(day, hour)},3600,6,6,${answered},${answered * (quiet ? 20 : 600)}`);
            }
        }
    }
    const file = path.join(dir, 'quiet.csv');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
}

const TOPICS = {
    youth: { queue_max: 5 },
    night: { hours: 'never', title_fi: 'Yöchat', title_sv: 'Nattchatten', title_en: 'Night chat' },
    empty: { hours: 'never', title_fi: 'Tyhjä', title_sv: 'Tom', title_en: 'Empty chat' },
};

test('the visitor page and the widget name the quieter times of a closed or busy topic', { timeout: 120000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page, browser }) => {
        const imp = await srv.admin(['stats', 'import', statsCsv(srv.dir, ['youth', 'night'])]);
        assert.equal(imp.code, 0, imp.stderr);
        const wk = JSON.parse((await httpGet(srv.port, '/api/status/week?topic=night')).body);
        assert.ok(wk.hours.length >= 40, `the week of night has ${wk.hours.length} hours`);
        assert.equal(Q.quietText(Q.quietTimes(wk.hours), 'en-GB'), 'Mon–Thu 14–16', 'the daemon\'s week gives the crafted hours');
        assert.deepEqual(JSON.parse((await httpGet(srv.port, '/api/status/week?topic=empty')).body).hours, []);
        const worker = await workerOnDuty(srv.port, ['youth'], 1);

        const v = await page(DESKTOP, { locale: 'en-GB' });
        const weeks = [];
        v.on('request', (r) => { if (r.url().includes('/api/status/week')) weeks.push(new URL(r.url()).searchParams.get('topic')); });
        await step('the visitor page: a closed topic says its quieter times, an open one with a free slot does not', async () => {
            await visitorOpen(v, base);
            await v.selectOption('#lang', 'en');
            const night = v.locator('#topics [data-topic="night"]');
            await night.locator('.topic-quiet').waitFor();
            assert.equal(await text(night.locator('.topic-quiet')), 'Quieter times: Mon–Thu 14–16');
            /* read with the button: its accessible name has it */
            assert.match(await night.evaluate((b) => b.textContent), /Quieter times: Mon–Thu 14–16/);
            const youth = v.locator('#topics [data-topic="youth"]');
            assert.match(await text(youth), /Open/);
            assert.equal(await youth.locator('.topic-quiet').count(), 0, 'a free slot: nothing to suggest');
            assert.equal(await v.locator('#topics [data-topic="empty"] .topic-quiet').count(), 0, 'no hours: no line');
        });

        await step('in Finnish and Swedish', async () => {
            await v.selectOption('#lang', 'fi');
            await v.locator('#topics [data-topic="night"] .topic-quiet').filter({ hasText: 'Rauhallisempia aikoja: ma–to 14–16' }).waitFor();
            await v.selectOption('#lang', 'sv');
            await v.locator('#topics [data-topic="night"] .topic-quiet').filter({ hasText: 'Lugnare tider: mån–tors 14–16' }).waitFor();
            await v.selectOption('#lang', 'en');
        });

        await step('axe-core finds nothing serious; a 360 px phone fits; screenshots', async () => {
            assert.deepEqual(await axe(v), []);
            await shot(v, 'quiet-visitor-en');
            const phone = await page(PHONE360, { locale: 'fi-FI' });
            await visitorOpen(phone, base);
            await phone.selectOption('#lang', 'fi');
            await phone.locator('#topics [data-topic="night"] .topic-quiet').waitFor();
            assert.deepEqual(await phone.evaluate(layoutProblems), []);
            await shot(phone, 'quiet-visitor-phone-fi');
        });

        /* before the widget's step makes youth busy: the page, which looks at
         * its topics again every 15 s, would then rightly ask for youth's week */
        await step('the visitor page asked for each week once', async () => {
            const count = (id) => weeks.filter((x) => x === id).length;
            assert.equal(count('night'), 1);
            assert.equal(count('empty'), 1);
            assert.equal(count('youth'), 0, 'youth had a free slot all along');
            await v.close();
        });

        const host = http.createServer((req, res) => {
            const topic = new URL(req.url, 'http://x').searchParams.get('topic') || 'youth';
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body style="font-family:sans-serif;max-width:30rem;margin:2rem"><p>Talk to us: <script src="${base}/widget.js" data-topic="${topic}" data-lang="en"></script></p></body></html>`);
        }).listen(0, '127.0.0.1');
        await new Promise((r) => host.once('listening', r));
        const hostBase = `http://127.0.0.1:${host.address().port}`;
        try {
            /* a context of its own: the host page is another origin */
            const ctx = await browser.newContext({ viewport: { width: 480, height: 240 } });
            await ctx.addInitScript(countQuietReads);
            const w = await ctx.newPage();
            const errors = [];
            w.on('pageerror', (e) => errors.push(e.message));
            await step('the widget: a free slot says nothing more; taken, it names the quieter times', async () => {
                await w.goto(`${hostBase}/?topic=youth`);
                const widget = w.locator('a.chatd-widget');
                await widget.filter({ hasText: /^Chat open$/ }).waitFor();
                assert.equal(await widget.locator('.chatd-widget__quiet').count(), 0);
                const visitor = await visitorHello(srv.port);
                assert.equal((await request(visitor, { type: 'join', topic: 'youth' })).type, 'queued');
                await worker.next('chat_started');
                await widget.locator('.chatd-widget__quiet').filter({ hasText: 'Quieter times: Mon–Thu 14–16' }).waitFor();
                assert.match(await text(widget), /^Chat open, everyone is busy.*Quieter times: Mon–Thu 14–16$/);
                await shot(w, 'quiet-widget-busy', { fullPage: false });
            });
            await step('the widget of a closed topic names them; with no hours it does not', async () => {
                await w.goto(`${hostBase}/?topic=night`);
                const widget = w.locator('a.chatd-widget');
                await widget.locator('.chatd-widget__quiet').filter({ hasText: 'Quieter times: Mon–Thu 14–16' }).waitFor();
                assert.match(await widget.getAttribute('class'), /chatd-widget--closed/);
                await shot(w, 'quiet-widget-closed', { fullPage: false });
                const weekAsked = w.waitForResponse((r) => r.url().includes('/api/status/week?topic=empty'));
                await w.goto(`${hostBase}/?topic=empty`);
                await widget.filter({ hasText: /Chat closed/ }).waitFor();
                await weekAsked;
                /* the widget renders as soon as it has read the week */
                await w.waitForFunction(() => window.__quietReads > 0);
                assert.equal(await widget.locator('.chatd-widget__quiet').count(), 0);
            });
            assert.deepEqual(errors, []);
            await ctx.close();
        } finally {
            host.close();
        }

        await step('the statistics page: per week the joins in quiet hours', async () => {
            await addWorker(srv, CORA, 'coordinator');
            const today = serviceDay();
            const day = (back) => {
                const d = new Date(`${today}T12:00:00Z`);
                d.setUTCDate(d.getUTCDate() - back);
                return d;
            };
            /* what the CSV holds of night, per week (its Monday) */
            const want = new Map();
            for (let back = 21; back >= 1; back--) {
                const d = day(back);
                const dow = (d.getUTCDay() + 6) % 7;
                const monday = new Date(d);
                monday.setUTCDate(d.getUTCDate() - dow);
                const k = monday.toISOString().slice(0, 10);
                const w = want.get(k) || { joins: 0, quiet: 0 };
                w.joins += 60;
                if (dow < 4) w.quiet += 12;
                want.set(k, w);
            }
            const s = await page(DESKTOP, { locale: 'en-GB' });
            await s.goto(`${base}/stats/`);
            await s.fill('#login-user', CORA.user);
            await s.fill('#login-password', CORA.password);
            await s.press('#login-password', 'Enter');
            await s.locator('#results').waitFor();
            await s.fill('#from', day(21).toISOString().slice(0, 10));
            await s.fill('#to', day(1).toISOString().slice(0, 10));
            await s.selectOption('#topic', 'night');
            await s.click('#show');
            /* the rows of the period asked for, not those of the page's first load */
            await s.locator('#results[aria-busy="false"]').waitFor();
            await s.locator('#quietshare-hours').filter({ hasText: 'Quiet hours of Night chat: Mon–Thu 14–16.' }).waitFor();
            const rows = s.locator('#quietshare tbody tr');
            await rows.first().waitFor();
            const got = await rows.evaluateAll((trs) => trs.map((tr) => [tr.dataset.week,
                ...[...tr.querySelectorAll('td')].map((td) => td.innerText.trim())]));
            const expect = [...want.entries()].filter(([, w]) => w.joins > 0).map(([k, w]) =>
                [k, String(w.joins), String(w.quiet), `${(Math.round((w.quiet / w.joins) * 1000) / 10)}%`]);
            assert.deepEqual(got, expect);
            assert.match(await s.locator('#quietshare thead').innerText(), /Week\s+Joins\s+In quiet hours\s+Share/);
            assert.deepEqual(await axe(s), []);
        });

    });
});
