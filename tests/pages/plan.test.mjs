/* plan.test.mjs: the statistics page's "When to open" view (contract v2 §6)
 * in Debian's Chromium against a real chatd holding the example four weeks
 * (config/example-stats.csv, imported with chatadmin). The view opens with
 * the answered contacts a week from GET /api/plan (now, placed better, full
 * plan) and the week's contacts; the ranked hours follow gain_per_slot; a
 * cell that needs more slots than it had says so in text; a new target,
 * typed with the keyboard only, asks again and shows the new numbers; labels
 * in English, Finnish and Swedish; axe-core finds nothing serious; a token of
 * a worker gets a clear message. Screenshots in en and fi, desktop and a
 * 360 px phone. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, addWorker, httpGet, step, workerLogin } from '../integration/harness.mjs';
import { DESKTOP, axe, daemon, layoutProblems, shot } from './lib.mjs';

const EXAMPLE = path.join(REPO, 'config', 'example-stats.csv');
const FROM = '2026-10-26';
const TO = '2026-11-22';
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TOPICS = {
    youth: {},
    parents: { audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
};
const PHONE360 = { width: 360, height: 780 };
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

async function apiPlan(port, token, extra = '') {
    const r = await httpGet(port, `/api/plan?from=${FROM}&to=${TO}&redistribute=1${extra}`, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200, r.body);
    return JSON.parse(r.body);
}

/* The headline's numbers as the page should say them. */
function headline(plan) {
    const all = plan.hours.reduce((n, r) => n + r.arrivals_per_h, 0);
    const a = plan.answered_per_week;
    return `With the same staff hours placed better, about ${Math.round(a.redistributed)} of the ~${Math.round(all)} ` +
        `contacts a week would be answered instead of ${Math.round(a.now)}; with the full plan, ${Math.round(a.planned)}.`;
}

