/* wrapup.test.mjs: the console's wrap-up form (contract v2 §4, issue 17.3)
 * in Debian's Chromium against a real chatd. When the worker's part of a
 * chat ends the form opens in the chat's panel with the focus on it: the
 * kind as radio buttons, the welcome's categories as checkboxes in the
 * page's language, a countdown to `until`; keys alone fill it in and Enter
 * sends it, and the daemon counts it. When the countdown ends the form
 * closes with a note. A tab that logs in while a wrap-up is pending gets
 * the form too; a closed panel keeps its form; sent in one tab, the other
 * says it can no longer be sent. axe finds nothing serious; screenshots in
 * screenshots/. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT, addWorker, httpGet, request, step, visitorHello, workerLogin } from '../integration/harness.mjs';
import {
    axe, chatPanel, consoleLogin, daemon, endChat, endedDays, layoutProblems, shot, until,
} from './lib.mjs';

const LAPTOP = { width: 1366, height: 768 };
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TOPICS = {
    youth: { wrapup_s: 90 },
    parents: { audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat', wrapup_s: 40 },
};
const KINDS = ['Counselling', 'Information', 'Silent', 'Test', 'Prank', 'Abusive'];

const focused = (p) => p.evaluate(() => document.activeElement && document.activeElement.id);

/* A visitor in topic, chatting with the console c: its panel. */
async function chatIn(srv, c, topic = 'youth', n = 0) {
    const v = await visitorHello(srv.port, { lang: 'en' });
    assert.equal((await request(v, { type: 'join', topic })).type, 'queued');
    const panel = chatPanel(c, n);
    await panel.waitFor();
    return { v, panel };
}

/* Keepalive that an hour of chatd's time in one step (endHour) does not
 * end: the pages are pinged then, not hung up. */
const HOUR_PROOF = { ping_interval_s: 3600, idle_timeout_s: 7200 };

/* The summed counters of today's buckets, as /api/stats has them. */
async function counts(srv) {
    if (!srv.statsToken) {
        await addWorker(srv, CORA, 'coordinator');
        srv.statsToken = (await workerLogin(srv.port, CORA.user, CORA.password)).welcome.token;
    }
    const { from, to } = await endedDays(srv); /* the API holds ended hours only */
    const r = await httpGet(srv.port, `/api/stats?from=${from}&to=${to}`, { authorization: `Bearer ${srv.statsToken}` });
    assert.equal(r.status, 200, r.body);
    const sum = {};
    for (const b of JSON.parse(r.body).buckets) {
        for (const [k, v] of Object.entries(b)) if (typeof v === 'number') sum[k] = (sum[k] || 0) + v;
    }
    return sum;
}

