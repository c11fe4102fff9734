/* stats.test.mjs: the coordinators' statistics page (/stats/) in Debian's
 * Chromium against a real chatd: a few visitors make known numbers, then the
 * page (logged in as a coordinator) must show them in the heatmap cell of
 * their weekday and hour, the answer rate, the distributions and the totals,
 * and hand out a CSV with chatadmin's columns. A worker is turned away, a
 * reload keeps the session, logging out revokes the token. Screenshots at
 * phone and desktop size; axe-core finds nothing serious. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import {
    ALICE, dumpServer, endHour, httpGet, request, startServer, step, terminateClients, visitorHello,
    workerLogin, workerOnDuty,
} from '../integration/harness.mjs';
import { axe, browser as sharedBrowser, downloadText, serviceClock, serviceDay, shot, until } from './lib.mjs';

const TZ = 'Europe/Helsinki';
const CORA = { user: 'cora', password: 'cora-password-1' };

function freePort() {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}


/* Weekday (Mon = 0) and hour of a bucket's hour in the service's zone, worked
 * out independently of the page (through a Date and Intl, not the text). */
function slot(iso) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
        timeZone: TZ, weekday: 'short', hour: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return { day: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday), hour: Number(parts.hour) };
}

async function login(page, who) {
    await page.fill('#login-user', who.user);
    await page.fill('#login-password', who.password);
    await page.click('#login-submit');
}

/* Errors the page itself reports: script errors, CSP refusals, failed loads
 * (the browser's own favicon request aside: chatd has none). */
function watch(page, into) {
    page.on('pageerror', (e) => into.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
        const url = m.location().url || '';
        if (m.type() === 'error' && !url.endsWith('/favicon.ico')) into.push(`console: ${m.text()} ${url}`);
    });
}

