/* shift.test.mjs: the shift without surprises, in the console (contract v3
 * §2), in Debian's Chromium against a real chatd.
 * - The board: two open alerts about two chats of the same topic and worker
 *   told apart by their labels; one taken by keyboard (the worker is told who
 *   is coming), both there again after a reload, closed by keyboard; an
 *   ended chat's alert goes; following an alert whose chat has ended says so
 *   plainly, with no error banner. Desktop and 390 px, axe, fi/sv/en.
 * - The worker: who follows the chat (`monitored`), "Cora is coming"
 *   (`alert_taken`) and the no-first-reply alert of their own chat.
 * - Three live chats headed "#N · Youth chat · en", newest on top, the ended
 *   one folded (and opened again by keyboard); a new chat sounds and changes
 *   the tab's title with the console in front, not once the setting is off
 *   (kept over a reload); no random chat id anywhere a person can read it.
 * - Canned replies of the chat's language only (Swedish in a Swedish chat).
 * - Plural forms: "Enintään 1 keskustelu", "Enintään 2 keskustelua", and
 *   every {n} string of the console is either a one/other pair or a form
 *   where the number is a label.
 * Screenshots in screenshots/shift-*.png. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
    ALICE, WEB_ROOT, addWorker, request, step, visitorHello, workerLogin, workerOnDutyAs,
} from '../integration/harness.mjs';
import {
    DESKTOP, PHONE, axe, chatPanel, consoleLogin, countTones, daemon, layoutProblems, roundTrip, shot,
} from './lib.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };

/* The console logged in as creds (a supervisor: the board). */
async function boardLogin(p, base, creds = CORA) {
    await p.goto(`${base}/console/`);
    await p.fill('#login-user', creds.user);
    await p.fill('#login-password', creds.password);
    await p.click('#login-submit');
    await p.locator('#board-view').waitFor();
    await p.locator('#board-queues table').waitFor();
    return p;
}

/* Tab from the language menu until fn(activeElement) holds. */
async function tabTo(p, fn, arg) {
    await p.locator('#lang').focus();
    for (let i = 0; i < 80; i++) {
        if (await p.evaluate(fn, arg)) return;
        await p.keyboard.press('Tab');
    }
    assert.fail('not reachable by Tab');
}

/* Everything a person (or a screen reader) can read on the page. */
function readable() {
    const bits = [document.title, document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label],[title],[alt]')) {
        bits.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '', el.getAttribute('alt') || '');
    }
    return bits.join('\n');
}

async function noIdShown(p, ids) {
    const text = await p.evaluate(readable);
    for (const id of ids) assert.ok(!text.includes(id), `the chat id ${id} is not shown anywhere`);
}

/* A visitor (ws) joined topic and the chat as alice's client w sees it. */
async function newChat(srv, w, { topic = 'youth', lang = 'en' } = {}) {
    const v = await visitorHello(srv.port, { lang });
    assert.equal((await request(v, { type: 'join', topic })).type, 'queued');
    const s = await w.next('chat_started');
    await v.next('chat_started');
    assert.match(s.label, /^\d+$/, 'a chat has a short label');
    return { v, chat: s.chat, label: s.label };
}

