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
