/* chat.test.mjs: the visitor page and the worker console, in Debian's
 * Chromium, chat with each other through a real chatd. */
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { ALICE, REPO, startServer } from '../integration/harness.mjs';

const SHOTS = path.join(REPO, 'tests', 'pages', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'];

function freePort() {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

test('a visitor page and a console chat end to end, then feedback', { timeout: 90000 }, async () => {
    const port = await freePort();
    const srv = await startServer({ server: { listen_port: port, allowed_origins: `http://127.0.0.1:${port}` } });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
    fs.mkdirSync(SHOTS, { recursive: true });
    try {
        const base = `http://127.0.0.1:${port}`;
        const c = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        await c.goto(`${base}/console/`);
        await c.fill('#login-user', ALICE.user);
        await c.fill('#login-password', ALICE.password);
        await c.click('#login-submit');
        await c.locator('#duty-topics input').first().check();
        await c.click('#duty-on');
        await c.locator('#duty-status').filter({ hasText: /\S/ }).waitFor();

        const v = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
        await v.goto(`${base}/`);
        await v.locator('#topics [data-topic="youth"]').first().click();
        await v.fill('#chat-input', 'Hei, tarvitsen apua');
        await v.click('#chat-send');
        await c.locator('#chats .chat-log').filter({ hasText: 'Hei, tarvitsen apua' }).waitFor();
        await c.locator('textarea.chat-input').first().fill('Hei! Olen täällä.');
        await c.locator('button.chat-send').first().click();
        await v.locator('#chat-log').filter({ hasText: 'Hei! Olen täällä.' }).waitFor();
        await v.screenshot({ path: path.join(SHOTS, 'visitor-chat-phone.png') });
        await c.screenshot({ path: path.join(SHOTS, 'console-chat-desktop.png') });

        await c.locator('button.chat-end').first().click();
        await v.locator('#feedback').waitFor({ state: 'visible' });
        assert.ok(await v.locator('#feedback [data-score]').count() >= 5, 'five feedback choices');

        const list = await srv.admin(['transcript', 'list']);
        assert.match(list.stdout, / youth \d{4}-\d{2}-\d{2} 2\n/);
    } finally {
        await browser.close();
        await srv.cleanup();
    }
});

test('console tools: transfer a chat to another topic and block with a confirmation', { timeout: 90000 }, async () => {
    const port = await freePort();
    const srv = await startServer({
        server: { listen_port: port, allowed_origins: `http://127.0.0.1:${port}` },
        topics: { youth: {}, parents: { audience: 'parent' } },
    });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
    try {
        const base = `http://127.0.0.1:${port}`;
        const c = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        await c.goto(`${base}/console/`);
        await c.fill('#login-user', ALICE.user);
        await c.fill('#login-password', ALICE.password);
        await c.click('#login-submit');
        await c.locator('#duty-topics input').first().check();
        await c.click('#duty-on');
        await c.locator('#duty-status').filter({ hasText: /\S/ }).waitFor();
        const v = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
        await v.goto(`${base}/`);
        await v.locator('#topics [data-topic="youth"]').first().click();
        const panel = c.locator('#chats section[data-chat]').first();
        await panel.waitFor();
        await panel.locator('select.chat-transfer-topic').selectOption('parents');
        await panel.locator('button.chat-transfer').click();
        await panel.locator('.chat-status').filter({ hasText: /\S/ }).waitFor();
        const list = await srv.admin(['transcript', 'list']);
        assert.match(list.stdout, / youth /);
        /* a second visitor, blocked after the confirmation */
        const v2 = await (await browser.newContext()).newPage();
        await v2.goto(`${base}/`);
        await v2.locator('#topics [data-topic="youth"]').first().click();
        const second = c.locator('#chats section[data-chat]:not(.ended)').first();
        await second.waitFor();
        c.once('dialog', (d) => d.accept());
        await second.locator('button.chat-block').click();
        await c.locator('#chats section[data-chat].ended').nth(1).waitFor();
        await c.screenshot({ path: path.join(SHOTS, 'console-tools-desktop.png') });
    } finally {
        await browser.close();
        await srv.cleanup();
    }
});

test('quick exit (Esc) leaves for a neutral site and forgets the session; languages switch', { timeout: 60000 }, async () => {
    const srv = await startServer();
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
    try {
        const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
        /* the neutral site is answered locally: no request leaves the test machine */
        await ctx.route((url) => !url.href.startsWith(`http://127.0.0.1:${srv.port}`),
            (route) => route.fulfill({ contentType: 'text/html', body: '<title>Neutral</title>' }));
        const v = await ctx.newPage();
        await v.goto(`http://127.0.0.1:${srv.port}/`);
        await v.locator('#topics [data-topic="youth"]').first().waitFor();
        await v.selectOption('#lang', 'fi');
        const fi = await v.locator('h1').first().textContent();
        await v.selectOption('#lang', 'sv');
        const sv = await v.locator('h1').first().textContent();
        await v.selectOption('#lang', 'en');
        const en = await v.locator('h1').first().textContent();
        assert.equal(new Set([fi, sv, en]).size, 3, `three languages: ${fi} / ${sv} / ${en}`);
        await v.locator('#topics [data-topic="youth"]').first().click();
        await v.waitForFunction(() => sessionStorage.getItem('chat.session') !== null);
        const origin = `http://127.0.0.1:${srv.port}`;
        await v.keyboard.press('Escape');
        await v.waitForURL((u) => !u.href.startsWith(origin));
        assert.equal(await v.title(), 'Neutral');
        /* the same tab keeps its sessionStorage across navigations: it must be empty now */
        await v.goto(`${origin}/`);
        assert.equal(await v.evaluate(() => sessionStorage.getItem('chat.session')), null);
    } finally {
        await browser.close();
        await srv.cleanup();
    }
});