test('the board: two open alerts told apart, one taken by keyboard, kept over a reload, closed by keyboard; an ended chat\'s alert goes',
    { timeout: 180000 }, async () => {
        await daemon(async ({ srv, base, page }) => {
            await addWorker(srv, CORA, 'coordinator');
            const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 3);
            const one = await newChat(srv, w);
            const two = await newChat(srv, w);
            assert.notEqual(one.label, two.label);

            const b = await page(DESKTOP);
            await b.addInitScript(countTones);
            /* the board's frames go through the test, which can hold them back
             * (a board that has not heard yet that a chat ended) */
            const net = { hold: false };
            await b.context().routeWebSocket(/\/ws$/, (ws) => {
                const server = ws.connectToServer();
                server.onMessage((m) => {
                    if (net.hold && /"type":"(board|alert|alert_closed)"/.test(String(m))) return;
                    ws.send(m);
                });
            });
            await boardLogin(b, base);
            const item = (x) => b.locator(`#board-alerts li.alert-item[data-chat="${x.chat}"]`);

            await step('two alerts about two chats of one topic and worker: told apart by label', async () => {
                assert.equal((await request(w, { type: 'alert', chat: one.chat, note: 'please read along' })).type, 'ack');
                assert.equal((await request(w, { type: 'alert', chat: two.chat })).type, 'ack');
                await item(one).waitFor();
                await item(two).waitFor();
                assert.equal(await item(one).locator('.alert-who').textContent(), `#${one.label} · Youth chat · en · Alice`);
                assert.equal(await item(two).locator('.alert-who').textContent(), `#${two.label} · Youth chat · en · Alice`);
                assert.equal(await item(one).locator('.alert-note').textContent(), '“please read along”');
                assert.equal(await item(two).locator('.alert-kind').textContent(), 'The worker asks for a supervisor.');
                assert.equal(await item(one).locator('.alert-state').textContent(), '○ Not taken yet');
                assert.deepEqual(await b.locator('#board-alerts li.alert-item').evaluateAll((l) => l.map((x) => x.dataset.chat)),
                    [two.chat, one.chat], 'newest first');
                assert.ok(await b.evaluate(() => window.__tones) >= 2, 'each new alert sounds');
            });

            await step('Take by keyboard: the worker is told Cora is coming; the board says who took it', async () => {
                await tabTo(b, (c) => document.activeElement.classList.contains('alert-take') &&
                    document.activeElement.closest('li').dataset.chat === c, one.chat);
                assert.equal(await b.evaluate(() => document.activeElement.getAttribute('aria-label')),
                    `Take the alert and tell the worker you are coming: #${one.label} · Youth chat · en`);
                await b.keyboard.press('Enter');
                const taken = await w.next('alert_taken');
                assert.equal(taken.by, 'Cora');
                assert.equal(taken.chat, one.chat);
                await item(one).locator('.alert-state').filter({ hasText: 'Taken by you' }).waitFor();
                assert.equal(await item(one).locator('.alert-take').isVisible(), false, 'nothing left to take');
                assert.equal(await b.evaluate(() => document.activeElement.classList.contains('alert-close')), true,
                    'the focus stays in the alert, on Close');
                assert.equal(await item(two).locator('.alert-state').textContent(), '○ Not taken yet');
            });

            await step('a reload shows both alerts again, one taken; desktop and 390 px, axe; fi and sv', async () => {
                await b.reload();
                await b.locator('#board-view').waitFor();
                await item(one).locator('.alert-state').filter({ hasText: 'Taken by you' }).waitFor();
                await item(two).locator('.alert-state').filter({ hasText: 'Not taken yet' }).waitFor();
                assert.equal(await b.locator('#board-alerts li.alert-item').count(), 2);
                assert.deepEqual(await axe(b), []);
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await noIdShown(b, [one.chat, two.chat]);
                await shot(b, 'shift-board-two-alerts-desktop');
                await b.setViewportSize(PHONE);
                assert.deepEqual(await axe(b), []);
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await item(two).scrollIntoViewIfNeeded();
                await shot(b, 'shift-board-two-alerts-390');
                await b.selectOption('#lang', 'fi');
                assert.equal(await item(one).locator('.alert-state').textContent(), '✓ Hoidat sinä');
                assert.equal(await item(two).locator('.alert-state').textContent(), '○ Ei vielä kenenkään hoidossa');
                assert.equal(await item(two).locator('.alert-take').textContent(), 'Ota');
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                await b.selectOption('#lang', 'sv');
                assert.equal(await item(two).locator('.alert-close').textContent(), 'Stäng');
                assert.equal(await item(one).locator('.alert-state').textContent(), '✓ Du tar hand om det');
                assert.deepEqual(await b.evaluate(layoutProblems), []);
                assert.deepEqual(await axe(b), []);
                await b.selectOption('#lang', 'en');
                await b.setViewportSize(DESKTOP);
            });

            await step('another supervisor\'s take is shown by name', async () => {
                await addWorker(srv, { user: 'anna', password: 'anna-password-1', alias: 'Anna' }, 'coordinator');
                const anna = await workerLogin(srv.port, 'anna', 'anna-password-1');
                const board = await request(anna, { type: 'board', on: true });
                const a2 = board.alerts.find((a) => a.chat === two.chat);
                assert.equal((await request(anna, { type: 'alert_take', alert: a2.alert })).type, 'ack');
                await item(two).locator('.alert-state').filter({ hasText: '✓ Taken by Anna' }).waitFor();
                assert.equal((await w.next('alert_taken')).by, 'Anna');
            });

            await step('Close by keyboard: the alert goes, the focus moves on to the next one', async () => {
                await tabTo(b, (c) => document.activeElement.classList.contains('alert-close') &&
                    document.activeElement.closest('li').dataset.chat === c, two.chat);
                await b.keyboard.press('Enter');
                await item(two).waitFor({ state: 'detached' });
                await b.waitForFunction((c) => document.activeElement.closest('li') &&
                    document.activeElement.closest('li').dataset.chat === c, one.chat);
                await roundTrip(b);
                assert.equal(await item(two).count(), 0, 'closed on the daemon too: the next board does not bring it back');
            });

            await step('the chat ends: its alert goes from the board', async () => {
                assert.equal((await request(w, { type: 'end', chat: one.chat })).type, 'chat_ended');
                await item(one).waitFor({ state: 'detached' });
                await b.locator('#board-alerts-none').waitFor();
            });

            await step('following an alert whose chat has just ended: said plainly, no error banner', async () => {
                const three = await newChat(srv, w);
                assert.equal((await request(w, { type: 'alert', chat: three.chat })).type, 'ack');
                await item(three).waitFor();
                net.hold = true; /* the board does not hear of the end in time */
                assert.equal((await request(w, { type: 'end', chat: three.chat })).type, 'chat_ended');
                await item(three).locator('.alert-follow').click();
                await b.locator('#board-said').filter({ hasText: /^That chat has ended/ }).waitFor();
                assert.equal(await b.locator('#errors').textContent(), '', 'no error banner');
                assert.equal(await item(three).count(), 0, 'its alert goes');
                net.hold = false;
            });
        });
    });

