/* exit_lang.test.mjs: quick exit (button and Esc) replaces the visitor page
 * with a neutral one and forgets the session; the language menu switches the
 * visible texts of both pages between Finnish, Swedish and English. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT } from '../integration/harness.mjs';
import { DESKTOP, PHONE, chatPanel, consoleLogin, daemon, visitorOpen, visitorSend } from './lib.mjs';

/* What sessionStorage held when the page started, before its scripts ran. */
const RECORD_START = () => {
    try { window.__startSession = sessionStorage.getItem('chat.session'); } catch { /* about:blank */ }
};

test('quick exit button: about:blank replaces the chat, the session is gone, the worker is told', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base);
        const v = await visitorOpen(await page(PHONE), base);
        await v.context().addInitScript(RECORD_START);
        await v.click('#topics [data-topic="youth"]');
        await chatPanel(c).waitFor();
        await visitorSend(v, 'someone is coming');
        const token = await v.evaluate(() => sessionStorage.getItem('chat.session'));
        assert.ok(token, 'a session while chatting');

        await v.click('#quick-exit');
        await v.waitForURL('about:blank');
        assert.equal(await v.evaluate(() => document.body.textContent), '');
        /* leaving was sent: the worker sees the end at once, not after the grace,
         * and that it was the quick exit (contract v3 §1) */
        await chatPanel(c).locator('.chat-log .msg-system')
            .filter({ hasText: 'The visitor left with the quick exit: they may not be safe to talk now.' }).waitFor();

        /* back in the same tab: nothing to resume */
        await v.goto(`${base}/`);
        assert.equal(await v.evaluate(() => window.__startSession), null, 'sessionStorage was cleared');
        await v.locator('#view-topics').waitFor();
        const fresh = await v.evaluate(() => sessionStorage.getItem('chat.session'));
        assert.notEqual(fresh, token);
        /* the chat page is not in the history either: quick exit replaced it */
        await v.goBack();
        assert.equal(v.url(), 'about:blank');
        await v.goBack();
        assert.notEqual(v.url(), `${base}/`, 'Back twice must not find the chat page');
    });
});

