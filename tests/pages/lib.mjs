/* lib.mjs: what the page tests share (not a test file itself).
 *
 * daemon(opts, fn) starts a real chatd (harness.mjs) on a port picked here, so
 * that allowed_origins can name the origin the pages are served from. The
 * headless Debian Chromium (chromium.mjs) is the suite's one, which each file
 * connects to when suite.mjs runs them (node --test runs each file in a
 * process of its own), or the file's own when it runs alone: reached by the
 * first daemon() or browser() call, let go when the file's tests are done.
 * opts.config is config text added after the harness's [server] and [topic]
 * sections (e.g. [question ID] sections).
 * fn gets {srv, browser, base, page(viewport, opts), foreign, allowOrigin}.
 * page() opens a page in a browser context of its own, so nothing (storage,
 * cookies, routes, init scripts) is shared between pages or tests; every
 * context the test opened is closed when fn ends.
 * Every page made through page() is watched: an uncaught script error, a
 * console error (a CSP refusal shows up there) or a request to anything but
 * the daemon itself fails the test at the end, and so does an answer of 400
 * or more from the daemon to a request of the page. With opts.foreignOk the
 * test checks the list `foreign` itself, and such requests are answered here
 * with a neutral page; allowOrigin(url) lets pages load a site the test runs
 * itself. The browser resolves no host name, so no request leaves the machine.
 *
 * No test sleeps: it waits for what it expects (a locator, a frame), and
 * proves that something did not happen with a round trip (roundTrip()) whose
 * answer comes after it would have. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after } from 'node:test';
import {
    ALICE, CHATADMIN, PASSPHRASE, REPO, configText, dumpServer, endHour, prepare, run, spawnChatd,
} from '../integration/harness.mjs';
import { launch } from './chromium.mjs';

const SHOTS = path.join(REPO, 'tests', 'pages', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
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

/* The file's one browser: the suite's (suite.mjs), connected to on first
 * use, or one of the file's own when the file runs alone; connected or
 * launched again should it have gone away (a crash), closed (or left)
 * after the file's last test. The hook is the root's (registered when this
 * module loads), not a test's. */
let shared = null;
export function browser() {
    if (!shared) {
        shared = launch();
        shared.then((b) => b.on('disconnected', () => { shared = null; }), () => { shared = null; });
    }
    return shared;
}
after(async () => {
    if (!shared) return;
    const b = await shared.catch(() => null);
    shared = null;
    if (b) await b.close();
});

/* Polls fn until it returns something truthy (and returns that), for state
 * outside any page (an HTTP answer, a file); what says what was awaited. */
export async function until(fn, { what = 'the condition', timeout = 10000, every = 50 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > end) throw new Error(`${what}: not within ${timeout} ms`);
        await new Promise((r) => setTimeout(r, every));
    }
}

/* In every page: the WebSockets it opens, newest last, so that roundTrip()
 * can use the page's own connection. */
function recordSockets() {
    const all = [];
    Object.defineProperty(window, '__testSockets', { value: all });
    window.WebSocket = new Proxy(window.WebSocket, {
        construct(target, args, newTarget) {
            const ws = Reflect.construct(target, args, newTarget);
            all.push(ws);
            return ws;
        },
    });
}

/* A ping over the page's newest open WebSocket, resolved when the page has
 * handled its pong: every frame the daemon sent that connection before it,
 * and everything the daemon did with what the page sent before the ping,
 * has been dealt with by then. The pages ignore a pong that is not theirs.
 * Resolves to the ping's ref. */
export function roundTrip(p) {
    return p.evaluate(() => new Promise((resolve, reject) => {
        const ws = (window.__testSockets || []).filter((s) => s.readyState === WebSocket.OPEN).at(-1);
        if (!ws) { reject(new Error('the page has no open WebSocket')); return; }
        const ref = `test-rt-${Math.random().toString(36).slice(2)}`;
        const timer = setTimeout(() => reject(new Error('no pong within 10 s')), 10000);
        ws.addEventListener('message', function on(ev) {
            let m;
            try { m = JSON.parse(ev.data); } catch { return; }
            if (m.type !== 'pong' || m.ref !== ref) return;
            ws.removeEventListener('message', on);
            clearTimeout(timer);
            resolve(ref);
        });
        ws.send(JSON.stringify({ type: 'ping', ref }));
    }));
}

/* Every daemon needs the key pair (a passphrase KDF) and alice (a password
 * hash) that harness prepare() makes, the same for every test: made once per
 * file and copied into each daemon's own data dir. */
let seed = null;
let seedPath = null;
function seedDir() {
    if (!seed) {
        seed = prepare({}).then((env) => {
            seedPath = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-pages-seed-'));
            fs.cpSync(env.dataDir, seedPath, { recursive: true });
            env.cleanup();
            return seedPath;
        });
    }
    return seed;
}
process.on('exit', () => {
    if (seedPath) fs.rmSync(seedPath, { recursive: true, force: true });
});