test('the wrap-up after a chat: focus on it, keys alone, Enter sends, the daemon counts it', { timeout: 90000 }, async () => {
    await daemon({ topics: TOPICS, server: HOUR_PROOF }, async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(LAPTOP), base, { topics: ['youth'] });
        const { panel } = await chatIn(srv, c);
        const form = panel.locator('form.wrapup-form');

        await step('the worker ends the chat by keyboard: the form opens, focused', async () => {
            await panel.locator('button.chat-end').focus();
            await c.keyboard.press('Enter');
            /* it asks once, with "Yes" focused */
            await panel.locator('.chat-end-confirm').waitFor();
            await c.waitForFunction(() => document.activeElement.classList.contains('chat-end-yes'));
            await c.keyboard.press('Enter');
            await form.waitFor();
            assert.equal(await form.locator('.wrapup-title').textContent(), 'Wrap-up');
            assert.deepEqual(await form.locator('.wrapup-kinds label').allTextContents(), KINDS);
            assert.deepEqual(await form.locator('.wrapup-cats label').allTextContents(), ['Family and home',
                'Violence and abuse', 'Mental health', 'Self-harm and suicidal thoughts', 'Peer relations and bullying',
                'School', 'Sexuality and relationships', 'Body and health', 'Substance use', 'Loneliness', 'Other']);
            await c.waitForFunction(() => document.activeElement && document.activeElement.type === 'radio');
            assert.match(await focused(c), /-kind-counselling$/);
            assert.equal(await form.locator('input:checked').count(), 0, 'nothing chosen for the worker');
        });

        await step('a visible countdown to until', async () => {
            const left = form.locator('.wrapup-left');
            const first = await left.textContent();
            assert.match(first, /^Time left: 1 min \d\d s$/);
            await c.waitForFunction((was) => document.querySelector('.wrapup-left').textContent !== was, first);
            assert.match(await left.textContent(), /^Time left: 1 min \d\d s$/);
            assert.deepEqual(await axe(c), []);
            assert.deepEqual(await c.evaluate(layoutProblems), []);
            await shot(panel, 'wrapup-form-1366');
        });

        await step('Enter without a kind: said, and the focus goes to the kinds', async () => {
            await c.keyboard.press('Enter');
            await form.locator('.wrapup-error').filter({ hasText: 'Choose what kind of contact it was.' }).waitFor();
            assert.match(await focused(c), /-kind-counselling$/);
            assert.deepEqual(await axe(c), []);
        });

        await step('arrows choose the kind, Tab and Space tick categories, Enter sends', async () => {
            await c.keyboard.press('ArrowDown');
            assert.deepEqual(await form.locator('.wrapup-kinds input:checked').evaluateAll((e) => e.map((x) => x.value)), ['information']);
            await c.keyboard.press('Tab');
            assert.match(await focused(c), /-cat-family$/);
            await c.keyboard.press('Space');
            for (let i = 0; i < 5; i++) await c.keyboard.press('Tab');
            assert.match(await focused(c), /-cat-school$/);
            await c.keyboard.press('Space');
            await c.keyboard.press('Enter');
            const note = panel.locator('.wrapup-note');
            await note.waitFor();
            assert.equal(await note.textContent(), 'Wrap-up sent. Thank you.');
            assert.equal(await form.count(), 0, 'the form is gone');
            assert.equal(await c.evaluate(() => document.activeElement.className), 'wrapup-note wrapup-done');
        });

        await step('counted: the kind and both categories, nothing per chat', async () => {
            const n = await counts(srv);
            assert.equal(n.wrapups, 1);
            assert.equal(n.kind_information, 1);
            assert.equal(n.kind_counselling, 0);
            assert.equal(n.cat_family, 1);
            assert.equal(n.cat_school, 1);
            assert.equal(n.cat_other, 0);
        });

        await step('in Finnish and Swedish: kinds from the page, categories from the welcome', async () => {
            const { panel: p2 } = await chatIn(srv, c, 'youth', 1);
            await endChat(p2);
            const f2 = p2.locator('form.wrapup-form');
            await f2.waitFor();
            await c.selectOption('#lang', 'fi');
            assert.equal(await f2.locator('.wrapup-title').textContent(), 'Yhteenveto');
            assert.equal(await f2.locator('.wrapup-kinds legend').textContent(), 'Millainen yhteydenotto oli?');
            /* one label per kind on every page: the statistics page's words */
            const fi = JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', 'fi.json'), 'utf8')).strings;
            assert.deepEqual(await f2.locator('.wrapup-kinds label').allTextContents(),
                ['counselling', 'information', 'silent', 'test', 'prank', 'abusive'].map((k) => fi[`s.kind.${k}`]));
            assert.equal(await f2.locator('.wrapup-cats [data-category="school"] label').textContent(), 'Koulu');
            assert.match(await f2.locator('.wrapup-left').textContent(), /^Aikaa jäljellä: /);
            assert.deepEqual(await c.evaluate(layoutProblems), []);
            await shot(p2, 'wrapup-form-fi', { fullPage: false });
            await c.selectOption('#lang', 'sv');
            assert.equal(await f2.locator('.wrapup-cats [data-category="school"] label').textContent(), 'Skolan');
            assert.equal(await f2.locator('.wrapup-send').textContent(), 'Skicka sammanfattning');
            await c.selectOption('#lang', 'en');
        });
    });
});

