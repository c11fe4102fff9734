/* resume_a11y.test.mjs: a reload within the grace keeps the visitor's chat and
 * the worker's console; the same visitor session in a second tab does not make
 * the two tabs fight; a console whose connection was down past the grace
 * learns which chats it lost; axe-core finds no serious or critical problem
 * in any view of either page; screenshots at phone and desktop width. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALICE } from '../integration/harness.mjs';
import {
    DESKTOP, PHONE, axe, chatPanel, consoleLogin, daemon, endChat, roundTrip, shot, until, visitorOpen, visitorSend, workerSend,
} from './lib.mjs';

test('a reload on either side resumes the chat with its history', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base);
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        await visitorSend(v, 'before reload');
        const panel = chatPanel(c);
        await panel.locator('.chat-log').filter({ hasText: 'before reload' }).waitFor();
        await workerSend(panel, 'answer before reload');
        await v.locator('#chat-log').filter({ hasText: 'answer before reload' }).waitFor();
        const session = await v.evaluate(() => sessionStorage.getItem('chat.session'));
        const token = await c.evaluate(() => sessionStorage.getItem('console.token'));

        await v.reload();
        await v.locator('#view-chat').waitFor();
        await v.locator('#chat-log .msg-own').filter({ hasText: 'before reload' }).waitFor();
        await v.locator('#chat-log .msg-other').filter({ hasText: 'answer before reload' }).waitFor();
        assert.equal(await v.locator('#chat-log .msg').count(), 2);
        assert.equal(await v.locator('#chat-with').textContent(), `You are chatting with ${ALICE.alias}.`);
        assert.equal(await v.evaluate(() => sessionStorage.getItem('chat.session')), session, 'same session');

        await c.reload();
        /* the token logs in again: no login form, duty and the chat come back */
        await c.locator('#work-view').waitFor();
        assert.equal(await c.locator('#login-view').isVisible(), false);
        assert.equal(await c.evaluate(() => sessionStorage.getItem('console.token')), token);
        await c.locator('#duty-status').filter({ hasText: 'On duty: Youth chat.' }).waitFor();
        assert.equal(await c.locator('#duty-on').textContent(), 'Update duty');
        assert.ok(await c.locator('#duty-topic-youth').isChecked());
        await panel.locator('.chat-log').filter({ hasText: 'answer before reload' }).waitFor();
        assert.equal(await panel.locator('.chat-log .msg').count(), 2);
        /* the console's resync ping went out on its welcome, before this one:
         * once this pong is in, the page has had its own, and the chat stays live */
        await roundTrip(c);
        assert.equal(await panel.evaluate((el) => el.classList.contains('ended')), false);

        await workerSend(panel, 'after both reloads');
        await v.locator('#chat-log').filter({ hasText: 'after both reloads' }).waitFor();
        await visitorSend(v, 'still here');
        await panel.locator('.chat-log').filter({ hasText: 'still here' }).waitFor();
    });
});

test('the same visitor session in a second tab: the first steps aside until asked back', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base);
        const v1 = await page(PHONE);
        await v1.clock.install(); /* the tabs' timers run when the test says (time flows as well) */
        await visitorOpen(v1, base);
        await v1.click('#topics [data-topic="youth"]');
        await visitorSend(v1, 'from the first tab');
        /* a tab opened from this one copies its sessionStorage, as "duplicate tab" does */
        const [v2] = await Promise.all([
            v1.context().waitForEvent('page'),
            v1.evaluate(() => { window.open(location.href); }),
        ]);
        await v2.locator('#chat-log').filter({ hasText: 'from the first tab' }).waitFor();
        await v1.locator('#view-elsewhere').waitFor();
        /* past every reconnect delay (15 s at most): no tab takes the session back
         * on its own; a reconnect would have made a WebSocket at once */
        const sockets = (p) => p.evaluate(() => window.__testSockets.length);
        const had = [await sockets(v1), await sockets(v2)];
        assert.ok(had[0] > 0 && had[1] > 0, 'the tabs\' sockets are seen');
        await v1.clock.runFor(20000);
        assert.deepEqual([await sockets(v1), await sockets(v2)], had, 'no new connection in either tab');
        await roundTrip(v2);
        assert.ok(await v1.locator('#view-elsewhere').isVisible());
        assert.ok(await v2.locator('#view-chat').isVisible());
        await workerSend(chatPanel(c), 'to the second tab');
        await v2.locator('#chat-log').filter({ hasText: 'to the second tab' }).waitFor();
        await shot(v1, 'visitor-elsewhere-phone');

        await v1.click('#elsewhere-continue');
        await v1.locator('#chat-log').filter({ hasText: 'to the second tab' }).waitFor();
        await v2.locator('#view-elsewhere').waitFor();
        await visitorSend(v1, 'back in the first tab');
        await chatPanel(c).locator('.chat-log').filter({ hasText: 'back in the first tab' }).waitFor();
    });
});