/* What startServer() gives, from the seed: a running chatd with alice and
 * the key pair; extra is config text added after the [topic] sections. */
async function startChatd(opts, extra) {
    const from = await seedDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-pages-'));
    const dataDir = path.join(dir, 'var');
    fs.cpSync(from, dataDir, { recursive: true });
    const cfg = path.join(dir, 'chatd.conf');
    fs.writeFileSync(cfg, configText(dataDir, { ...opts, extra: extra.trim() }));
    const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
    const d = spawnChatd(cfg, opts.env);
    let port;
    try {
        port = await d.ready;
    } catch (e) {
        await d.kill();
        removeDir();
        throw e;
    }
    return {
        dir, dataDir, cfg, passphrase: PASSPHRASE, keyFile: path.join(dataDir, 'transcript.key'),
        admin: (args, stdin = '') => run(CHATADMIN, ['--config', cfg, ...args], stdin),
        port, proc: d.proc,
        stop: d.stop, kill: d.kill, stdout: d.stdout, stderr: d.stderr, exitInfo: d.exitInfo,
        advance: d.advance, /* chatd's test clock (harness.mjs) */
        async cleanup() {
            await d.kill();
            removeDir();
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
    const [started, launched] = await Promise.allSettled([
        startChatd({ ...rest, server: { listen_port: port, allowed_origins: base, ...server } }, config),
        browser(),
    ]);
    if (launched.status === 'rejected') {
        if (started.status === 'fulfilled') await started.value.cleanup();
        throw launched.reason;
    }
    if (started.status === 'rejected') throw started.reason;
    const srv = started.value;
    const b = launched.value;
    const problems = [];
    const foreign = [];
    function watch(p) {
        p.on('pageerror', (e) => problems.push(`pageerror on ${p.url()}: ${e.message}`));
        p.on('console', (m) => {
            if (m.type() === 'error' && !BENIGN.some((re) => re.test(m.text()))) {
                problems.push(`console error on ${p.url()}: ${m.text()}`);
            }
        });
    }
    const allowed = [`${base}/`];
    async function page(viewport = DESKTOP, ctxOpts = {}) {
        const ctx = await b.newContext({ viewport, ...ctxOpts });
        await ctx.addInitScript(recordSockets);
        ctx.on('request', (r) => {
            const u = r.url();
            if (!allowed.some((a) => u.startsWith(a))) foreign.push(u);
        });
        /* Where a test lets the page go elsewhere, the test answers in the
         * network's place. (Intercepting every request would slow each page
         * load down; without it, the resolver rules keep others in.) */
        if (foreignOk) {
            await ctx.route((u) => !u.href.startsWith(`${base}/`), (route) => route.fulfill({
                contentType: 'text/html', body: '<!doctype html><title>Neutral</title><p>Neutral</p>',
            }));
        }
        /* every file a page asks the daemon for exists (the favicon, which the
         * browser fetches on its own, shows up as a console error instead) */
        ctx.on('response', (r) => {
            if (r.url().startsWith(`${base}/`) && r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
        });
        ctx.on('page', watch); /* pages the page opens (window.open) too */
        return ctx.newPage();
    }
    /* a site of the test's own on this machine (a page that embeds the widget) */
    const allowOrigin = (origin) => allowed.push(`${new URL(origin).origin}/`);
    try {
        await fn({ srv, browser: b, base, page, foreign, allowOrigin });
        assert.deepEqual(problems, [], 'no script errors, no CSP refusals');
        if (!foreignOk) assert.deepEqual(foreign, [], 'no request leaves the daemon');
    } catch (e) {
        dumpServer(srv, e);
        throw e;
    } finally {
        /* the test's contexts, also those it made with browser.newContext() */
        await Promise.all(b.contexts().map((c) => c.close().catch(() => {})));
        await srv.cleanup();
    }
}

/* The service's day (YYYY-MM-DD, Europe/Helsinki) of t, epoch seconds (now
 * by the wall clock unless given). */
export const serviceDay = (t = Date.now() / 1000) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date(t * 1000));

/* The service's clock (Europe/Helsinki) at t, epoch ms: "HH:MM", 00 to 23. */
export const serviceClock = (t = Date.now()) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .format(new Date(t));

/* Minutes since midnight on the service's clock at t, epoch ms. */
export function serviceMinutes(t = Date.now()) {
    const [h, m] = serviceClock(t).split(':').map(Number);
    return h * 60 + m;
}

/* A test that hinges on the time of day (a closing after midnight, "today"
 * against "tomorrow") runs at a chosen one instead of the wall clock's: the
 * next moment, at least a minute ahead, that the service's clock reads
 * hh:mm, in epoch ms. */
export function nextServiceTime(hh, mm) {
    const minute = Math.floor(Date.now() / 60000) * 60000;
    let ahead = (hh * 60 + mm - serviceMinutes(minute) + 1440) % 1440;
    if (ahead < 1) ahead += 1440;
    return minute + ahead * 60000;
}

/* Moves srv's test clock on to `at` (epoch ms, ahead of chatd's now) and
 * resolves to how far ahead of the wall clock chatd then runs, in ms; the
 * test's pages read the same time through pageClock(p, ahead), which is
 * called before the page loads. (Before the move nobody is connected: one
 * step past idle_timeout_s would hang them up.) */
export async function clockTo(srv, at) {
    const now = await srv.advance(0.001);
    const moved = await srv.advance(at / 1000 - now);
    return moved * 1000 - Date.now();
}
export const pageClock = (p, ahead) => p.context().clock.setSystemTime(new Date(Date.now() + ahead));

/* Ends chatd's running hour (endHour) and returns /api/stats's from and to
 * for every hour ended so far. chatd's test clock runs ahead of the wall
 * clock by each hour a test ended, so from 23:00 service time what it counts
 * falls on the next day: a day taken from the wall clock missed it (a
 * clean-clone run at 23:2x found a feedback answer counted 0 times). */
export async function endedDays(srv) {
    const now = await endHour(srv);
    return { from: serviceDay(now - 86400), to: serviceDay(now - 2) };
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

/* The worker ends the chat of panel: "End chat", then the question's "Yes". */
export async function endChat(panel) {
    await panel.locator('button.chat-end').click();
    await panel.locator('button.chat-end-yes').click();
}

/* The console's n-th chat panel in the order the chats came (0: the
 * oldest still shown); the page puts the newest on top. */
export function chatPanel(c, n = 0) {
    return c.locator('#chats section[data-chat]').nth(-1 - n);
}

export async function workerSend(panel, text) {
    await panel.locator('textarea.chat-input').fill(text);
    await panel.locator('button.chat-send').click();
    await panel.locator('.chat-log .msg-own:not(.msg-pending)').filter({ hasText: text }).waitFor();
}

/* axe-core over the page as it is: the serious and critical violations.
 * page.addScriptTag({path}) would inline the file as a <script> element, which
 * the pages' CSP (script-src 'self') rightly refuses; evaluating the same file
 * from node_modules through the DevTools protocol leaves the CSP in force.
 * A rule with an impact of its own reports every finding at that impact
 * (axe-core gives each failed check the rule's), so the rules whose impact is
 * minor or moderate cannot add to what is returned: they are not run (region
 * and the landmark rules walk the whole page: about a tenth of axe's time,
 * which is about 1.5 s a call on the console and statistics pages). */
export async function axe(p) {
    if (!(await p.evaluate(() => !!window.axe))) await p.evaluate(AXE_SOURCE);
    const r = await p.evaluate(() => {
        const rules = {};
        for (const x of window.axe._audit.rules) {
            if (x.impact === 'minor' || x.impact === 'moderate') rules[x.id] = { enabled: false };
        }
        return window.axe.run(document, { resultTypes: ['violations'], rules });
    });
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

/* The text of a download (playwright's Download): read through the browser
 * connection, as a file of the suite's browser has no path here. */
export async function downloadText(dl) {
    const chunks = [];
    for await (const c of await dl.createReadStream()) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
}

/* A screenshot for a person to look at, SHOTS/NAME.png: a page whole (or,
 * with fullPage false, as far as its viewport shows), a locator its box.
 * They are not checks, and a whole long page costs: the statistics and plan
 * pages are 9,000 to 18,000 pixels tall, and the suite's 145 screenshots
 * took about 6 % of its CPU time. CHAT_SHOTS=0 takes none (tests/run.sh
 * sets it unless CHAT_SHOTS is given). */
const SHOTS_TAKEN = process.env.CHAT_SHOTS !== '0';
export async function shot(target, name, { fullPage = true } = {}) {
    if (!SHOTS_TAKEN) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${name}.png`);
    await ('goto' in target ? target.screenshot({ path: file, fullPage }) : target.screenshot({ path: file }));
}

/* An init script (page.addInitScript): the tones the page starts are
 * counted in window.__tones (Web Audio; nothing is heard). */
export function countTones() {
    window.__tones = 0;
    const Real = window.AudioContext;
    window.AudioContext = function () {
        const ctx = new Real();
        const make = ctx.createOscillator.bind(ctx);
        ctx.createOscillator = () => {
            window.__tones += 1;
            return make();
        };
        return ctx;
    };
}