/* Presses Tab until selector has the focus (the keyboard way there). */
async function tabTo(p, selector, max = 60) {
    for (let i = 0; i < max; i++) {
        if (await p.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
        await p.keyboard.press('Tab');
    }
    assert.fail(`${selector} not reached with Tab`);
}

async function showPeriod(p) {
    await p.fill('#from', FROM);
    await p.fill('#to', TO);
    await p.click('#show');
    await p.locator('#results[aria-busy="false"]').waitFor();
}

test('the plan view: headline, ranked hours, slots had vs needed, a new target; three languages', { timeout: 120000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        const imp = await srv.admin(['stats', 'import', EXAMPLE]);
        assert.equal(imp.code, 0, imp.stderr);
        await addWorker(srv, CORA, 'coordinator');
        const cora = await workerLogin(srv.port, CORA.user, CORA.password);
        const plan = await apiPlan(srv.port, cora.welcome.token);
        const stricter = await apiPlan(srv.port, cora.welcome.token, '&target_share=0.9&target_wait_s=120');
        assert.notEqual(Math.round(stricter.answered_per_week.planned), Math.round(plan.answered_per_week.planned),
            'the stricter target changes the full plan, so the page must show a new number');

        const p = await page(DESKTOP, { locale: 'en-GB', timezoneId: 'America/New_York' });
        await step('log in and choose the four weeks with the keyboard only', async () => {
            await p.goto(`${base}/stats/`);
            await tabTo(p, '#login-user');
            await p.keyboard.type(CORA.user);
            await p.keyboard.press('Tab');
            await p.keyboard.type(CORA.password);
            await p.keyboard.press('Enter');
            await p.locator('#plan-headline').filter({ hasText: /contacts a week|nothing to plan/ }).waitFor();
            await p.fill('#from', FROM);
            await p.fill('#to', TO);
            await tabTo(p, '#show');
            await p.keyboard.press('Enter');
            await p.locator('#plan-headline').filter({ hasText: `~${Math.round(plan.hours.reduce((n, r) => n + r.arrivals_per_h, 0))} ` }).waitFor();
        });

        await step('the headline says the numbers of answered_per_week and the week\'s contacts', async () => {
            assert.equal(await text(p.locator('#plan-headline')), headline(plan));
            /* the view opens with it: right under the section's heading */
            assert.equal(await p.evaluate(() => document.querySelector('#plan-heading').nextElementSibling.id), 'plan-headline');
        });

        await step('the ranked list follows gain_per_slot, ten hours, few data marked', async () => {
            const want = plan.hours.filter((r) => r.gain_per_slot > 0)
                .sort((a, b) => b.gain_per_slot - a.gain_per_slot || a.dow - b.dow || a.hour - b.hour).slice(0, 10);
            const items = p.locator('#plan-gain li');
            assert.equal(await items.count(), 10);
            const got = await items.evaluateAll((lis) => lis.map((li) => `${li.dataset.topic}/${li.dataset.dow}/${li.dataset.hour}`));
            assert.deepEqual(got, want.map((r) => `${r.topic}/${r.dow}/${r.hour}`));
            const gains = want.map((r) => r.gain_per_slot);
            assert.deepEqual(gains, [...gains].sort((a, b) => b - a));
            const first = await text(items.first());
            const r0 = want[0];
            const h = String(r0.hour).padStart(2, '0');
            const h1 = String((r0.hour + 1) % 24).padStart(2, '0');
            assert.ok(first.startsWith(`${DAYS[r0.dow - 1]} ${h}–${h1} · Youth chat · +${r0.gain_per_slot.toFixed(1)} answered contacts a week`), first);
            for (const [i, r] of want.entries()) {
                assert.equal(/few data/.test(await text(items.nth(i))), r.thin, `row ${i} few data`);
            }
        });

        await step('per topic a weekday × hour table: had / needed, proposed, more than it had in words', async () => {
            assert.deepEqual(await p.locator('#plan-grids table').evaluateAll((ts) => ts.map((x) => x.dataset.topic)), ['youth', 'parents']);
            const more = plan.hours.find((r) => r.topic === 'youth' && r.slots_needed > r.slots_had && r.slots_had > 0);
            assert.ok(more, 'the example has an hour that needs more than it had');
            const td = p.locator(`#plan-grids table[data-topic="youth"] td[data-day="${more.dow - 1}"][data-hour="${more.hour}"]`);
            const said = await td.textContent();
            assert.match(said, /▲/);
            assert.ok(said.includes(`had ${more.slots_had} slots, needs ${more.slots_needed}: more than it had`), said);
            assert.ok(said.includes(`proposed ${more.slots_proposed}`), said);
            const enough = plan.hours.find((r) => r.topic === 'youth' && r.slots_needed <= r.slots_had);
            const ok = await p.locator(`#plan-grids table[data-topic="youth"] td[data-day="${enough.dow - 1}"][data-hour="${enough.hour}"]`).textContent();
            assert.doesNotMatch(ok, /▲|more than it had/);
            const marked = await p.locator('#plan-grids td[data-more]').count();
            assert.equal(marked, plan.hours.filter((r) => r.slots_needed > r.slots_had).length);
            assert.match(await p.locator('#plan-grids caption').first().textContent(), /^Youth chat: chat slots had \/ needed/);
            assert.equal(await p.locator('#plan-grids thead th[scope="col"]').count(), 2 * 25);
            assert.equal(await p.locator('#plan-grids tbody th[scope="row"]').count(), 2 * 7);
        });

        await step('the defaults are 80 % within 5 min; a new target typed asks again', async () => {
            assert.equal(await p.inputValue('#plan-share'), '80');
            assert.equal(await p.inputValue('#plan-wait'), '5');
            assert.equal(await p.locator('label[for="plan-share"]').innerText(), 'Share answered (%)');
            assert.equal(await p.locator('label[for="plan-wait"]').innerText(), 'within (minutes)');
            await tabTo(p, '#plan-share');
            await p.keyboard.press('Control+A');
            await p.keyboard.type('90');
            await p.keyboard.press('Tab');
            await p.keyboard.press('Control+A');
            await p.keyboard.type('2');
            await p.keyboard.press('Enter');
            await p.locator('#plan-headline').filter({ hasText: headline(stricter) }).waitFor();
        });

        await step('axe-core finds nothing serious; nothing overflows', async () => {
            assert.deepEqual(await axe(p), []);
            assert.deepEqual(await p.evaluate(layoutProblems), []);
        });

        await step('labels in Finnish and Swedish', async () => {
            await p.selectOption('#lang', 'fi');
            assert.equal(await text(p.locator('#plan-heading')), 'Milloin olla auki');
            assert.match(await text(p.locator('#plan-headline')), /^Kun samat päivystystunnit sijoitetaan paremmin, noin \d+ viikon noin \d+ yhteydenotosta/);
            assert.equal(await p.locator('label[for="plan-share"]').innerText(), 'Vastattujen osuus (%)');
            assert.match(await text(p.locator('#plan-gain li').first()), /^ma \d\d–\d\d · Nuorten chat · \+\d+,\d vastattua yhteydenottoa viikossa/);
            await p.selectOption('#lang', 'sv');
            assert.equal(await text(p.locator('#plan-heading')), 'När chatten ska vara öppen');
            assert.match(await text(p.locator('#plan-headline')), /^Med samma jourtimmar bättre placerade skulle cirka \d+ av de ~\d+ kontakterna/);
            assert.equal(await p.locator('label[for="plan-wait"]').innerText(), 'inom (minuter)');
            await p.selectOption('#lang', 'en');
        });

        await step('screenshots: en and fi on a desktop, en on a 360 px phone', async () => {
            await p.fill('#plan-share', '80');
            await p.fill('#plan-wait', '5');
            await p.click('#plan-update');
            await p.locator('#plan-headline').filter({ hasText: headline(plan) }).waitFor();
            await shot(p, 'plan-en');
            await p.selectOption('#lang', 'fi');
            await shot(p, 'plan-fi');
            const phone = await page(PHONE360, { locale: 'en-GB' });
            await phone.goto(`${base}/stats/`);
            await phone.fill('#login-user', CORA.user);
            await phone.fill('#login-password', CORA.password);
            await phone.press('#login-password', 'Enter');
            await phone.locator('#plan-headline').filter({ hasText: /contacts a week|nothing to plan/ }).waitFor();
            await showPeriod(phone);
            await phone.locator('#plan-headline').filter({ hasText: headline(plan) }).waitFor();
            assert.deepEqual(await phone.evaluate(layoutProblems), []);
            await shot(phone, 'plan-phone-en');
        });
    });
});

