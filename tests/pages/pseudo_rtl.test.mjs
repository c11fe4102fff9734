/* pseudo_rtl.test.mjs: a language nobody ships, made here from en.json:
 * every letter accented, every text 40 % longer, written right to left.
 * Dropped as one more file into a copy of web_root, it must appear in every
 * page's language menu with no code change; chosen on the visitor page, the
 * logged-in console and the statistics page, it must fit: no visible text
 * wider than its box (unless the box is meant to scroll), no page scrolling
 * sideways, no two controls on top of each other, and nothing serious or
 * critical for axe-core. Screenshots of each view at phone and desktop
 * width, and of the visitor page in Finnish for comparison. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT, endHour } from '../integration/harness.mjs';
import {
    DESKTOP, PHONE, axe, chatPanel, consoleLogin, daemon, endChat, layoutProblems, shot, visitorOpen, visitorSend, workerSend,
} from './lib.mjs';

const PSEUDO = 'ar-XB'; /* the usual name of the right-to-left pseudo-locale */
const CORA = { user: 'cora', password: 'cora-password-1' };
const SIZES = { phone: PHONE, desktop: DESKTOP };

const ACCENTED = {
    a: 'á', b: 'ƀ', c: 'ç', d: 'ḓ', e: 'é', f: 'ƒ', g: 'ğ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ĺ', m: 'ḿ',
    n: 'ñ', o: 'ó', p: 'ṕ', q: 'ʠ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
    A: 'Å', B: 'Ɓ', C: 'Ç', D: 'Ḓ', E: 'É', F: 'Ƒ', G: 'Ğ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ĺ', M: 'Ḿ',
    N: 'Ñ', O: 'Ó', P: 'Ṕ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

/* "Send {n}" -> "[Šééñḓ~ {n}]": letters accented, vowels doubled and the
 * last word padded until the text is 40 % longer; placeholders kept. */
function pseudo(s) {
    const parts = s.split(/(\{\w+\})/);
    let out = parts.map((p) => (/^\{\w+\}$/.test(p) ? p : [...p].map((ch) => {
        const a = ACCENTED[ch] || ch;
        return /[aeiouAEIOU]/.test(ch) ? a + a : a;
    }).join(''))).join('');
    const want = Math.ceil([...s].length * 1.4) - 2;
    const pad = want - [...out].length;
    if (pad > 0) out += '~'.repeat(pad);
    return `[${out}]`;
}

function pseudoFile() {
    const en = JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', 'en.json'), 'utf8'));
    const strings = Object.fromEntries(Object.entries(en.strings).map(([k, v]) => [k, pseudo(v)]));
    return { name: '[Ƥšééúúḓóó ŔŢĹ]', dir: 'rtl', strings };
}

/* The page at both widths: layout, axe, a screenshot each. */
async function check(p, view, problems) {
    for (const [size, viewport] of Object.entries(SIZES)) {
        await p.setViewportSize(viewport);
        for (const x of await p.evaluate(layoutProblems)) problems.push(`${view} at ${size}: ${x}`);
        for (const x of await axe(p)) problems.push(`${view} at ${size}: ${x}`);
        await shot(p, `${view}-${size}`);
    }
}

/* Picks the pseudo-locale in the page's menu, which must offer it. */
async function choosePseudo(p) {
    const offered = await p.locator('#lang option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes(PSEUDO), `the menu offers ${PSEUDO}: ${offered}`);
    await p.selectOption('#lang', PSEUDO);
    assert.equal(await p.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await p.locator('html').getAttribute('lang'), PSEUDO);
}

test('pseudo(): accented, placeholders kept, 40 % longer', () => {
    assert.equal(pseudo('Send'), '[Šééñḓ]');
    assert.match(pseudo('Waiting: {n}'), /\{n\}/);
    for (const s of ['Log in', 'You are next in the queue.', 'Chats at the same time (1–10)']) {
        assert.ok([...pseudo(s)].length >= Math.ceil(s.length * 1.4), s);
    }
});

test('a 40 % longer right-to-left language fits the visitor page, the console and the statistics page', { timeout: 180000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-web-'));
    const topics = {
        youth: {},
        night: { hours: 'never', title_fi: 'Yöchat', title_sv: 'Nattchatten', title_en: 'Night chat' },
    };
    try {
        fs.cpSync(WEB_ROOT, root, { recursive: true });
        fs.writeFileSync(path.join(root, 'i18n', `${PSEUDO}.json`), JSON.stringify(pseudoFile(), null, 2));
        /* keepalive that an hour's step (endHour, below) does not end */
        const server = { web_root: root, ping_interval_s: 3600, idle_timeout_s: 7200 };
        await daemon({ server, topics }, async ({ srv, base, page }) => {
            const problems = [];
            const ua = await srv.admin(['user', 'add', CORA.user, '--role', 'coordinator', '--alias', 'Cora'], CORA.password);
            assert.equal(ua.code, 0, ua.stderr);

            /* the visitor page, first in Finnish for comparison */
            const v = await visitorOpen(await page(PHONE), base);
            const icon = await v.locator('link[rel="icon"]').getAttribute('href');
            assert.equal((await fetch(new URL(icon, base))).status, 200, 'the page icon exists');
            await v.selectOption('#lang', 'fi');
            await check(v, 'visitor-fi-topics', problems);
            await choosePseudo(v);
            await check(v, 'pseudo-visitor-topics', problems);
            await v.click('#topics [data-topic="youth"]');
            await v.locator('#view-queue').waitFor();
            await check(v, 'pseudo-visitor-queue', problems);

            /* the console: login form, then on duty with the visitor's chat */
            const c = await page(DESKTOP);
            await c.goto(`${base}/console/`);
            await c.locator('#login-view').waitFor();
            await choosePseudo(c);
            await check(c, 'pseudo-console-login', problems);
            await consoleLogin(c, base);
            const panel = chatPanel(c);
            await panel.waitFor();
            await visitorSend(v, 'Hei, onko siellä joku? Minulla on vähän vaikea päivä.');
            await workerSend(panel, 'Hei, täällä ollaan. Kerro vain, mitä on tapahtunut.');
            await v.locator('#chat-log').filter({ hasText: 'täällä ollaan' }).waitFor();
            await check(v, 'pseudo-visitor-chat', problems);
            await check(c, 'pseudo-console-chat', problems);
            await endChat(panel);
            await v.locator('#view-ended').waitFor();
            await check(v, 'pseudo-visitor-ended', problems);
            await check(c, 'pseudo-console-ended', problems);

            /* the statistics page, logged in, with that chat in its numbers
             * (once its hour has ended: the page shows ended hours only) */
            await endHour(srv);
            const s = await page(DESKTOP);
            await s.goto(`${base}/stats/`);
            await s.locator('#login-view').waitFor();
            await choosePseudo(s);
            await check(s, 'pseudo-stats-login', problems);
            await s.fill('#login-user', CORA.user);
            await s.fill('#login-password', CORA.password);
            await s.click('#login-submit');
            await s.locator('#fig-answer-rate').waitFor();
            await s.locator('#heatmap .heat-n').first().waitFor();
            await check(s, 'pseudo-stats', problems);

            assert.deepEqual(problems, []);
        });
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
});