test('the worker: who follows the chat, who is coming, and the no-first-reply alert of their own chat', { timeout: 120000 }, async () => {
    await daemon({ topics: { youth: { first_reply_s: 60 } } }, async ({ srv, base, page }) => {
        await addWorker(srv, CORA, 'coordinator');
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth'], capacity: 2 });
        const cora = await workerLogin(srv.port, CORA.user, CORA.password);
        assert.equal((await request(cora, { type: 'board', on: true })).type, 'board');
        const v = await visitorHello(srv.port, { lang: 'en' });
        assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
        await chatPanel(c).waitFor();
        const id = await chatPanel(c).getAttribute('data-chat');
        const panel = c.locator(`#chats section[data-chat="${id}"]`);
        await panel.locator('textarea.chat-input').fill('Hei!');
        await panel.locator('button.chat-send').click();
        await panel.locator('.chat-log .msg-own:not(.msg-pending)').waitFor();

        await step('a supervisor follows: the worker is told, in the panel and the log', async () => {
            assert.equal(await panel.locator('.chat-monitored').isVisible(), false);
            assert.equal((await request(cora, { type: 'monitor', chat: id, on: true })).type, 'chat_started');
            await panel.locator('.chat-monitored').filter({ hasText: 'Cora is following this chat (the visitor does not see it).' }).waitFor();
            await panel.locator('.chat-log .msg-system').filter({ hasText: 'Cora is following this chat' }).waitFor();
        });

        await step('a console tab opened later knows it too (monitored_by)', async () => {
            const c2 = await consoleLogin(await page(DESKTOP), base, { topics: null });
            await c2.locator(`#chats section[data-chat="${id}"] .chat-monitored`)
                .filter({ hasText: 'Cora is following this chat (the visitor does not see it).' }).waitFor();
            await c2.close();
        });

        await step('the worker asks; the supervisor takes it: "Cora is coming"', async () => {
            await panel.locator('.chat-ask-open').click();
            await c.keyboard.type('risk of harm');
            await c.keyboard.press('Enter');
            await panel.locator('.chat-ask-status').filter({ hasText: 'Sent to the shift board, where 1 supervisor is now.' }).waitFor();
            const alert = await cora.next('alert');
            assert.equal((await request(cora, { type: 'alert_take', alert: alert.alert })).type, 'ack');
            await panel.locator('.chat-ask-status').filter({ hasText: 'Cora is coming: they took your alert.' }).waitFor();
            await panel.locator('.chat-log .msg-system').filter({ hasText: 'Cora is coming: they took your alert.' }).waitFor();
            assert.deepEqual(await axe(c), []);
            await shot(panel, 'shift-console-worker-told');
        });

        await step('in Swedish and Finnish the lines are said again in those words', async () => {
            await c.selectOption('#lang', 'sv');
            assert.equal(await panel.locator('.chat-monitored').textContent(), '◉ Cora följer den här chatten (besökaren ser det inte).');
            await panel.locator('.chat-log .msg-system').filter({ hasText: 'Cora kommer: hen tog ditt larm.' }).waitFor();
            await c.selectOption('#lang', 'fi');
            await panel.locator('.chat-ask-status').filter({ hasText: 'Cora on tulossa: hän otti hälytyksesi hoitaakseen.' }).waitFor();
            await c.selectOption('#lang', 'en');
        });

        await step('the supervisor stops following: said so', async () => {
            assert.equal((await request(cora, { type: 'monitor', chat: id, on: false })).type, 'ack');
            await panel.locator('.chat-monitored').waitFor({ state: 'hidden' });
            await panel.locator('.chat-log .msg-system').filter({ hasText: 'Nobody follows this chat now.' }).waitFor();
        });

        await step('no first reply in a new chat: the worker sees the alert the board got', async () => {
            const v2 = await visitorHello(srv.port, { lang: 'en' });
            assert.equal((await request(v2, { type: 'join', topic: 'youth' })).type, 'queued');
            await c.locator(`#chats section[data-chat]:not([data-chat="${id}"])`).waitFor();
            const second = c.locator(`#chats section[data-chat]:not([data-chat="${id}"])`);
            await srv.advance(61);
            const a = await cora.next((m) => m.type === 'alert' && m.kind === 'no_first_reply');
            assert.equal(a.chat, await second.getAttribute('data-chat'));
            await second.locator('.chat-log .msg-system')
                .filter({ hasText: 'A supervisor was alerted: the visitor is still waiting for your first message.' }).waitFor();
            assert.deepEqual(await axe(c), []);
            await c.setViewportSize(PHONE);
            assert.deepEqual(await axe(c), []);
            assert.deepEqual(await c.evaluate(layoutProblems), []);
        });
    });
});

