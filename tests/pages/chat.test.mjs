/* chat.test.mjs: the visitor page and the worker console, in Debian's
 * Chromium, chat with each other through a real chatd: queue, messages both
 * ways, typing, the worker's end and the visitor's feedback; the console's
 * tools (transfer, block); a worker logging out sends the visitor back to the
 * queue; two console tabs of one worker. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALICE } from '../integration/harness.mjs';
import {
    DESKTOP, PHONE, chatPanel, consoleLogin, daemon, endChat, roundTrip, shot, visitorOpen, visitorSend, workerSend,
} from './lib.mjs';

test('a visitor page and a console chat end to end, then feedback', { timeout: 60000 }, async () => {
    await daemon(async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: null });
        const v = await visitorOpen(await page(PHONE), base);

        /* nobody on duty yet: the visitor waits, first in line (the place,
         * not "you are next": nobody is there to answer) */
        await v.click('#topics [data-topic="youth"]');
        await v.locator('#view-queue').waitFor();
        await v.locator('#queue-position').filter({ hasText: 'Your place in the queue: 1' }).waitFor();
        assert.match(await v.locator('#queue-topic').textContent(), /Youth chat/);
        assert.equal(await v.locator('#queue-note').isVisible(), false, 'no requeue note on a first join');

        /* the worker goes on duty; auto mode hands the visitor over */
        await c.check('#duty-topic-youth');
        await c.click('#duty-on');
        await c.locator('#duty-status').filter({ hasText: 'On duty: Youth chat.' }).waitFor();
        await v.locator('#view-chat').waitFor();
        assert.equal(await v.locator('#chat-with').textContent(), `You are chatting with ${ALICE.alias}.`);
        const panel = chatPanel(c);
        await panel.waitFor();
        assert.match(await panel.locator('.chat-title').textContent(), /Youth chat/);

        await visitorSend(v, 'Hei, tarvitsen apua');
        await panel.locator('.chat-log .msg-other').filter({ hasText: 'Hei, tarvitsen apua' }).waitFor();

        /* typing is shown on the other side, then the worker answers */
        await panel.locator('textarea.chat-input').pressSequentially('Hei', { delay: 20 });
        await v.locator('#chat-typing').filter({ hasText: `${ALICE.alias} is typing` }).waitFor();
        await panel.locator('textarea.chat-input').fill('');
        await workerSend(panel, 'Hei! Olen täällä.');
        await v.locator('#chat-log .msg-other').filter({ hasText: 'Hei! Olen täällä.' }).waitFor();
        await v.locator('#chat-typing').waitFor({ state: 'hidden' });

        /* Enter sends on both sides, Shift+Enter is a new line */
        await v.locator('#chat-input').fill('kaksi');
        await v.locator('#chat-input').press('Shift+Enter');
        await v.locator('#chat-input').pressSequentially('riviä');
        await v.locator('#chat-input').press('Enter');
        await panel.locator('.chat-log .msg-other .msg-text').filter({ hasText: /^kaksi\nriviä$/ }).waitFor();
        assert.equal(await v.locator('#chat-input').inputValue(), '');

        /* the worker ends; the visitor sees why and the 1-5 question */
        await endChat(panel);
        await v.locator('#view-ended').waitFor();
        assert.equal(await v.locator('#ended-reason').textContent(), 'The worker ended the chat.');
        await v.locator('#feedback').waitFor();
        const scores = v.locator('#fb-score label.score');
        assert.deepEqual(await scores.allTextContents(), ['1', '2', '3', '4', '5']);
        assert.equal(await v.locator('#fb-score-4').getAttribute('aria-label'), '4 out of 5');
        await panel.locator('.chat-status').filter({ hasText: 'Ended' }).waitFor();
        await panel.locator('.chat-log .msg-system').filter({ hasText: 'You ended the chat.' }).waitFor();

        await v.click('label[for="fb-score-4"]');
        await v.click('#feedback-send');
        await v.locator('#feedback-thanks').filter({ hasText: 'Thank you for your feedback!' }).waitFor();
        assert.ok(await v.locator('#fb-score-4').isChecked());
        assert.ok(await v.locator('#fb-score-1').isDisabled(), 'one answer only');

        /* three messages, stored encrypted */
        const list = await srv.admin(['transcript', 'list']);
        assert.match(list.stdout, / youth \d{4}-\d{2}-\d{2} 3\n/);

        /* a new chat starts from the topic list, and the console closes the old panel */
        await v.click('#again');
        await v.locator('#view-topics').waitFor();
        await panel.locator('button.chat-close').click();
        await c.locator('#chats-none').waitFor();
    });
});