test('the statistics page shows what visitors did, in three languages, with a CSV', { timeout: 60000 }, async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const srv = await startServer({
        server: { listen_port: port, allowed_origins: base },
        topics: { youth: { queue_max: 5 }, night: { hours: 'never', title_en: 'Night chat', title_fi: 'Yöchat', title_sv: 'Nattchatten' } },
    });
    const contexts = [];
    try {
        const ua = await srv.admin(['user', 'add', CORA.user, '--role', 'coordinator', '--alias', 'Cora'], CORA.password);
        assert.equal(ua.code, 0, ua.stderr);

        await step('visitors: one answered (feedback 4), one left the queue, one refused closed', async () => {
            const w = await workerOnDuty(port, ['youth'], 1);
            const v1 = await visitorHello(port);
            await request(v1, { type: 'join', topic: 'youth' });
            const { chat } = await w.next('chat_started');
            await v1.next('chat_started');
            await request(v1, { type: 'msg', text: 'hei' });
            const v2 = await visitorHello(port);
            assert.equal((await request(v2, { type: 'join', topic: 'youth' })).type, 'queued');
            assert.equal((await request(v2, { type: 'leave' })).type, 'left');
            const v3 = await visitorHello(port);
            assert.equal((await request(v3, { type: 'join', topic: 'night' })).code, 'closed');
            await request(w, { type: 'end', chat });
            await v1.next('chat_ended');
            assert.equal((await request(v1, { type: 'feedback', chat, score: 4 })).type, 'ack');
            terminateClients();
        });

        /* the hour they came in ends: the page and the API have it from then
         * on, and say that the figures reach that hour's end */
        const now = await endHour(srv);
        const upTo = serviceClock(now * 1000 - (now % 3600) * 1000);
        /* The status line's end, with `said` the language's "figures up to
         * {upTo}". From 23:00 service time the hour that ends is the day's
         * last: the figures then reach the end of the period (today), and
         * the page rightly names no time ("Näytetään 1.12.2026–7.12.2026,
         * Kaikki aiheet."; a clean-clone run at 23:03 failed on that). */
        const statusEnd = (said) => (upTo === '00:00' ? /^[^:]*\.$/ : new RegExp(`: ${said}\\.$`));

        /* what the daemon says, to hold the page against */
        const cora = await workerLogin(port, CORA.user, CORA.password);
        const api = await httpGet(port, `/api/stats?from=${serviceDay()}&to=${serviceDay()}`, { Authorization: `Bearer ${cora.welcome.token}` });
        assert.equal(api.status, 200);
        const buckets = JSON.parse(api.body).buckets;
        terminateClients();
        const cells = new Map();
        for (const b of buckets) {
            const s = slot(b.hour);
            const k = `${s.day}/${s.hour}`;
            const c = cells.get(k) || { ...s, joins: 0, open: false };
            c.joins += b.joins;
            c.open ||= b.topic === 'youth'; /* always open; open_s itself grows while the test runs */
            cells.set(k, c);
        }
        assert.equal([...cells.values()].reduce((n, c) => n + c.joins, 0), 3, 'three joins in all');

        const browser = await sharedBrowser();
        const problems = [];
        /* a browser far from the service's zone: the page must not shift hours */
        const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fi-FI', timezoneId: 'America/Los_Angeles' });
        contexts.push(ctx);
        const page = await ctx.newPage();
        watch(page, problems);

        await step('a worker is turned away', async () => {
            await page.goto(`${base}/stats/`);
            await page.locator('#login-view').waitFor();
            assert.equal(await page.locator('html').getAttribute('lang'), 'fi');
            await login(page, ALICE);
            await page.locator('#errors').filter({ hasText: 'vain koordinaattoreille' }).waitFor();
            assert.ok(await page.locator('#login-view').isVisible());
            assert.equal(await page.evaluate(() => sessionStorage.getItem('stats.token')), null);
        });

        await step('the coordinator logs in and sees the numbers (Finnish)', async () => {
            await login(page, CORA);
            await page.locator('#fig-answer-rate').waitFor();
            assert.equal(await page.inputValue('#to'), serviceDay(), 'the period ends today in the service zone');
            assert.match(await page.locator('#fig-answer-rate .figure-value').innerText(), /^50\s?%$/);
            assert.match(await page.locator('#fig-answer-rate .figure-detail').innerText(), /1 vastattu, jonoon tuli 2/);
            assert.equal(await page.locator('#fig-joins .figure-value').innerText(), '3');
            assert.match(await page.locator('#whoami').innerText(), /Cora \(koordinaattori\)/);
            assert.match(await page.locator('#status').innerText(), statusEnd(`luvut klo ${upTo} asti`),
                'the running hour is not in the figures, and the page says where they end');
        });

        await step('the heatmap has the joins in their weekday and hour, open hours framed', async () => {
            assert.equal(await page.locator('#heatmap tbody tr').count(), 7);
            assert.equal(await page.locator('#heatmap tbody tr').first().locator('td').count(), 24);
            for (const c of cells.values()) {
                const td = page.locator(`#heatmap td[data-day="${c.day}"][data-hour="${c.hour}"]`);
                assert.equal(await td.locator('.heat-n').innerText(), String(c.joins), `cell ${c.day}/${c.hour}`);
                assert.equal(/\bheat-open\b/.test(await td.getAttribute('class')), c.open, `open mark of ${c.day}/${c.hour}`);
            }
            assert.equal(await page.locator('#heatmap .heat-n').count(), cells.size, 'no joins anywhere else');
            const rowHead = await page.locator('#heatmap tbody tr').nth([...cells.values()][0].day).locator('th').innerText();
            assert.ok(rowHead.length > 0);
        });

        await step('unmet demand, distributions and per-topic totals', async () => {
            const unmet = await page.locator('#unmet tbody tr td:nth-of-type(1)').allInnerTexts();
            assert.equal(unmet.map(Number).reduce((a, b) => a + b, 0), 2, `unmet ${unmet}`);
            const row0 = page.locator('#waits tbody tr').first();
            assert.match(await row0.locator('td').nth(0).innerText(), /^1 \(100\s?%\)/);
            assert.match(await row0.locator('td').nth(1).innerText(), /^1 \(100\s?%\)/);
            const fb4 = page.locator('#feedback tbody tr').nth(1);
            assert.equal(await fb4.locator('th').innerText(), '4');
            assert.match(await fb4.locator('td').innerText(), /^1 /);
            assert.match(await page.locator('#fb-summary').innerText(), /4,0/);
            const perTopic = (measure, topic) => page.locator(`#per-topic tr[data-measure="${measure}"] td[data-topic="${topic}"]`).innerText();
            const youth = [];
            for (const m of ['joins', 'queued', 'answered', 'answer_rate', 'abandoned']) youth.push((await perTopic(m, 'youth')).replace(/\s/g, ' '));
            assert.deepEqual(youth, ['2', '2', '1', '50 %', '1']);
            assert.equal(await perTopic('refused_closed', 'night'), '1');
            assert.equal(await perTopic('refused_cutoff', 'night'), '0', 'the cut-off has a row of its own');
            assert.match(await page.locator('#fig-refused .figure-detail').innerText(),
                /^1 suljettuna, 0 jono täynnä, 0 viimeisen aloitusajan jälkeen$/);
            assert.equal(await page.locator('#per-topic thead th[data-topic="night"]').innerText(), 'Yöchat');
            assert.equal(await page.locator('#per-topic tr[data-measure="joins"] td.total').innerText(), '3');
        });

        await step('English and Swedish', async () => {
            await page.selectOption('#lang', 'en');
            assert.equal(await page.locator('#fig-answer-rate .figure-value').innerText(), '50%');
            assert.equal(await page.locator('#fig-answer-rate dt').innerText(), 'Answer rate');
            assert.equal(await page.locator('#per-topic thead th[data-topic="night"]').innerText(), 'Night chat');
            assert.match(await page.locator('#status').innerText(), statusEnd(`figures up to ${upTo}`));
            await page.selectOption('#lang', 'sv');
            assert.match(await page.locator('#status').innerText(), statusEnd(`siffror fram till kl\\. ${upTo}`));
            assert.equal(await page.locator('#fig-answer-rate dt').innerText(), 'Svarsandel');
            assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
            await page.selectOption('#lang', 'en');
        });

        await step('the CSV download has chatadmin\'s columns and every bucket', async () => {
            const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
            assert.match(dl.suggestedFilename(), /^chatd-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
            const lines = (await downloadText(dl)).trim().split('\n');
            assert.match(lines[0], /^topic,hour,open_s,/);
            const cli = await srv.admin(['stats', '--from', serviceDay(), '--to', serviceDay(), '--format', 'csv']);
            assert.equal(cli.code, 0, cli.stderr);
            assert.equal(lines[0], cli.stdout.split('\n')[0], 'same header as chatadmin stats');
            assert.equal(lines.length, 1 + buckets.length);
            const joinsCol = lines[0].split(',').indexOf('joins');
            assert.equal(lines.slice(1).reduce((n, l) => n + Number(l.split(',')[joinsCol]), 0), 3);
        });

        await step('a topic filter narrows everything', async () => {
            await page.selectOption('#topic', 'night');
            await page.click('#show');
            await page.locator('#status').filter({ hasText: 'Night chat' }).waitFor();
            assert.equal(await page.locator('#fig-joins .figure-value').innerText(), '1');
            assert.equal(await page.locator('#fig-answer-rate .figure-value').innerText(), '–');
            assert.equal(await page.locator('#per-topic thead th').count(), 1, 'one topic, no total column');
            await page.selectOption('#topic', '');
            await page.click('#show');
            await page.locator('#status').filter({ hasText: 'All topics' }).waitFor();
            await page.fill('#from', '2026-12-31');
            await page.fill('#to', '2026-01-01');
            await page.click('#show');
            await page.locator('#errors').filter({ hasText: 'must not be after' }).waitFor();
            assert.equal(await page.evaluate(() => document.activeElement.id), 'from');
            await page.fill('#from', serviceDay());
            await page.fill('#to', serviceDay());
            await page.click('#show');
            await page.locator('#errors').filter({ hasText: /\S/ }).waitFor({ state: 'hidden' });
            assert.equal(await page.locator('#fig-joins .figure-value').innerText(), '3');
        });

        await step('desktop screenshot, axe', async () => {
            await shot(page, 'stats-desktop');
            assert.deepEqual(await axe(page), []);
        });

        await step('a reload keeps the session; logging out revokes the token, and only the page\'s', async () => {
            await page.reload();
            await page.locator('#fig-answer-rate').waitFor();
            assert.ok(await page.locator('#login-view').isHidden());
            const token = await page.evaluate(() => sessionStorage.getItem('stats.token'));
            assert.ok(token);
            const console_ = await workerLogin(port, CORA.user, CORA.password); /* her console tab */
            await page.click('#logout');
            await page.locator('#login-view').waitFor();
            assert.equal(await page.evaluate(() => sessionStorage.getItem('stats.token')), null);
            await until(async () => (await httpGet(port, `/api/stats?from=${serviceDay()}&to=${serviceDay()}`,
                { Authorization: `Bearer ${token}` })).status === 401, { what: 'the token is revoked' });
            assert.equal((await request(console_, { type: 'ping' })).type, 'pong', 'the console tab goes on');
            assert.equal(console_.closeInfo, null);
            assert.deepEqual(await axe(page), [], 'login view');
        });

        await step('phone: Swedish, screenshot, axe', async () => {
            const pctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-FI', timezoneId: TZ });
            contexts.push(pctx);
            const phone = await pctx.newPage();
            watch(phone, problems);
            await phone.goto(`${base}/stats/`);
            await phone.fill('#login-user', CORA.user);
            await phone.fill('#login-password', CORA.password);
            await phone.press('#login-password', 'Enter'); /* the keyboard way */
            await phone.locator('#fig-answer-rate').waitFor();
            assert.match(await phone.locator('#fig-answer-rate .figure-value').innerText(), /^50\s?%$/);
            const scroll = await phone.locator('#heatmap').evaluate((t) => {
                const r = t.parentElement;
                return { scrolls: r.scrollWidth > r.clientWidth, tab: r.getAttribute('tabindex'), page: document.documentElement.scrollWidth };
            });
            assert.deepEqual(scroll, { scrolls: true, tab: '0', page: 390 }, 'the heatmap scrolls inside its box, not the page');
            await shot(phone, 'stats-phone', { fullPage: false });
            await phone.evaluate(() => document.getElementById('heat-heading').scrollIntoView());
            await shot(phone, 'stats-phone-heatmap', { fullPage: false });
            await shot(phone, 'stats-phone-full');
            assert.deepEqual(await axe(phone), []);
        });

        assert.deepEqual(problems, [], 'no script errors or CSP refusals');
    } catch (e) {
        dumpServer(srv, e);
        throw e;
    } finally {
        await Promise.all(contexts.map((c) => c.close().catch(() => {})));
        terminateClients();
        await srv.cleanup();
    }
});