test('Esc goes to the configured neutral site from any view', { timeout: 60000 }, async () => {
    /* a copy of the pages whose quick exit points at a neutral site; the test
     * answers that address itself (lib.mjs), so nothing leaves the machine */
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-web-'));
    try {
        fs.cpSync(WEB_ROOT, root, { recursive: true });
        const index = path.join(root, 'index.html');
        const html = fs.readFileSync(index, 'utf8');
        assert.match(html, /data-exit-url="about:blank"/);
        fs.writeFileSync(index, html.replace('data-exit-url="about:blank"', 'data-exit-url="https://weather.example/today"'));
        await daemon({ server: { web_root: root }, foreignOk: true }, async ({ base, page, foreign, srv }) => {
            const v = await visitorOpen(await page(PHONE), base);
            await v.context().addInitScript(RECORD_START);
            await v.click('#topics [data-topic="youth"]');
            await v.locator('#view-queue').waitFor();
            await v.keyboard.press('Escape');
            await v.waitForURL('https://weather.example/today');
            assert.equal(await v.title(), 'Neutral');
            assert.deepEqual(foreign, ['https://weather.example/today'], 'only the exit navigation left the daemon');
            /* the queue place was given up, not kept for the grace */
            const status = await (await fetch(`${base}/api/status`)).json();
            assert.equal(status.topics[0].waiting, 0);
            await v.goto(`${base}/`);
            assert.equal(await v.evaluate(() => window.__startSession), null, 'sessionStorage was cleared');
            void srv;
        });
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
});

const VISITOR_TEXTS = {
    fi: { h1: 'Juttele kanssamme', topics: 'Valitse chat', exit: 'Poistu nopeasti', topic: 'Nuorten chat', state: 'Auki', label: 'Kieli', supervise: /^Ohjaaja voi lukea keskustelua/ },
    sv: { h1: 'Chatta med oss', topics: 'Välj en chatt', exit: 'Lämna snabbt', topic: 'Ungdomschatten', state: 'Öppen', label: 'Språk', supervise: /^En handledare kan läsa med/ },
    en: { h1: 'Talk with us', topics: 'Choose a chat', exit: 'Quick exit', topic: 'Youth chat', state: 'Open', label: 'Language', supervise: /^A supervisor may read along/ },
};

const CONSOLE_TEXTS = {
    fi: { heading: 'Kirjaudu sisään', user: 'Käyttäjätunnus', submit: 'Kirjaudu', duty: 'Päivystys', topic: 'Nuorten chat' },
    sv: { heading: 'Logga in', user: 'Användarnamn', submit: 'Logga in', duty: 'Jour', topic: 'Ungdomschatten' },
    en: { heading: 'Log in', user: 'User name', submit: 'Log in', duty: 'Duty', topic: 'Youth chat' },
};

test('languages: fi, sv and en change the visible texts of both pages, and stay over a reload', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const v = await visitorOpen(await page(PHONE), base);
        assert.equal(await v.locator('html').getAttribute('lang'), 'en', 'English for an English browser');
        for (const [lang, x] of Object.entries(VISITOR_TEXTS)) {
            await v.selectOption('#lang', lang);
            assert.equal(await v.locator('html').getAttribute('lang'), lang);
            assert.equal(await v.locator('h1').textContent(), x.h1);
            assert.equal(await v.title(), x.h1);
            assert.equal(await v.locator('#topics-heading').textContent(), x.topics);
            assert.equal(await v.locator('#quick-exit [data-i18n="quick.exit"]').textContent(), x.exit);
            assert.equal(await v.locator('label[for="lang"]').textContent(), x.label);
            /* contract v2 §3: the visitor is told that a supervisor may read along */
            assert.match(await v.locator('#supervise-note').textContent(), x.supervise);
            assert.ok(await v.locator('#supervise-note').isVisible());
            assert.equal(await v.locator('#topics [data-topic="youth"] .topic-title').textContent(), x.topic);
            assert.equal(await v.locator('#topics [data-topic="youth"] .badge').textContent(), x.state);
        }
        await v.selectOption('#lang', 'sv');
        /* texts made by script follow too: the queue view */
        await v.click('#topics [data-topic="youth"]');
        await v.locator('#queue-heading').filter({ hasText: 'Du står i kö' }).waitFor();
        assert.equal(await v.locator('#queue-topic').textContent(), 'Chatt: Ungdomschatten');
        await v.selectOption('#lang', 'fi');
        assert.equal(await v.locator('#queue-topic').textContent(), 'Chat: Nuorten chat');
        /* nobody is on duty here: the place, not "you are next" */
        assert.equal(await v.locator('#queue-position').textContent(), 'Paikkasi jonossa: 1');
        await v.reload();
        await v.locator('#queue-heading').filter({ hasText: 'Olet jonossa' }).waitFor();

        const c = await page(DESKTOP);
        await c.goto(`${base}/console/`);
        await c.locator('#login-view').waitFor();
        for (const [lang, x] of Object.entries(CONSOLE_TEXTS)) {
            await c.selectOption('#lang', lang);
            assert.equal(await c.locator('html').getAttribute('lang'), lang);
            assert.equal(await c.locator('#login-heading').textContent(), x.heading);
            assert.equal(await c.locator('label[for="login-user"]').textContent(), x.user);
            assert.equal(await c.locator('#login-submit').textContent(), x.submit);
        }
        await c.selectOption('#lang', 'sv');
        await consoleLogin(c, base, { topics: null });
        assert.equal(await c.locator('#duty-heading').textContent(), CONSOLE_TEXTS.sv.duty);
        assert.equal(await c.locator('label[for="duty-topic-youth"]').textContent(), CONSOLE_TEXTS.sv.topic);
        await c.selectOption('#lang', 'fi');
        assert.equal(await c.locator('label[for="duty-topic-youth"]').textContent(), CONSOLE_TEXTS.fi.topic);
        assert.match(await c.locator('#whoami').textContent(), /^Kirjautuneena: Alice/);
    });
});

test('the three string tables have the same keys (pages and console)', () => {
    /* the tables are i18n/LANG.json since the languages moved out of i18n.js */
    const keys = {};
    for (const lang of ['en', 'fi', 'sv']) {
        const file = JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', `${lang}.json`), 'utf8'));
        /* s.* belongs to the statistics page (i18n_keys.test.mjs holds every key to account) */
        keys[lang] = new Set(Object.keys(file.strings).filter((k) => !k.startsWith('s.')));
    }
    assert.ok(keys.en.size > 100, `read ${keys.en.size} English keys`);
    for (const l of ['fi', 'sv']) {
        assert.deepEqual([...keys.en].filter((k) => !keys[l].has(k)), [], `missing in ${l}`);
        assert.deepEqual([...keys[l]].filter((k) => !keys.en.has(k)), [], `only in ${l}`);
    }
});