test('console tools: transfer a chat to another topic and block with a confirmation', { timeout: 60000 }, async () => {
    const topics = {
        youth: {},
        parents: { audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
    };
    await daemon({ topics }, async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth'] });
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        const panel = chatPanel(c);
        await panel.waitFor();
        await visitorSend(v, 'a question for parents');
        await panel.locator('.chat-log').filter({ hasText: 'a question for parents' }).waitFor();

        /* transfer: nobody is on duty for parents, so the console asks first
         * (contract v3 §1); then the panel ends, the visitor is first in the
         * parents queue, told why */
        await panel.locator('select.chat-transfer-topic').selectOption('parents');
        await panel.locator('button.chat-transfer').click();
        await panel.locator('button.chat-transfer-force').click();
        await panel.locator('.chat-log .msg-system').filter({ hasText: 'The chat was transferred.' }).waitFor();
        await v.locator('#view-queue').waitFor();
        assert.equal(await v.locator('#queue-note').textContent(),
            'You were moved to another chat: Parents chat. You are first in its queue, and your messages are kept.');
        assert.match(await v.locator('#queue-topic').textContent(), /Parents chat/);
        await c.locator('#queue li[data-topic="youth"]').waitFor();

        /* whoever takes the parents chat gets the history */
        await c.uncheck('#duty-topic-youth');
        await c.check('#duty-topic-parents');
        await c.click('#duty-on');
        await c.locator('#duty-status').filter({ hasText: 'On duty: Parents chat.' }).waitFor();
        const again = c.locator('#chats section[data-chat]:not(.ended)');
        await again.waitFor();
        assert.match(await again.locator('.chat-title').textContent(), /Parents chat/);
        await again.locator('.chat-log').filter({ hasText: 'a question for parents' }).waitFor();
        await v.locator('#chat-log').filter({ hasText: 'a question for parents' }).waitFor();

        /* block asks first; cancelling does nothing */
        const dismissed = new Promise((resolve) => c.once('dialog', (d) => resolve(d.dismiss())));
        await again.locator('button.chat-block').click();
        await dismissed;
        /* a block sent anyway would be answered before the console's ping, and
         * the visitor's chat_ended queued before the visitor's ping */
        await roundTrip(c);
        await roundTrip(v);
        assert.equal(await again.evaluate((el) => el.classList.contains('ended')), false, 'the panel stays live');
        assert.equal(await v.locator('#view-chat').isVisible(), true, 'a cancelled block keeps the chat');
        c.once('dialog', (d) => d.accept());
        await again.locator('button.chat-block').click();
        await v.locator('#view-ended').waitFor();
        /* the same chat id came back to this console: one panel, now ended by the block */
        assert.equal(await c.locator('#chats section[data-chat]').count(), 1);
        await panel.locator('.chat-log .msg-system')
            .filter({ hasText: 'You blocked the visitor and ended the chat.' }).waitFor();

        /* the blocked session cannot join again */
        await v.click('#again');
        await v.click('#topics [data-topic="parents"]');
        await v.locator('#errors').filter({ hasText: 'You cannot join the chat right now.' }).waitFor();
        await shot(c, 'console-tools-desktop');
        const list = await srv.admin(['transcript', 'list']);
        assert.match(list.stdout, / youth /);
    });
});

