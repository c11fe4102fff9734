/* board.test.mjs: the supervisors' side of the console (contract v2 §3) in
 * Debian's Chromium against a real chatd. The shift board renders the
 * daemon's pushed board and follows it live (a visitor joins: the queue
 * counts it; a chat starts: a row for it), ticks its ages itself, and marks
 * a chat whose visitor has waited over 3 minutes for a reply, and an urgent
 * one, in words; it holds at 1366×768, works by keyboard, is axe clean and
 * speaks fi/sv/en. A coordinator follows a chat, whispers to its worker
 * (who sees the whisper marked as such; the visitor's page never shows it,
 * not even after a reload) and joins it, writing under its alias. "Ask a
 * supervisor" tells the worker at once when nobody got the alert, and with a
 * supervisor on the board it arrives there with a tone and a desktop
 * notification (allowed on a click). Screenshots in screenshots/. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALICE, addWorker, request, step, visitorHello, workerOnDutyAs } from '../integration/harness.mjs';
import {
    PHONE, axe, chatPanel, consoleLogin, countTones, daemon, endChat, layoutProblems, shot, visitorOpen, visitorSend,
    workerSend,
} from './lib.mjs';

const LAPTOP = { width: 1366, height: 768 };
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const PARENTS = {
    audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat',
};

/* The console logged in as a supervisor (creds) at 1366×768: the board.
 * clock: the page's clock is Playwright's, to be moved on by the test. */
async function boardLogin(page, base, { creds = CORA, clock = false } = {}) {
    const p = await page(LAPTOP);
    if (clock) await p.clock.install();
    await p.goto(`${base}/console/`);
    await p.fill('#login-user', creds.user);
    await p.fill('#login-password', creds.password);
    await p.click('#login-submit');
    await p.locator('#board-view').waitFor();
    await p.locator('#board-queues table').waitFor();
    return p;
}

/* Counts the notifications the page shows (countTones its tones), and
 * lets the test say what the user answers when asked for permission. */
function instrument() {
    window.__notes = [];
    window.__asked = 0;
    function Fake(title, opts) {
        window.__notes.push({ title, body: opts && opts.body });
    }
    Fake.permission = 'default';
    Fake.requestPermission = (cb) => {
        window.__asked += 1;
        Fake.permission = 'granted';
        if (cb) cb('granted');
        return Promise.resolve('granted');
    };
    window.Notification = Fake;
}

const row = (p, sel) => p.locator(sel);
const chatRow = (p) => p.locator('#board-chats tbody tr[data-chat]');

