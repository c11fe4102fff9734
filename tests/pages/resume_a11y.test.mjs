/* resume_a11y.test.mjs: a reload within the grace keeps the visitor's chat
 * and the worker's console; axe-core finds no serious or critical problem on
 * any page; screenshots at phone and desktop width for people to look at. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { ALICE, REPO, startServer } from '../integration/harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const SHOTS = path.join(REPO, 'tests', 'pages', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'];
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

function freePort() {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

async function withDaemon(fn) {
    const port = await freePort();
    const srv = await startServer({ server: { listen_port: port, allowed_origins: `http://127.0.0.1:${port}` } });
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
    try {
        await fn({ srv, browser, base: `http://127.0.0.1:${port}` });
    } finally {
        await browser.close();
        await srv.cleanup();
    }
}

/* bypassCSP only so the test can inject axe-core; the pages themselves run under the CSP. */
async function consoleOnDuty(browser, base) {
    const c = await (await browser.newContext({ viewport: SIZES.desktop, bypassCSP: true })).newPage();
    await c.goto(`${base}/console/`);
    await c.fill('#login-user', ALICE.user);
    await c.fill('#login-password', ALICE.password);
    await c.click('#login-submit');
    await c.locator('#duty-topics input').first().check();
    await c.click('#duty-on');
    await c.locator('#duty-status').filter({ hasText: /\S/ }).waitFor();
    return c;
}

test('a reload on either side resumes the chat with its history', { timeout: 90000 }, async () => {
    await withDaemon(async ({ browser, base }) => {
        const c = await consoleOnDuty(browser, base);
        const v = await (await browser.newContext({ viewport: SIZES.phone })).newPage();
        await v.goto(`${base}/`);
        await v.locator('#topics [data-topic="youth"]').first().click();
        await v.fill('#chat-input', 'before reload');
        await v.click('#chat-send');
        await c.locator('#chats .chat-log').filter({ hasText: 'before reload' }).waitFor();

        await v.reload();
        await v.locator('#chat-log').filter({ hasText: 'before reload' }).waitFor();
        await c.reload();
        await c.locator('#chats .chat-log').filter({ hasText: 'before reload' }).waitFor();
        await c.locator('textarea.chat-input').first().fill('after both reloads');
        await c.locator('button.chat-send').first().click();
        await v.locator('#chat-log').filter({ hasText: 'after both reloads' }).waitFor();
    });
});

async function axe(page) {
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    return result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')
        .map((x) => `${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('no serious or critical accessibility problems; screenshots', { timeout: 90000 }, async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    await withDaemon(async ({ browser, base }) => {
        for (const [size, viewport] of Object.entries(SIZES)) {
            const v = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
            await v.goto(`${base}/`);
            await v.locator('#topics [data-topic="youth"]').first().waitFor();
            assert.deepEqual(await axe(v), [], 'visitor page, topics');
            await v.screenshot({ path: path.join(SHOTS, `visitor-topics-${size}.png`), fullPage: true });
            const c = await (await browser.newContext({ viewport, bypassCSP: true })).newPage();
            await c.goto(`${base}/console/`);
            await c.locator('#login-user').waitFor();
            assert.deepEqual(await axe(c), [], 'console, login');
            await c.screenshot({ path: path.join(SHOTS, `console-login-${size}.png`), fullPage: true });
        }
        const c = await consoleOnDuty(browser, base);
        const v = await (await browser.newContext({ viewport: SIZES.phone, bypassCSP: true })).newPage();
        await v.goto(`${base}/`);
        await v.locator('#topics [data-topic="youth"]').first().click();
        await c.locator('#chats section[data-chat]').first().waitFor();
        assert.deepEqual(await axe(v), [], 'visitor page, chatting');
        assert.deepEqual(await axe(c), [], 'console, chatting');
    });
});