test('a console cut off past the grace: the visitor is queued again, the console marks the lost chat; 4001 waits for the worker', { timeout: 60000 }, async () => {
    /* the grace is chatd's time: the test moves it on (a minute never passes) */
    await daemon({ server: { resume_grace_s: 60 } }, async ({ srv, base, page }) => {
        const c = await page(DESKTOP);
        await c.clock.install(); /* the page's timers run when the test says (time flows as well) */
        /* the console's WebSocket goes through the test, which can cut it */
        const net = { cut: false, sides: [] };
        await c.context().routeWebSocket(/\/ws$/, (ws) => {
            if (net.cut) { net.sides.push({ ws }); return; } /* open, but nobody answers */
            const server = ws.connectToServer();
            server.onClose(() => {}); /* the daemon's side closing is not passed on */
            net.sides.push({ ws, server });
        });
        await consoleLogin(c, base);
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        const panel = chatPanel(c);
        await panel.waitFor();
        await visitorSend(v, 'hello?');
        await panel.locator('.chat-log').filter({ hasText: 'hello?' }).waitFor();

        /* the daemon loses the console; the page does not notice yet */
        net.cut = true;
        await net.sides.at(-1).server.close();
        const left = v.locator('#queue-note').filter({ hasText: 'The worker had to leave.' });
        /* steps, as chatd may see the close only after the first */
        await until(async () => {
            await srv.advance(20);
            return left.isVisible();
        }, { what: 'the visitor queued again after the grace' });
        await v.click('#queue-leave');
        await v.locator('#view-topics').waitFor();

        /* now the page sees the close and reconnects with its token */
        net.cut = false;
        await net.sides.at(-1).ws.close({ code: 1001 });
        await panel.locator('.chat-log .msg-system')
            .filter({ hasText: 'While you were away, the chat went back to the queue.' }).waitFor();
        assert.ok(await panel.evaluate((el) => el.classList.contains('ended')));
        await c.locator('#duty-status').filter({ hasText: 'On duty: Youth chat.' }).waitFor();

        /* too many tabs: the daemon closes the oldest with 4001; it stays closed */
        const before = net.sides.length;
        await net.sides.at(-1).ws.close({ code: 4001 });
        await c.locator('#errors').filter({ hasText: 'open in too many tabs' }).waitFor();
        /* past every reconnect delay: a reconnect would have made a WebSocket at once */
        const made = await c.evaluate(() => window.__testSockets.length);
        assert.ok(made > 0, 'the page\'s sockets are seen');
        await c.clock.runFor(20000);
        assert.equal(await c.evaluate(() => window.__testSockets.length), made, 'no reconnect on its own');
        assert.equal(net.sides.length, before, 'no reconnect on its own');
        await c.click('#reconnect');
        await c.locator('#duty-status').filter({ hasText: 'On duty' }).waitFor();
        await c.waitForFunction(() => document.getElementById('errors').textContent === '');
        assert.equal(net.sides.length, before + 1);
    });
});

const SIZES = { phone: PHONE, desktop: DESKTOP };

/* axe at both widths, and a screenshot at each */
async function check(p, name, problems) {
    for (const [size, viewport] of Object.entries(SIZES)) {
        await p.setViewportSize(viewport);
        for (const v of await axe(p)) problems.push(`${name} at ${size}: ${v}`);
        await shot(p, `${name}-${size}`);
    }
}

test('no serious or critical accessibility problems in any view; screenshots', { timeout: 90000 }, async () => {
    const topics = {
        youth: {},
        parents: { audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
        night: { hours: 'never', title_fi: 'Yöchat', title_sv: 'Nattchatten', title_en: 'Night chat' },
    };
    await daemon({ topics }, async ({ base, page }) => {
        const problems = [];
        const c = await page(DESKTOP);
        await c.goto(`${base}/console/`);
        await c.locator('#login-view').waitFor();
        await check(c, 'console-login', problems);

        const v = await visitorOpen(await page(PHONE), base);
        await check(v, 'visitor-topics', problems);
        await v.click('#topics [data-topic="youth"]');
        await v.locator('#view-queue').waitFor();
        await check(v, 'visitor-queue', problems);

        await consoleLogin(c, base);
        const panel = chatPanel(c);
        await panel.waitFor();
        await visitorSend(v, 'Hei, onko siellä joku? Minulla on vähän vaikea päivä.');
        await workerSend(panel, 'Hei, täällä ollaan. Kerro vain, mitä on tapahtunut.');
        await v.locator('#chat-log').filter({ hasText: 'täällä ollaan' }).waitFor();
        await visitorSend(v, 'Koulussa oli riitaa kavereiden kanssa.');
        await panel.locator('.chat-log').filter({ hasText: 'Koulussa' }).waitFor();
        await check(v, 'visitor-chat', problems);
        await check(c, 'console-chat', problems);

        await endChat(panel);
        await v.locator('#view-ended').waitFor();
        await check(v, 'visitor-ended', problems);
        await check(c, 'console-ended', problems);
        assert.deepEqual(problems, []);
    });
});

test('keyboard only: a visitor reaches a topic, writes and sends without a mouse', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base);
        const v = await visitorOpen(await page(PHONE), base);
        /* Tab order: language, quick exit, then the topics */
        await v.keyboard.press('Tab');
        assert.equal(await v.evaluate(() => document.activeElement.id), 'lang');
        await v.keyboard.press('Tab');
        assert.equal(await v.evaluate(() => document.activeElement.id), 'quick-exit');
        await v.keyboard.press('Tab');
        assert.equal(await v.evaluate(() => document.activeElement.getAttribute('data-topic')), 'youth');
        await v.keyboard.press('Enter');
        await v.locator('#view-chat').waitFor();
        /* the message box has the focus once the chat starts */
        assert.equal(await v.evaluate(() => document.activeElement.id), 'chat-input');
        await v.keyboard.type('typed with the keyboard');
        await v.keyboard.press('Enter');
        await chatPanel(c).locator('.chat-log').filter({ hasText: 'typed with the keyboard' }).waitFor();
    });
});