test('the countdown runs out: the form closes with a note', { timeout: 60000 }, async () => {
    await daemon({ topics: TOPICS, server: HOUR_PROOF }, async ({ srv, base, page }) => {
        /* the page's clock and chatd's are moved on by the test: 40 s pass in none */
        const p = await page(LAPTOP);
        await p.clock.install();
        const c = await consoleLogin(p, base, { topics: ['parents'] });
        const { v, panel } = await chatIn(srv, c, 'parents');
        v.send({ type: 'leave' });
        const form = panel.locator('form.wrapup-form');
        await form.waitFor();
        assert.match(await form.locator('.wrapup-left').textContent(), /^Time left: (40|39) s$/);
        await c.clock.runFor(20000);
        assert.match(await form.locator('.wrapup-left').textContent(), /^Time left: (20|19) s$/);
        await srv.advance(41);
        await c.clock.runFor(21000);
        await form.waitFor({ state: 'detached' });
        assert.equal(await panel.locator('.wrapup-note').textContent(), 'The time for the wrap-up ran out, so it was not sent.');
        /* the page closes the form on its own clock; the daemon counts the period on its own */
        const n = await until(async () => {
            const x = await counts(srv);
            return x.wrapups > 0 && x;
        }, { what: 'the run-out wrap-up counted' });
        assert.equal(n.wrapups, 1, 'the period is counted');
        assert.equal(n.kind_counselling + n.kind_information + n.kind_silent + n.kind_test + n.kind_prank + n.kind_abusive, 0);
        assert.deepEqual(await axe(c), []);
    });
});

test('a pending wrap-up reaches a new tab; a closed panel keeps its form; sent in one tab, the other says so', { timeout: 90000 }, async () => {
    await daemon({ topics: TOPICS, server: HOUR_PROOF }, async ({ srv, base, page }) => {
        const c1 = await consoleLogin(await page(LAPTOP), base, { topics: ['youth'] });
        const { panel } = await chatIn(srv, c1);
        const id = await panel.getAttribute('data-chat');
        await endChat(panel);
        await panel.locator('form.wrapup-form').waitFor();

        const c2 = await consoleLogin(await page(LAPTOP), base, { topics: null });
        const alone = c2.locator(`#wrapups section[data-wrapup-chat="${id}"]`);
        await step('the new tab gets the form in a panel of its own', async () => {
            await alone.locator('form.wrapup-form').waitFor();
            /* named by the chat's label where the page knows it, never by its random id */
            assert.match(await alone.locator('.wrapup-title').textContent(), /^Wrap-up( of chat #\d+)?$/);
            assert.ok(!(await alone.innerText()).includes(id), 'the chat id is not shown');
            assert.ok(!(await alone.locator('.wrapup-close').getAttribute('aria-label')).includes(id));
            assert.equal(await alone.getAttribute('aria-labelledby'), await alone.locator('h3.wrapup-title').getAttribute('id'));
            assert.deepEqual(await axe(c2), []);
            await shot(alone, 'wrapup-standalone', { fullPage: false });
        });

        await step('closing the chat panel keeps the form', async () => {
            await panel.locator('.wrapup-kinds input[value="silent"]').check();
            await panel.locator('button.chat-close').click();
            await panel.waitFor({ state: 'detached' });
            const kept = c1.locator(`#wrapups section[data-wrapup-chat="${id}"]`);
            await kept.locator('form.wrapup-form').waitFor();
            assert.ok(await kept.locator('input[value="silent"]').isChecked(), 'what was chosen stays');
            await kept.locator('input[value="silent"]').press('Enter');
            await kept.locator('.wrapup-note').filter({ hasText: 'Wrap-up sent. Thank you.' }).waitFor();
            await kept.locator('.wrapup-close').click();
            await kept.waitFor({ state: 'detached' });
        });

        await step('the other tab: sending again is refused, and said', async () => {
            await alone.locator('input[value="test"]').check();
            await alone.locator('.wrapup-send').click();
            await alone.locator('.wrapup-note').filter({
                hasText: 'The wrap-up can no longer be sent: it was sent already or its time ran out.',
            }).waitFor();
            assert.equal(await alone.locator('form').count(), 0);
            const n = await counts(srv);
            assert.equal(n.kind_silent, 1);
            assert.equal(n.kind_test, 0, 'counted once');
        });
    });
});