test('a worker\'s token gets a clear message, not a plan', { timeout: 60000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, browser }) => {
        const alice = await workerLogin(srv.port);
        const r = await httpGet(srv.port, `/api/plan?from=${FROM}&to=${TO}`, { Authorization: `Bearer ${alice.welcome.token}` });
        assert.equal(r.status, 403);
        /* a context of its own: the 403s are what this test expects */
        const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
        try {
            const p = await ctx.newPage();
            /* the token goes into the tab's storage on a page of the daemon that runs
             * no script: a statistics page already open could pick it up and drop it
             * (a 403) before the reload */
            await p.goto(`${base}/favicon.svg`);
            await p.evaluate((tok) => sessionStorage.setItem('stats.token', tok), alice.welcome.token);
            const plans = [];
            p.on('response', (x) => { if (x.url().includes('/api/plan')) plans.push(x.status()); });
            await p.goto(`${base}/stats/`);
            await p.locator('#errors').filter({ hasText: /coordinator/i }).waitFor();
            assert.match(await text(p.locator('#errors')), /only for coordinators and admins/);
            assert.ok(await p.locator('#login-user').isVisible(), 'back at the login form');
            assert.ok(await p.locator('#results').isHidden(), 'no plan shown');
            assert.equal(await text(p.locator('#plan-headline')), '');
            assert.ok(plans.every((s) => s === 403), `plan answers ${plans}`);
        } finally {
            await ctx.close();
        }
    });
});
