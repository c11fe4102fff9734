/* lib.mjs: what the page tests share (not a test file itself).
 *
 * daemon(opts, fn) starts a real chatd (harness.mjs) on a port picked here, so
 * that allowed_origins can name the origin the pages are served from, plus one
 * headless Debian Chromium. opts.config is config text added after the
 * harness's [server] and [topic] sections (e.g. [question ID] sections). fn gets {srv, browser, base, page(viewport, opts)}.
 * Every page made through page() is watched: an uncaught script error, a
 * console error (a CSP refusal shows up there) or a request to anything but
 * the daemon itself fails the test at the end (unless opts.foreignOk: then
 * the test checks the list `foreign` itself), and so does an answer of 400 or
 * more from the daemon to a request of the page. Requests elsewhere are answered
 * locally by the test, so none leaves the machine. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { ALICE, REPO, dumpServer, prepare, spawnChatd, startServer } from '../integration/harness.mjs';

export const SHOTS = path.join(REPO, 'tests', 'pages', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'];

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_SOURCE = fs.readFileSync(AXE_PATH, 'utf8');

export function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
        s.on('error', reject);
    });
}

export function launch() {
    return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
}

/* startServer() with text added to the config before chatd starts. */
async function startWithConfig(opts, extra) {
    if (!extra) return startServer(opts);
    const env = await prepare(opts);
    fs.appendFileSync(env.cfg, `\n${extra.trim()}\n`);
    const d = spawnChatd(env.cfg);
    let port;
    try {
        port = await d.ready;
    } catch (e) {
        await d.kill();
        env.cleanup();
        throw e;
    }
    return {
        ...env, port, proc: d.proc,
        stop: d.stop, kill: d.kill, stdout: d.stdout, stderr: d.stderr, exitInfo: d.exitInfo,
        async cleanup() {
            await d.kill();
            env.cleanup();
        },
    };
}

/* Console errors that are about the network going away, not about the page. */
const BENIGN = [/WebSocket connection to .* failed/, /net::ERR_CONNECTION_REFUSED/];

export async function daemon(opts, fn) {
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { foreignOk = false, server = {}, config = '', ...rest } = opts;
    const srv = await startWithConfig({ ...rest, server: { listen_port: port, allowed_origins: base, ...server } }, config);
    const browser = await launch();
    const problems = [];
    const foreign = [];
    async function page(viewport = DESKTOP, ctxOpts = {}) {
        const ctx = await browser.newContext({ viewport, ...ctxOpts });
        await ctx.route('**/*', (route) => {
            const u = route.request().url();
            if (u.startsWith(`${base}/`)) return route.continue();
            foreign.push(u);
            return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Neutral</title><p>Neutral</p>' });
        });
        /* every file a page asks the daemon for exists (the favicon, which the
         * browser fetches on its own, shows up as a console error instead) */
        ctx.on('response', (r) => {
            if (r.url().startsWith(`${base}/`) && r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
        });
        const p = await ctx.newPage();
        p.on('pageerror', (e) => problems.push(`pageerror on ${p.url()}: ${e.message}`));
        p.on('console', (m) => {
            if (m.type() === 'error' && !BENIGN.some((re) => re.test(m.text()))) {
                problems.push(`console error on ${p.url()}: ${m.text()}`);
            }
        });
        return p;
    }
    try {
        await fn({ srv, browser, base, page, foreign });
        assert.deepEqual(problems, [], 'no script errors, no CSP refusals');
        if (!foreignOk) assert.deepEqual(foreign, [], 'no request leaves the daemon');
    } catch (e) {
        dumpServer(srv, e);
        throw e;
    } finally {
        await browser.close();
        await srv.cleanup();
    }
}

/* Opens the console, logs in as alice with the form and, when topics are
 * given, goes on duty for them with the duty form. */
export async function consoleLogin(p, base, { topics = ['youth'], capacity } = {}) {
    await p.goto(`${base}/console/`);
    await p.fill('#login-user', ALICE.user);
    await p.fill('#login-password', ALICE.password);
    await p.click('#login-submit');
    await p.locator('#work-view').waitFor();
    if (!topics) return p;
    for (const id of topics) await p.check(`#duty-topic-${id}`);
    if (capacity) await p.fill('#duty-capacity', String(capacity));
    await p.click('#duty-on');
    await p.locator('#duty-status').filter({ hasText: /\S/ }).waitFor();
    return p;
}

/* The visitor page with its topic list shown. */
export async function visitorOpen(p, base) {
    await p.goto(`${base}/`);
    await p.locator('#view-topics').waitFor();
    await p.locator('#topics [data-topic]').first().waitFor();
    return p;
}

export async function visitorSend(v, text) {
    await v.fill('#chat-input', text);
    await v.click('#chat-send');
    await v.locator('#chat-log .msg-own:not(.msg-pending)').filter({ hasText: text }).waitFor();
}

export function chatPanel(c, n = 0) {
    return c.locator('#chats section[data-chat]').nth(n);
}

export async function workerSend(panel, text) {
    await panel.locator('textarea.chat-input').fill(text);
    await panel.locator('button.chat-send').click();
    await panel.locator('.chat-log .msg-own:not(.msg-pending)').filter({ hasText: text }).waitFor();
}

/* axe-core over the page as it is: the serious and critical violations.
 * page.addScriptTag({path}) would inline the file as a <script> element, which
 * the pages' CSP (script-src 'self') rightly refuses; evaluating the same file
 * from node_modules through the DevTools protocol leaves the CSP in force. */
export async function axe(p) {
    if (!(await p.evaluate(() => !!window.axe))) await p.evaluate(AXE_SOURCE);
    const r = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    return r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')
        .map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/* In the page (p.evaluate(layoutProblems)): what does not fit. Visible text
 * wider than its box (unless the box is meant to scroll), the page scrolling
 * sideways, two controls on top of each other. */
export function layoutProblems() {
    const out = [];
    const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
        (el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '') +
        ` "${(el.textContent || '').trim().slice(0, 40)}"`;
    const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('.visually-hidden');
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    for (const el of document.body.querySelectorAll('*')) {
        const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
        if (!ownText || !shown(el)) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'inline' || cs.display === 'contents') continue;
        if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue; /* meant to scroll */
        if (el.scrollWidth > el.clientWidth + 1) out.push(`clipped or overflowing: ${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
        .filter(shown);
    const boxes = controls.map((el) => el.getBoundingClientRect());
    for (let i = 0; i < controls.length; i++) {
        for (let j = i + 1; j < controls.length; j++) {
            if (controls[i].contains(controls[j]) || controls[j].contains(controls[i])) continue;
            const a = boxes[i];
            const b = boxes[j];
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) out.push(`overlapping: ${name(controls[i])} and ${name(controls[j])}`);
        }
    }
    return out;
}

export async function shot(p, name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