test('three live chats: labelled heads, newest on top, the ended one folded; a new chat sounds and titles the tab, unless turned off',
    { timeout: 180000 }, async () => {
        await daemon(async ({ srv, base, page }) => {
            const c = await page(DESKTOP);
            await c.addInitScript(countTones);
            await consoleLogin(c, base, { topics: ['youth'], capacity: 4 });
            const panels = c.locator('#chats section[data-chat]');
            const visitors = [];
            const join = async (lang = 'en') => {
                const v = await visitorHello(srv.port, { lang });
                assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
                visitors.push(v);
                return v;
            };

            let first;
            await step('a chat comes with the console in front: a tone and the tab\'s title', async () => {
                assert.equal(await c.evaluate(() => document.hidden), false);
                assert.equal(await c.title(), 'Worker console');
                const tones = await c.evaluate(() => window.__tones);
                await join();
                await panels.first().waitFor();
                first = await panels.first().getAttribute('data-chat');
                await c.waitForFunction(() => /^New chat #\d+ · Youth chat · en – Worker console$/.test(document.title));
                assert.ok(await c.evaluate(() => window.__tones) > tones, 'the sound was played');
                await panels.first().locator('textarea.chat-input').focus();
                assert.equal(await c.title(), 'Worker console', 'going into the chat takes the title back');
            });

            await step('the first chat ends; three more come: newest on top, the ended one folded', async () => {
                visitors[0].send({ type: 'leave' });
                await c.locator(`#chats section[data-chat="${first}"].ended`).waitFor();
                for (let i = 0; i < 3; i++) {
                    await join(i === 1 ? 'sv' : 'en');
                    await c.locator('#chats section[data-chat]:not(.ended)').nth(i).waitFor();
                }
                const heads = await panels.locator('.chat-topic').allTextContents();
                assert.equal(heads.length, 4);
                const labels = heads.map((h) => Number(/^#(\d+) · Youth chat · (en|sv)$/.exec(h)[1]));
                assert.deepEqual(labels, [...labels].sort((x, y) => y - x), 'newest (highest label) on top');
                assert.match(heads[1], / · sv$/, 'the Swedish chat says so in its head');
                assert.equal(await panels.last().getAttribute('data-chat'), first, 'the ended one below');
                const ended = c.locator(`#chats section[data-chat="${first}"]`);
                assert.equal(await ended.locator('.chat-body').isVisible(), false, 'folded');
                assert.equal(await ended.locator('.chat-expand').getAttribute('aria-expanded'), 'false');
                assert.equal(await ended.locator('.chat-expand').textContent(), 'Show the messages');
                assert.ok(await ended.locator('.chat-close').isVisible(), 'Close stays at hand');
                assert.match(await panels.first().locator('.chat-waiting').textContent(), /^ · waiting \d+ s$/);
                await c.locator('#chats-heading').focus();
            });

            await step('the folded chat opens by keyboard', async () => {
                const ended = c.locator(`#chats section[data-chat="${first}"]`);
                await ended.locator('.chat-expand').focus();
                await c.keyboard.press('Enter');
                await ended.locator('.chat-body').waitFor();
                assert.equal(await ended.locator('.chat-expand').getAttribute('aria-expanded'), 'true');
                await ended.locator('.chat-log .msg-system').filter({ hasText: 'The visitor ended the chat.' }).waitFor();
                await c.keyboard.press('Enter');
                await ended.locator('.chat-body').waitFor({ state: 'hidden' });
            });

            await step('no random id anywhere; axe; desktop and 390 px', async () => {
                const ids = await panels.evaluateAll((l) => l.map((p) => p.dataset.chat));
                await noIdShown(c, ids);
                assert.deepEqual(await axe(c), []);
                assert.deepEqual(await c.evaluate(layoutProblems), []);
                await c.evaluate(() => window.scrollTo(0, 0));
                await shot(c, 'shift-console-three-chats-desktop');
                await c.setViewportSize(PHONE);
                assert.deepEqual(await axe(c), []);
                assert.deepEqual(await c.evaluate(layoutProblems), []);
                await shot(c, 'shift-console-three-chats-390');
                await c.setViewportSize(DESKTOP);
            });

            await step('the setting off: a new chat neither sounds nor titles; kept over a reload', async () => {
                await c.locator('#chats section[data-chat]:not(.ended)').first().locator('.chat-end').click();
                await c.locator('#chats section[data-chat]:not(.ended)').first().locator('.chat-end-yes').click();
                await c.locator('#newchat-alert').uncheck();
                await c.reload();
                await c.locator('#work-view').waitFor();
                await c.locator('#chats section[data-chat]').first().waitFor();
                assert.equal(await c.locator('#newchat-alert').isChecked(), false, 'kept in this browser');
                const tones = await c.evaluate(() => window.__tones);
                const before = await c.locator('#chats section[data-chat]').count();
                await join();
                await c.locator('#chats section[data-chat]').nth(before).waitFor();
                await roundTrip(c);
                assert.equal(await c.title(), 'Worker console');
                assert.equal(await c.evaluate(() => window.__tones), tones, 'no sound');
                await c.locator('#newchat-alert').check();
            });
        });
    });

test('canned replies: those of the chat\'s language only (Swedish in a Swedish chat)', { timeout: 90000 }, async () => {
    const config = `
[canned]
reply = Hello, how can I help?

[canned fi]
reply = Hei, miten voin auttaa?
reply = Kiitos kun kirjoitit.

[canned sv]
reply = Hej, hur kan jag hjälpa?
reply = Tack för att du skrev.
`;
    await daemon({ config }, async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth'], capacity: 3 });
        const options = (p) => p.locator('select.chat-canned option:not([value=""])').allTextContents();
        const sv = await visitorHello(srv.port, { lang: 'sv' });
        await request(sv, { type: 'join', topic: 'youth' });
        await chatPanel(c).waitFor();
        const svPanel = c.locator(`#chats section[data-chat="${await chatPanel(c).getAttribute('data-chat')}"]`);

        await step('a Swedish chat offers the Swedish replies, marked as Swedish', async () => {
            assert.deepEqual(await options(svPanel), ['Hej, hur kan jag hjälpa?', 'Tack för att du skrev.']);
            assert.equal(await svPanel.locator('select.chat-canned option[value="0"]').getAttribute('lang'), 'sv');
            await svPanel.locator('select.chat-canned').selectOption('1');
            assert.equal(await svPanel.locator('textarea.chat-input').inputValue(), 'Tack för att du skrev.');
            assert.deepEqual(await axe(c), []);
        });

        await step('a Finnish chat the Finnish ones, an English one the general list', async () => {
            const fi = await visitorHello(srv.port, { lang: 'fi' });
            await request(fi, { type: 'join', topic: 'youth' });
            await c.locator('#chats section[data-chat]').nth(1).waitFor();
            const newest = c.locator('#chats section[data-chat]').first();
            assert.deepEqual(await options(newest), ['Hei, miten voin auttaa?', 'Kiitos kun kirjoitit.']);
            const en = await visitorHello(srv.port, { lang: 'en' });
            await request(en, { type: 'join', topic: 'youth' });
            await c.locator('#chats section[data-chat]').nth(2).waitFor();
            assert.deepEqual(await options(newest), ['Hello, how can I help?']);
            assert.deepEqual(await options(svPanel), ['Hej, hur kan jag hjälpa?', 'Tack för att du skrev.'], 'unchanged');
        });
    });
});

test('plural forms: "Enintään 1 keskustelu", "Enintään 2 keskustelua", and in Swedish and English', { timeout: 90000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c = await consoleLogin(await page(PHONE), base, { topics: ['youth'], capacity: 1 });
        const status = c.locator('#duty-status');
        const says = async (lang, text) => {
            await c.selectOption('#lang', lang);
            assert.match(await status.textContent(), text);
        };
        await says('fi', /Enintään 1 keskustelu kerrallaan\./);
        await says('sv', /Högst 1 chatt åt gången\./);
        await says('en', /Up to 1 chat at a time\./);
        await c.fill('#duty-capacity', '2');
        await c.click('#duty-on');
        await status.filter({ hasText: 'Up to 2 chats at a time.' }).waitFor();
        await says('fi', /Enintään 2 keskustelua kerrallaan\./);
        await says('sv', /Högst 2 chattar åt gången\./);
        assert.deepEqual(await axe(c), []);
    });
});