test('the board: queues, workers and chats live; ages tick; a late reply and urgency stand out; 1366×768, keys, axe, fi/sv',
    { timeout: 120000 }, async () => {
        await daemon({ topics: { youth: {}, parents: PARENTS } }, async ({ srv, base, page }) => {
            await addWorker(srv, CORA, 'coordinator');
            /* the page's clock can be moved on: the ages are computed there, from absolute times */
            const b = await boardLogin(page, base, { clock: true });
            const youth = row(b, '#board-queues tr[data-topic="youth"]');

            await step('a coordinator has the board only; empty at first', async () => {
                assert.equal(await b.locator('#views').isVisible(), false, 'a coordinator cannot go on duty: no "my chats"');
                assert.equal(await b.locator('#work-view').isVisible(), false);
                assert.deepEqual(await b.locator('#board-queues tbody th').allTextContents(), ['Youth chat', 'Parents chat']);
                assert.equal(await youth.locator('.q-waiting').textContent(), '0');
                assert.equal(await youth.locator('.q-state').textContent(), 'open, nobody on duty');
                assert.equal(await b.locator('#board-chats').textContent(), 'No chats right now.');
                assert.equal(await b.locator('#board-workers').textContent(), 'Nobody is on duty or connected.');
            });

            const v = await visitorHello(srv.port, { lang: 'en' });
            await step('a visitor joins: the queue counts it, and its wait ticks', async () => {
                assert.equal((await request(v, { type: 'join', topic: 'youth', })).type, 'queued');
                await youth.locator('.q-waiting').filter({ hasText: /^1$/ }).waitFor();
                assert.match(await youth.locator('.q-oldest').textContent(), /^\d+ s$/);
                await b.clock.runFor(65000);
                assert.match(await youth.locator('.q-oldest').textContent(), /^1 min 0\d s$/, 'ticked on by the page');
            });

            const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
            let id;
            await step('a worker goes on duty and takes the chat: a chat row, the worker\'s load', async () => {
                id = (await w.next('chat_started')).chat;
                await v.next('chat_started');
                await chatRow(b).first().waitFor();
                assert.equal(await chatRow(b).count(), 1);
                const r = b.locator(`#board-chats tr[data-chat="${id}"]`);
                assert.match(await r.locator('.c-topic').textContent(), /^#\d+ · Youth chat · en$/, 'the chat by its label, never its id');
                assert.equal(await r.locator('.c-worker').textContent(), 'Alice');
                assert.equal(await r.locator('.c-visitor').textContent(), '–', 'the visitor has not written');
                await youth.locator('.q-waiting').filter({ hasText: /^0$/ }).waitFor();
                const alice = b.locator('#board-workers tr[data-worker="Alice"]');
                await alice.locator('.w-load').filter({ hasText: '1/2 chats' }).waitFor();
                assert.equal(await alice.locator('.w-state').textContent(), 'on duty · Youth chat');
            });

            const r = b.locator(`#board-chats tr[data-chat="${id}"]`);
            await step('the visitor waits over 3 minutes for a reply: the row says so, in words', async () => {
                v.send({ type: 'msg', text: 'hei' });
                await w.next('msg');
                /* the page's clock runs 65 s ahead since the last step */
                await r.locator('.c-visitor .tick').filter({ hasText: /^1 min 0\d s$/ }).waitFor();
                assert.equal(await r.locator('.c-late').isVisible(), false);
                await b.clock.runFor(85000);
                assert.equal(await r.locator('.c-late').isVisible(), false, 'not yet at 2.5 min');
                await b.clock.runFor(40000);
                await r.locator('.c-late').waitFor();
                assert.match(await r.locator('.c-late').textContent(), /^◔ No reply for 3 min \d\d s$/);
                assert.match(await r.getAttribute('class'), /\blate\b/);
                assert.deepEqual(await axe(b), []);
                assert.deepEqual(await b.evaluate(layoutProblems), []);
            });

            await step('the worker answers: the mark goes', async () => {
                assert.equal((await request(w, { type: 'msg', chat: id, text: 'moi' })).type, 'ack');
                await r.locator('.c-late').waitFor({ state: 'hidden' });
                assert.doesNotMatch((await r.getAttribute('class')) || '', /\blate\b/);
            });

            await step('an urgent chat is marked in words and comes first', async () => {
                const v2 = await visitorHello(srv.port, { lang: 'en' });
                await request(v2, { type: 'join', topic: 'youth' });
                const second = (await w.next('chat_started')).chat;
                await chatRow(b).nth(1).waitFor();
                assert.equal(await chatRow(b).first().getAttribute('data-chat'), id, 'the older chat first');
                assert.equal((await request(w, { type: 'flag', chat: second, urgent: true })).type, 'ack');
                const u = b.locator(`#board-chats tr[data-chat="${second}"]`);
                await u.locator('.c-urgent').waitFor();
                assert.equal(await u.locator('.c-urgent').textContent(), '⚠ Urgent');
                assert.equal(await chatRow(b).first().getAttribute('data-chat'), second, 'urgent first');
                await b.locator('#board-workers tr[data-worker="Alice"] .w-load').filter({ hasText: '2/2 chats' }).waitFor();
            });

            await step('1366×768: nothing scrolls sideways, nothing overlaps; axe clean', async () => {
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                assert.equal(await b.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
                assert.deepEqual(await axe(b), []);
                await b.evaluate(() => window.scrollTo(0, 0));
                await shot(b, 'board-1366x768', { fullPage: false });
                await shot(b, 'board-1366-full');
            });

            await step('keyboard only: Tab reaches Follow, Enter opens the chat with focus on it', async () => {
                await b.locator('#lang').focus();
                let guard = 0;
                while (!(await b.evaluate(() => document.activeElement.classList.contains('c-follow')))) {
                    await b.keyboard.press('Tab');
                    assert.ok(++guard < 40, 'a Follow button is reachable by Tab');
                }
                const which = await b.evaluate(() => document.activeElement.closest('tr').getAttribute('data-chat'));
                await b.keyboard.press('Enter');
                const panel = b.locator(`#monitors section[data-monitor="${which}"]`);
                await panel.waitFor();
                await b.waitForFunction(() => document.activeElement.classList.contains('chat-title'));
                assert.equal(await b.locator(`#board-chats tr[data-chat="${which}"] .c-follow`).textContent(), 'Go to');
                assert.deepEqual(await axe(b), []);
            });

            await step('in Finnish and Swedish', async () => {
                await b.selectOption('#lang', 'fi');
                assert.equal(await b.locator('#board-queues-heading').textContent(), 'Jonot');
                assert.equal(await b.locator('#board-chats thead th').first().textContent(), 'Keskustelu');
                assert.equal(await chatRow(b).first().locator('.c-urgent').textContent(), '⚠ Kiireellinen');
                assert.match(await youth.locator('th').textContent(), /^Nuorten chat$/);
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await b.selectOption('#lang', 'sv');
                assert.equal(await b.locator('#board-workers-heading').textContent(), 'Jourhavande');
                assert.equal(await b.locator('#board-workers tr[data-worker="Alice"] .w-load').textContent(), '2/2 chattar');
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await b.selectOption('#lang', 'en');
            });
        });
    });

test('follow, whisper and join: the worker sees the whisper as one, the visitor never', { timeout: 120000 }, async () => {
    await daemon(async ({ srv, base, page }) => {
        await addWorker(srv, CORA, 'coordinator');
        const c = await consoleLogin(await page(LAPTOP), base, { topics: ['youth'] });
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        await v.locator('#view-chat').waitFor();
        const panel = chatPanel(c);
        await panel.waitFor();
        await visitorSend(v, 'hei, onko siellä joku');
        await workerSend(panel, 'Hei! Olen Alice.');

        const b = await boardLogin(page, base);
        const id = await panel.getAttribute('data-chat');
        const mon = b.locator(`#monitors section[data-monitor="${id}"]`);
        await step('Follow: the chat so far, read-only, and the board names the follower', async () => {
            await b.locator(`#board-chats tr[data-chat="${id}"] .c-follow`).click();
            await mon.waitFor();
            await mon.locator('.chat-log .msg').nth(1).waitFor();
            assert.deepEqual(await mon.locator('.chat-log .msg .msg-text').allTextContents(),
                ['hei, onko siellä joku', 'Hei! Olen Alice.']);
            assert.deepEqual(await mon.locator('.chat-log .msg .msg-who').allTextContents(), ['Visitor', 'Alice (worker)']);
            assert.match(await mon.locator('.chat-topic').textContent(), /^#\d+ · Youth chat · en · Alice$/);
            assert.equal(await mon.locator('.mon-meta').textContent(), 'You are reading along; the visitor does not see you.');
            assert.equal(await mon.locator('.mon-form').isVisible(), false, 'no message box before joining');
            await b.locator(`#board-chats tr[data-chat="${id}"] .c-says`).filter({ hasText: 'followed by Cora' }).waitFor();
        });

        await step('live lines reach the follower', async () => {
            await visitorSend(v, 'koulussa on vaikeaa');
            await mon.locator('.chat-log .msg-text').filter({ hasText: 'koulussa on vaikeaa' }).waitFor();
            await workerSend(panel, 'Kerro lisää.');
            await mon.locator('.chat-log .msg-text').filter({ hasText: 'Kerro lisää.' }).waitFor();
        });

        const WHISPER = 'ask about school, gently';
        await step('a whisper: shown to the worker as a whisper only staff see', async () => {
            await mon.locator('.whisper-input').fill(WHISPER);
            await mon.locator('.whisper-input').press('Enter');
            const own = mon.locator('.chat-log .msg-whisper').filter({ hasText: WHISPER });
            await own.and(b.locator(':not(.msg-pending)')).waitFor();
            assert.equal(await own.locator('.msg-who').textContent(), '✉ Your whisper: only staff see this');
            const got = panel.locator('.chat-log .msg-whisper').filter({ hasText: WHISPER });
            await got.waitFor();
            assert.equal(await got.locator('.msg-who').textContent(), '✉ Whisper from Cora: only staff see this');
            assert.deepEqual(await axe(b), []);
            assert.deepEqual(await axe(c), []);
            await shot(b, 'board-monitor-whisper-1366');
            await shot(panel, 'console-worker-whisper');
        });

        await step('join: the coordinator writes to the visitor under its alias', async () => {
            await mon.locator('.mon-join-button').click();
            await mon.locator('.mon-form').waitFor();
            await b.waitForFunction(() => document.activeElement.classList.contains('mon-input'));
            assert.match(await mon.locator('.mon-meta').textContent(), /^You have joined: the visitor sees your messages\./);
            await b.keyboard.type('Hei, olen Cora ja autan myös.');
            await b.keyboard.press('Enter');
            await mon.locator('.chat-log .msg-own:not(.msg-pending) .msg-text').filter({ hasText: 'Hei, olen Cora' }).waitFor();
            await v.locator('#chat-log .msg-other').filter({ hasText: 'Hei, olen Cora ja autan myös.' }).waitFor();
            const inWorker = panel.locator('.chat-log .msg-staff').filter({ hasText: 'Hei, olen Cora' });
            await inWorker.waitFor();
            assert.equal(await inWorker.locator('.msg-who').textContent(), 'Cora (supervisor)');
        });

        await step('the visitor\'s page never shows the whisper, not even after a reload', async () => {
            const seen = () => v.evaluate(() => document.documentElement.outerHTML);
            assert.ok(!(await seen()).includes(WHISPER), 'not in the visitor page');
            assert.ok(!(await seen()).includes('only staff'), 'no trace of a whisper line');
            await v.reload();
            await v.locator('#chat-log .msg').filter({ hasText: 'Hei, olen Cora ja autan myös.' }).waitFor();
            assert.equal(await v.locator('#chat-log .msg').count(), 5, 'five messages, no whisper');
            assert.ok(!(await seen()).includes(WHISPER), 'not after a resume either');
        });

        await step('the worker reloads: the history keeps the whisper as a whisper and Cora\'s line as hers', async () => {
            await c.reload();
            await panel.locator('.chat-log .msg').nth(5).waitFor();
            /* a history does not say whether another writer joined as a
             * supervisor or had the chat before a transfer: named by alias */
            assert.deepEqual(await panel.locator('.chat-log .msg .msg-who').allTextContents(), ['Visitor', 'You', 'Visitor',
                'You', '✉ Whisper from Cora: only staff see this', 'Cora']);
            assert.equal(await panel.locator('.chat-log .msg-whisper .msg-text').textContent(), WHISPER);
        });

        await step('the chat ends: the follower sees it, the panel closes on request', async () => {
            await endChat(panel);
            await mon.locator('.chat-log .msg-system').filter({ hasText: 'The worker ended the chat.' }).waitFor();
            assert.equal(await mon.locator('.whisper-form').isVisible(), false);
            await mon.locator('.mon-close').click();
            await mon.waitFor({ state: 'detached' });
            await b.locator('#monitors-none').waitFor();
        });
    });
});

test('ask a supervisor: nobody there is said at once; with one on the board, a listed alert, a tone and a notification',
    { timeout: 120000 }, async () => {
        await daemon({ topics: { youth: {}, parents: { ...PARENTS, first_reply_s: 1 } } }, async ({ srv, base, page }) => {
            await addWorker(srv, CORA, 'coordinator');
            const c = await consoleLogin(await page(LAPTOP), base, { topics: ['youth', 'parents'], capacity: 3 });
            const v = await visitorHello(srv.port, { lang: 'en' });
            assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
            await chatPanel(c).waitFor();
            /* pinned: a newer chat goes on top */
            const panel = c.locator(`#chats section[data-chat="${await chatPanel(c).getAttribute('data-chat')}"]`);
            const status = panel.locator('.chat-ask-status');

            await step('no supervisor connected: the worker is told so at once', async () => {
                await panel.locator('.chat-ask-open').click();
                assert.equal(await panel.locator('.chat-ask-open').getAttribute('aria-expanded'), 'true');
                await c.waitForFunction(() => document.activeElement.classList.contains('chat-ask-note'));
                assert.equal(await panel.locator('.chat-ask-note').getAttribute('maxlength'), '200');
                await c.keyboard.type('risk of harm');
                await c.keyboard.press('Enter');
                await status.filter({ hasText: /\S/ }).waitFor();
                assert.equal(await status.textContent(),
                    'No supervisor is connected right now, so nobody got it. Reach your supervisor another way if you need help now.');
                assert.equal(await status.getAttribute('role'), 'alert');
                assert.match(await status.getAttribute('class'), /\bask-nobody\b/);
                assert.equal(await panel.locator('.chat-ask').isVisible(), false, 'the form closes');
                await panel.locator('.chat-urgent').waitFor();   /* the alert made the chat urgent */
                assert.deepEqual(await axe(c), []);
                await shot(panel, 'console-ask-nobody');
            });

            const b = await page(LAPTOP);
            await b.addInitScript(countTones);
            await b.addInitScript(instrument);
            await b.goto(`${base}/console/`);
            await b.fill('#login-user', CORA.user);
            await b.fill('#login-password', CORA.password);
            await b.click('#login-submit');
            await b.locator('#board-chats table').waitFor();

            await step('desktop notifications are asked for only on a click', async () => {
                assert.equal(await b.evaluate(() => window.__asked), 0, 'not asked on its own');
                await b.locator('#board-notify').click();
                assert.equal(await b.evaluate(() => window.__asked), 1);
                await b.locator('#board-notify-state').filter({ hasText: 'Alerts also show as desktop notifications.' }).waitFor();
                assert.equal(await b.locator('#board-notify').isVisible(), false);
            });

            await step('with a supervisor on the board: it gets the alert, with a tone and a notification', async () => {
                await panel.locator('.chat-ask-open').focus();
                await c.keyboard.press('Enter');
                await c.waitForFunction(() => document.activeElement.classList.contains('chat-ask-note'));
                await c.keyboard.type('please read along');
                await c.keyboard.press('Enter');
                await status.filter({ hasText: 'Sent to the shift board, where 1 supervisor is now. You will see here when someone takes it.' }).waitFor();
                assert.match(await status.getAttribute('class'), /\bask-sent\b/);

                const item = b.locator('#board-alerts li.alert-item').first();
                await item.waitFor();
                assert.match(await item.locator('.alert-who').textContent(), /^#\d+ · Youth chat · en · Alice$/);
                assert.equal(await item.locator('.alert-note').textContent(), '“please read along”');
                assert.match(await item.locator('.alert-sign').textContent(), /Alert/);
                assert.match(await b.locator('#alarm').textContent(), /^#\d+ · Youth chat · en · Alice: please read along$/);
                assert.ok(await b.evaluate(() => window.__tones) >= 1, 'a tone was played');
                const notes = await b.evaluate(() => window.__notes);
                assert.equal(notes.length, 1);
                assert.equal(notes[0].title, 'Alert from a chat');
                assert.match(notes[0].body, /^#\d+ · Youth chat · en · Alice: please read along$/);
                assert.equal(await b.locator('#board-alerts-none').isVisible(), false);
            });

            await step('a chat without a first reply raises one by itself, said in the page\'s words', async () => {
                const v2 = await visitorHello(srv.port, { lang: 'en' });
                assert.equal((await request(v2, { type: 'join', topic: 'parents' })).type, 'queued');
                const item = b.locator('#board-alerts li.alert-item').first();
                await srv.advance(1.5); /* first_reply_s of chatd's time */
                await item.filter({ hasText: 'Parents chat · en · Alice' }).waitFor({ timeout: 8000 });
                assert.equal(await item.locator('.alert-kind').textContent(),
                    'No first reply yet: the visitor has waited for the worker\'s first message.');
                assert.equal(await b.locator('#board-alerts li.alert-item').count(), 2, 'newest first');
                assert.deepEqual(await axe(b), []);
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await b.evaluate(() => window.scrollTo(0, 0));
                await shot(b, 'board-alerts-1366x768', { fullPage: false });
            });

            await step('Follow from an alert opens that chat', async () => {
                const id = await panel.getAttribute('data-chat');
                await b.locator(`#board-alerts li.alert-item[data-chat="${id}"] .alert-follow`).click();
                await b.locator(`#monitors section[data-monitor="${id}"]`).waitFor();
                await b.waitForFunction(() => document.activeElement.classList.contains('chat-title'));
            });
        });
    });

test('a busy shift for an admin: 3 workers, 5 chats, 2 urgent; alerts counted on the other view', { timeout: 120000 }, async () => {
    await daemon({ topics: { youth: {}, parents: PARENTS } }, async ({ srv, base, page }) => {
        const ADAM = { user: 'adam', password: 'adam-password-1', alias: 'Adam' };
        const BOB = { user: 'bob', password: 'bob-password-1', alias: 'Bob' };
        const DANA = { user: 'dana', password: 'dana-password-1', alias: 'Dana' };
        await addWorker(srv, ADAM, 'admin');
        await addWorker(srv, BOB);
        await addWorker(srv, DANA);
        /* one worker after another, so that each gets its share: 2, 2 and 1 */
        const chats = [];
        let i = 0;
        for (const [who, n] of [[ALICE, 2], [BOB, 2], [DANA, 1]]) {
            const w = await workerOnDutyAs(srv.port, who, ['youth'], 2);
            for (let k = 0; k < n; k++, i++) {
                const v = await visitorHello(srv.port, { lang: 'en' });
                assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
                chats.push({ v, w, id: (await w.next('chat_started')).chat });
                await v.next('chat_started');
                v.send({ type: 'msg', text: `hello ${i}` });
            }
        }
        for (const x of chats.slice(0, 2)) assert.equal((await request(x.w, { type: 'flag', chat: x.id, urgent: true })).type, 'ack');
        const waiting = await visitorHello(srv.port, { lang: 'en' });
        assert.equal((await request(waiting, { type: 'join', topic: 'parents' })).type, 'queued');

        const a = await page(LAPTOP);
        await a.goto(`${base}/console/`);
        await a.fill('#login-user', ADAM.user);
        await a.fill('#login-password', ADAM.password);
        await a.click('#login-submit');
        await a.locator('#work-view').waitFor();

        await step('an admin starts on its own chats, with the board one link away', async () => {
            assert.ok(await a.locator('#views').isVisible());
            assert.equal(await a.locator('#nav-chats').getAttribute('aria-current'), 'page');
            assert.equal(await a.locator('#board-view').isVisible(), false);
            const x = chats[0];   /* urgent already: an alert makes its chat urgent */
            assert.equal((await request(x.w, { type: 'alert', chat: x.id, note: 'need a second opinion' })).supervisors, 1,
                'the board is on for an admin on the other view too');
            await a.locator('#nav-board-count').filter({ hasText: '1' }).waitFor();
            assert.equal(await a.locator('#nav-board').textContent(), 'Shift board1 (new alerts: 1)');
            await a.locator('#nav-board').focus();
            await a.keyboard.press('Enter');
            await a.locator('#board-view').waitFor();
            assert.equal(await a.locator('#nav-board').getAttribute('aria-current'), 'page');
            assert.equal(await a.locator('#nav-board-count').isVisible(), false, 'seen');
        });

        await step('the board: 3 workers, 5 chats, 2 of them urgent, one visitor waiting', async () => {
            await chatRow(a).nth(4).waitFor();
            assert.equal(await chatRow(a).count(), 5);
            assert.equal(await a.locator('#board-chats .c-urgent').count(), 2);
            assert.equal(await a.locator('#board-chats tbody tr').nth(0).locator('.c-urgent').count(), 1, 'urgent first');
            assert.equal(await a.locator('#board-chats tbody tr').nth(1).locator('.c-urgent').count(), 1);
            assert.deepEqual((await a.locator('#board-workers tbody .w-alias').allTextContents()).sort(), ['Alice', 'Bob', 'Dana']);
            assert.equal(await a.locator('#board-queues tr[data-topic="parents"] .q-waiting').textContent(), '1');
            assert.match(await a.locator('#board-queues tr[data-topic="parents"] .q-state').textContent(), /nobody on duty/);
            await a.locator('#board-alerts li.alert-item').filter({ hasText: 'need a second opinion' }).waitFor();
            assert.deepEqual(await axe(a), []);
            assert.deepEqual(await a.evaluate(layoutProblems), []);
            await shot(a, 'board-busy-1366x768', { fullPage: false });
            await shot(a, 'board-busy-1366-full');
        });

        await step('mirrored right to left, it still fits', async () => {
            await a.evaluate(() => { document.documentElement.dir = 'rtl'; });
            assert.deepEqual(await a.evaluate(layoutProblems), []);
            const sides = await a.evaluate(() => {
                const main = document.querySelector('.board-main').getBoundingClientRect();
                const side = document.querySelector('.board-side').getBoundingClientRect();
                return { main: main.left, side: side.left };
            });
            assert.ok(sides.side < sides.main, 'the side column moves to the left');
            await shot(a, 'board-busy-rtl-1366x768', { fullPage: false });
            await a.evaluate(() => { document.documentElement.dir = 'ltr'; });
        });

        await step('back to my chats by the address', async () => {
            await a.goto(`${base}/console/#chats`);
            await a.locator('#work-view').waitFor();
            assert.equal(await a.locator('#board-view').isVisible(), false);
        });
    });
});