test('the worker logs out: the visitor waits first in line again and gets the next worker with the history', { timeout: 60000 }, async () => {
    await daemon(async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base);
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        await chatPanel(c).waitFor();
        await visitorSend(v, 'are you there?');

        await c.click('#logout');
        await c.locator('#login-view').waitFor();
        assert.equal(await c.evaluate(() => sessionStorage.getItem('console.token')), null);
        await v.locator('#view-queue').waitFor();
        assert.equal(await v.locator('#queue-note').textContent(),
            'The worker had to leave. You are first in the queue again, and your messages are kept.');
        /* the only worker logged out: the place, not "you are next" */
        await v.locator('#queue-position').filter({ hasText: 'Your place in the queue: 1' }).waitFor();
        await shot(v, 'visitor-requeued-phone');

        /* the console's login form works again after the logout */
        await consoleLogin(c, base);
        const panel = chatPanel(c);
        await panel.locator('.chat-log').filter({ hasText: 'are you there?' }).waitFor();
        await v.locator('#view-chat').waitFor();
        assert.equal(await v.locator('#queue-note').isVisible(), false);
        await workerSend(panel, 'back again');
        await v.locator('#chat-log').filter({ hasText: 'back again' }).waitFor();
        assert.equal(await v.locator('#chat-log .msg').count(), 2, 'history, no duplicates');
        void srv;
    });
});

test('two console tabs of one worker both follow the chat', { timeout: 60000 }, async () => {
    await daemon(async ({ base, page }) => {
        const c1 = await consoleLogin(await page(DESKTOP), base);
        /* a second tab in another window logs in with the password on its own */
        const c2 = await consoleLogin(await page(DESKTOP), base, { topics: null });
        const v = await visitorOpen(await page(PHONE), base);
        await v.click('#topics [data-topic="youth"]');
        await chatPanel(c1).waitFor();
        await chatPanel(c2).waitFor();
        /* the second tab learns the duty from the queue it is sent */
        await c2.locator('#queue li[data-topic="youth"]').waitFor();

        await visitorSend(v, 'hello both');
        await chatPanel(c1).locator('.chat-log').filter({ hasText: 'hello both' }).waitFor();
        await chatPanel(c2).locator('.chat-log').filter({ hasText: 'hello both' }).waitFor();

        await workerSend(chatPanel(c2), 'answer from tab two');
        await v.locator('#chat-log').filter({ hasText: 'answer from tab two' }).waitFor();

        await endChat(chatPanel(c1));
        await chatPanel(c1).locator('.chat-status').filter({ hasText: 'Ended' }).waitFor();
        await chatPanel(c2).locator('.chat-status').filter({ hasText: 'Ended' }).waitFor();
        await v.locator('#view-ended').waitFor();
    });
});

test('pick mode: the console offers "Take next" only where the worker picks', { timeout: 60000 }, async () => {
    const topics = {
        youth: {},
        parents: { audience: 'parent', mode: 'pick', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
    };
    await daemon({ topics }, async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth', 'parents'], capacity: 1 });
        /* a worker busy with a youth chat: a second youth visitor waits, no pick offered there */
        const v1 = await visitorOpen(await page(PHONE), base);
        await v1.click('#topics [data-topic="youth"]');
        await chatPanel(c).waitFor();
        const v2 = await visitorOpen(await page(PHONE), base);
        await v2.click('#topics [data-topic="youth"]');
        const v3 = await visitorOpen(await page(PHONE), base);
        await v3.click('#topics [data-topic="parents"]');
        await v3.locator('#view-queue').waitFor();
        await c.locator('#queue li[data-topic="youth"].has-waiting').waitFor();
        await c.locator('#queue li[data-topic="parents"].has-waiting').waitFor();
        assert.equal(await c.locator('#queue li[data-topic="youth"] button.queue-pick').count(), 0);
        assert.equal(await c.locator('#queue li[data-topic="parents"] button.queue-pick').count(), 1);

        /* done with the first chat; the auto topic hands out the next youth visitor by itself */
        await endChat(chatPanel(c));
        await v2.locator('#view-chat').waitFor();
        await chatPanel(c).locator('button.chat-close').click();
        await endChat(chatPanel(c));
        await v2.locator('#view-ended').waitFor();
        /* the parents visitor waits until the worker picks: a hand-over after the
         * end would reach both before their pings come back */
        await roundTrip(c);
        await roundTrip(v3);
        assert.ok(await v3.locator('#view-queue').isVisible(), 'nobody is handed a pick-mode visitor');
        assert.equal(await c.locator('#chats section[data-chat]:not(.ended)').count(), 0, 'no new chat in the console');
        await c.click('#queue li[data-topic="parents"] button.queue-pick');
        await v3.locator('#view-chat').waitFor();
        await c.locator('#chats section[data-chat]:not(.ended) .chat-title').filter({ hasText: 'Parents chat' }).waitFor();
    });
});
