/* hours.test.mjs: the statistics page's opening hours editor (contract v3
 * §5) in Debian's Chromium against a real chatd. Logged in as a
 * coordinator, the page shows the next eight weeks per topic; an exception
 * added with the keyboard only (closed, with a note; extra hours on a day
 * that is usually closed) shows in its day: the word and the mark, the
 * usual hours struck through, the note; GET /api/hours and /api/status
 * agree; Remove, reached with Tab and pressed with Enter, takes it away
 * and leaves the focus on the section. Labels in en, fi and sv; axe-core
 * finds nothing serious at desktop size and on a 390 px phone, where
 * nothing overflows. Screenshots of each. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addWorker, httpGet, step, workerLogin } from '../integration/harness.mjs';
import { DESKTOP, PHONE, axe, daemon, layoutProblems, shot } from './lib.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TOPICS = {
    youth: { hours: 'mon-fri 09:00-21:00' },
    parents: { audience: 'parent', hours: 'mon-thu 17:00-20:00', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
};

const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

/* Presses Tab until selector has the focus (the keyboard way there). */
async function tabTo(p, selector, max = 400) {
    for (let i = 0; i < max; i++) {
        if (await p.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
        await p.keyboard.press('Tab');
    }
    assert.fail(`${selector} not reached with Tab`);
}

/* The first date on or after from (YYYY-MM-DD) that falls on weekday (0 = Sunday), at least `after` days on. */
function nextWeekday(from, weekday, after = 1) {
    const d = new Date(`${from}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + after);
    while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
}

async function login(p, base) {
    await p.goto(`${base}/stats/`);
    await tabTo(p, '#login-user');
    await p.keyboard.type(CORA.user);
    await p.keyboard.press('Tab');
    await p.keyboard.type(CORA.password);
    await p.keyboard.press('Enter');
    await p.locator('#hours-calendars table[data-topic="parents"]').waitFor();
}

/* Types a date into a focused <input type=date> of an en-US page: mm dd yyyy. */
async function typeDate(p, ymd) {
    const [y, m, d] = ymd.split('-');
    await p.keyboard.type(`${m}${d}${y}`);
}

test('the hours editor: eight weeks per topic, exceptions added and removed with the keyboard', { timeout: 120000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        await addWorker(srv, CORA, 'coordinator');
        const cora = await workerLogin(srv.port, CORA.user, CORA.password);
        const auth = { Authorization: `Bearer ${cora.welcome.token}` };
        const cal = JSON.parse((await httpGet(srv.port, '/api/hours', auth)).body).calendar;
        const wednesday = nextWeekday(cal.from, 3);
        const sunday = nextWeekday(cal.from, 0, 2);

        const p = await page(DESKTOP, { locale: 'en-US', timezoneId: 'Europe/Helsinki' });
        await step('log in: a calendar per topic, a row per week, the regular hours in each day', async () => {
            await login(p, base);
            assert.equal(await text(p.locator('#hours-heading')), 'Opening hours: the next eight weeks');
            assert.deepEqual(await p.locator('#hours-calendars table').evaluateAll((ts) => ts.map((x) => x.dataset.topic)), ['youth', 'parents']);
            const weds = p.locator(`table[data-topic="youth"] td[data-date="${wednesday}"]`);
            assert.match(await text(weds), /09:00–21:00$/);
            assert.match(await text(p.locator(`table[data-topic="youth"] td[data-date="${sunday}"]`)), /closed$/);
            assert.ok(await p.locator('table[data-topic="youth"] tbody tr').count() >= 8);
            assert.equal(await p.locator('#hours-none').isVisible(), true);
        });

        await step('add with the keyboard: youth closed on a Wednesday, with a note', async () => {
            await tabTo(p, '#hours-topic');
            await tabTo(p, '#hours-date');
            await typeDate(p, wednesday);
            await tabTo(p, '#hours-kind-closed'); /* checked by default */
            assert.equal(await p.isChecked('#hours-kind-closed'), true);
            assert.equal(await p.inputValue('#hours-date'), wednesday);
            await tabTo(p, '#hours-note');
            await p.keyboard.type('Koulutusilta');
            await p.keyboard.press('Enter');
            await p.locator('#hours-status').filter({ hasText: 'Saved: Youth chat' }).waitFor();
            const cell = p.locator(`table[data-topic="youth"] td[data-date="${wednesday}"]`);
            await cell.locator('.hours-remove').waitFor();
            const said = await text(cell);
            assert.match(said, /✕ Closed/);
            assert.match(said, /usually 09:00–21:00/);
            assert.match(said, /Koulutusilta/);
            assert.equal(await cell.locator('s.hours-was').count(), 1, 'the usual hours struck through');
            assert.equal(await cell.locator('.hours-remove').getAttribute('aria-label'), `Remove the exception of ${await p.evaluate((d) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(`${d}T00:00:00Z`)), wednesday)}, Youth chat`);
            const api = JSON.parse((await httpGet(srv.port, '/api/hours?topic=youth', auth)).body);
            assert.deepEqual(api.exceptions.map((x) => [x.date, x.closed, x.note]), [[wednesday, true, 'Koulutusilta']]);
        });

        await step('a refusal is said in the page\'s words, and goes once the form changes', async () => {
            await p.check('#hours-kind-open');
            await p.fill('#hours-from', '10:00');
            await p.fill('#hours-to', '10:00');
            await p.click('#hours-save');
            await p.locator('#hours-error').filter({ hasText: 'Give an opening and a closing time that differ.' }).waitFor();
            assert.equal(await p.evaluate(() => document.activeElement.id), 'hours-to');
            assert.equal(await text(p.locator('#hours-status')), '', 'no older "saved" beside the refusal');
            await p.keyboard.type('1100AM');
            assert.equal(await p.locator('#hours-error').isVisible(), false);
        });

        await step('add with the keyboard: parents open 12:00-16:00 on a Sunday (extra hours)', async () => {
            await tabTo(p, '#hours-topic');
            await p.keyboard.press('ArrowDown'); /* parents */
            assert.equal(await p.inputValue('#hours-topic'), 'parents');
            await p.keyboard.press('Tab');
            await typeDate(p, sunday);
            assert.equal(await p.inputValue('#hours-date'), sunday);
            await tabTo(p, '#hours-kind-open'); /* the checked radio of the group */
            await p.keyboard.press('Space');
            assert.equal(await p.isChecked('#hours-kind-open'), true);
            await tabTo(p, '#hours-from');
            await p.keyboard.type('1200PM');
            await tabTo(p, '#hours-to');
            await p.keyboard.type('0400PM');
            assert.deepEqual([await p.inputValue('#hours-from'), await p.inputValue('#hours-to')], ['12:00', '16:00']);
            await tabTo(p, '#hours-save');
            await p.keyboard.press('Enter');
            await p.locator('#hours-status').filter({ hasText: 'Saved: Parents chat' }).waitFor();
            const cell = p.locator(`table[data-topic="parents"] td[data-date="${sunday}"]`);
            await cell.locator('.hours-remove').waitFor();
            assert.match(await text(cell), /★ Extra hours 12:00–16:00/);
            assert.equal(await cell.locator('s').count(), 0, 'nothing usual to strike through on a closed day');
            assert.equal(await p.locator('#hours-none').isVisible(), false);
        });

        await step('axe-core finds nothing serious on a desktop; screenshot', async () => {
            assert.deepEqual(await axe(p), []);
            await p.locator('#hours-section').scrollIntoViewIfNeeded();
            await shot(p.locator('#hours-section'), 'hours-en');
            await shot(p, 'hours-page-en');
        });

        await step('labels in Finnish and Swedish', async () => {
            await p.selectOption('#lang', 'fi');
            assert.equal(await text(p.locator('#hours-heading')), 'Aukioloajat: seuraavat kahdeksan viikkoa');
            assert.match(await text(p.locator(`table[data-topic="youth"] td[data-date="${wednesday}"]`)), /✕ Suljettu .*tavallisesti 09:00–21:00 Koulutusilta Poista/);
            assert.equal(await p.locator('label[for="hours-note"]').innerText(), 'Huomautus (vapaaehtoinen)');
            await p.selectOption('#lang', 'sv');
            assert.equal(await text(p.locator('#hours-heading')), 'Öppettider: de kommande åtta veckorna');
            assert.match(await text(p.locator(`table[data-topic="parents"] td[data-date="${sunday}"]`)), /★ Extra tider 12:00–16:00/);
            await p.selectOption('#lang', 'en');
        });

        await step('remove with the keyboard: Tab to the button, Enter; the focus stays in the section', async () => {
            await p.locator('#hours-heading').focus();
            await tabTo(p, `table[data-topic="youth"] td[data-date="${wednesday}"] .hours-remove`);
            await p.keyboard.press('Enter');
            await p.locator('#hours-status').filter({ hasText: 'Removed the exception of' }).waitFor();
            await p.locator(`table[data-topic="youth"] td[data-date="${wednesday}"]:not([data-exception])`).waitFor();
            assert.equal(await p.evaluate(() => document.activeElement.id), 'hours-heading');
            assert.match(await text(p.locator(`table[data-topic="youth"] td[data-date="${wednesday}"]`)), /09:00–21:00$/);
            const api = JSON.parse((await httpGet(srv.port, '/api/hours', auth)).body);
            assert.deepEqual(api.exceptions.map((x) => [x.topic, x.date]), [['parents', sunday]]);
        });

        await step('a 390 px phone: axe-core finds nothing serious, nothing overflows; screenshot', async () => {
            const phone = await page(PHONE, { locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
            await login(phone, base);
            await phone.selectOption('#lang', 'fi');
            assert.deepEqual(await axe(phone), []);
            assert.deepEqual(await phone.evaluate(layoutProblems), []);
            await shot(phone.locator('#hours-section'), 'hours-phone-fi');
        });
    });
});