test('every {n} string of the console is a one/other pair, or a number used as a label', () => {
    const strings = (lang) => JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', `${lang}.json`), 'utf8')).strings;
    /* "Waiting: 3", "3 on duty", "(new alerts: 3)", "Overdue: 2.", "Youth chat: 3 waiting.":
     * the number stands on its own */
    const LABELS = ['c.queue.waiting', 'c.queue.urgent', 'c.transfer.duty', 'board.nav.count',
        'c.letters.summary.overdue', 'c.letters.board.topic'];
    const en = strings('en');
    const counted = Object.keys(en).filter((k) => /^(c|board|console|wrapup)\./.test(k) && /\{(n|chats|capacity)\}/.test(en[k]));
    const loose = counted.filter((k) => !LABELS.includes(k) && !/\.(one|other)$/.test(k));
    assert.deepEqual(loose, [], 'a count in a sentence needs its plural forms');
    for (const k of counted.filter((x) => x.endsWith('.one'))) {
        assert.ok(`${k.slice(0, -4)}.other` in en, `${k} has its .other`);
    }
    for (const lang of ['fi', 'sv', 'en']) {
        const s = strings(lang);
        assert.match(s['c.duty.status.on.one'], /\{n\}/);
        assert.doesNotMatch(s['board.w.load.one'], /(keskustelua|chattar|chats)$/, `${lang}: the singular is singular`);
    }
    /* the wrap-up's kinds are the statistics' words (one label per kind) */
    const wrapup = fs.readFileSync(path.join(WEB_ROOT, 'console', 'wrapup.js'), 'utf8');
    for (const kind of ['counselling', 'information', 'silent', 'test', 'prank', 'abusive']) {
        assert.ok(wrapup.includes(`'s.kind.${kind}'`), `the wrap-up names ${kind} with s.kind.${kind}`);
        assert.ok(!(`wrapup.kind.${kind}` in en), `no second label for ${kind}`);
    }
});
