/* triage.test.mjs: honest availability, the pre-chat questions and urgency
 * (contract v2 §1, §2) in Debian's Chromium against a real chatd.
 * The visitor page and widget.js tell apart a topic where someone can answer
 * now, one where everyone on duty is busy and one where nobody is on duty
 * (then the queue says so too); the question step is answered, cleared and
 * skipped with the keyboard alone, the join carries the answers and the
 * worker console shows them in the worker's language; urgent chats are
 * marked in words, the worker marks and unmarks them in every tab, the queue
 * counts urgent visitors, duty carries the worker's languages; the
 * statistics page counts urgent joins and each answer per topic. axe-core
 * finds nothing serious; screenshots at phone width in screenshots/. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { endHour, httpGet, request, step, visitorHello, workerLogin, workerOnDuty } from '../integration/harness.mjs';
import {
    axe, chatPanel, consoleLogin, daemon, DESKTOP, downloadText, layoutProblems, PHONE, serviceDay, shot, visitorOpen,
} from './lib.mjs';

const QUESTIONS = `
[question safe]
text_fi = Oletko nyt turvassa?
text_sv = Är du trygg just nu?
text_en = Are you safe right now?
answers = yes, no, unsure
label_fi = Kyllä, En, En tiedä
label_sv = Ja, Nej, Vet inte
label_en = Yes, No, Not sure
urgent = no
topics = youth

[question age]
text_fi = Kuinka vanha olet?
text_sv = Hur gammal är du?
text_en = How old are you?
answers = under13, from13to17, adult
label_fi = Alle 13, 13–17, 18 tai yli
label_sv = Under 13, 13–17, 18 eller äldre
label_en = Under 13, 13–17, 18 or older
urgent =
topics = youth
`;

const PARENTS = {
    audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat',
};
const CORA = { user: 'cora', password: 'cora-password-1' };

const NOBODY = 'Nobody is on duty right now. You can wait; we will answer when a worker arrives.';
const QUEUE_NOBODY = 'Nobody is on duty in this chat right now, so nobody can answer you yet. ' +
    'You can wait here with this page open, or leave the queue and come back later.';
const ANSWERING = 'Someone can answer you now.';
const BUSY = /^Everyone on duty is in another chat right now\. (You can wait in the queue\.|Wait about \d+ min\.)$/;

/* The status object of topic id, as GET /api/status has it. */
async function status(port, id = 'youth') {
    const r = await httpGet(port, '/api/status');
    assert.equal(r.status, 200);
    const t = JSON.parse(r.body).topics.find((x) => x.id === id);
    assert.ok(t, `${id} in /api/status`);
    return t;
}

/* A page of another site on this machine with the widget for youth in
 * English: fn(the widget's link). (A page made up by the browser's routing
 * would count as public, and Chromium keeps those from loopback addresses.) */
async function withWidget({ page, base, allowOrigin }, fn) {
    const host = http.createServer((req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body><p>Talk to us: <script src="${base}/widget.js" data-topic="youth" data-lang="en"></script></p></body></html>`);
    }).listen(0, '127.0.0.1');
    await new Promise((r) => host.once('listening', r));
    const url = `http://127.0.0.1:${host.address().port}/`;
    try {
        allowOrigin(url);
        const w = await page(PHONE);
        await w.goto(url);
        await fn(w.locator('a.chatd-widget'));
    } finally {
        host.close();
    }
}

/* A full-page screenshot from the top (a scrolled page would show the
 * sticky top bar halfway down the picture). */
async function shotTop(p, name) {
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, name);
}

const focused = (p) => p.evaluate(() => document.activeElement && document.activeElement.id);
const checked = (p, q) => p.locator(`#questions fieldset[data-question="${q}"] input:checked`)
    .evaluateAll((els) => els.map((e) => e.value));

/* A chat panel's answers as [question, answer] pairs. */
function answersOf(panel) {
    return panel.locator('.chat-answers dl > div').evaluateAll((rows) => rows.map((r) =>
        [r.querySelector('dt').textContent, r.querySelector('dd').textContent]));
}

test('open and answering, everyone busy, nobody on duty: the visitor page and the widget say which', { timeout: 90000 }, async () => {
    await daemon(async ({ srv, base, page, allowOrigin }) => withWidget({ page, base, allowOrigin }, async (widget) => {
        const v = await visitorOpen(await page(PHONE), base);
        const youth = v.locator('#topics [data-topic="youth"]');

        await step('nobody on duty: open, and the visitor may wait for someone to come', async () => {
            const st = await status(srv.port);
            assert.equal(st.state, 'open');
            assert.equal(st.staffed, false);
            assert.equal(st.answering, false, 'nobody on duty has no free slot');
            assert.equal(await youth.locator('.badge').textContent(), 'Open');
            assert.equal(await youth.locator('.topic-avail').textContent(), NOBODY);
            assert.match(await youth.getAttribute('class'), /\btopic-nobody\b/);
            await widget.filter({ hasText: /^Chat open, but nobody is on duty right now – you can wait$/ }).waitFor();
            assert.match(await widget.getAttribute('class'), /chatd-widget--open chatd-widget--nobody/);
            await shot(widget.page(), 'triage-widget-nobody-phone');
            assert.deepEqual(await axe(v), []);
            await shot(v, 'triage-nobody-phone');

            await youth.click();
            await v.locator('#view-queue').waitFor();
            assert.equal(await v.locator('#queue-avail').textContent(), QUEUE_NOBODY, 'the queue says it too, and what the visitor can do');
            assert.equal(await v.locator('#queue-wait').isVisible(), false, 'no estimate while nobody is there');
            assert.ok(await v.locator('#queue-avail').isVisible());
            assert.deepEqual(await axe(v), []);
            await shot(v, 'triage-nobody-queue-phone');
            await v.click('#queue-leave');
            await v.locator('#view-topics').waitFor();
        });

        const w = await workerOnDuty(srv.port, ['youth'], 1);
        await step('a worker with a free slot: someone can answer now', async () => {
            await widget.filter({ hasText: /^Chat open$/ }).waitFor();
            assert.match(await widget.getAttribute('class'), /chatd-widget--answering/);
            await shot(widget.page(), 'triage-widget-answering-phone');
            const st = await status(srv.port);
            assert.equal(st.staffed, true);
            assert.equal(st.answering, true);
            await visitorOpen(v, base);
            assert.equal(await youth.locator('.topic-avail').textContent(), ANSWERING);
            assert.match(await youth.getAttribute('class'), /\btopic-answering\b/);
            assert.deepEqual(await axe(v), []);
            await shot(v, 'triage-answering-phone');
        });

        await step('the only slot taken: everyone is busy, with the estimate when there is one', async () => {
            const other = await visitorHello(srv.port, { lang: 'en' });
            assert.equal((await request(other, { type: 'join', topic: 'youth' })).type, 'queued');
            await w.next('chat_started');
            await widget.filter({ hasText: /^Chat open, everyone is busy/ }).waitFor();
            assert.match(await widget.getAttribute('class'), /chatd-widget--busy/);
            await shot(widget.page(), 'triage-widget-busy-phone');
            const st = await status(srv.port);
            assert.equal(st.staffed, true);
            assert.equal(st.answering, false);
            await visitorOpen(v, base);
            const said = await youth.locator('.topic-avail').textContent();
            assert.match(said, BUSY);
            assert.equal(/Wait about/.test(said), typeof st.estimated_wait_s === 'number',
                `the estimate is shown exactly when there is one (${st.estimated_wait_s})`);
            assert.match(await youth.getAttribute('class'), /\btopic-busy\b/);
            assert.deepEqual(await axe(v), []);
            await shot(v, 'triage-busy-phone');

            /* someone is on duty: the queue has no "nobody" note */
            await youth.click();
            await v.locator('#view-queue').waitFor();
            assert.equal(await v.locator('#queue-avail').isVisible(), false);
            await shot(v, 'triage-busy-queue-phone');
        });
    }));
});

test('the question step by keyboard alone: answer, clear, skip; the console shows the answers in the worker\'s language', { timeout: 90000 }, async () => {
    await daemon({ topics: { youth: {}, parents: PARENTS }, config: QUESTIONS }, async ({ base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth'], capacity: 2 });
        const v = await visitorOpen(await page(PHONE), base);

        await step('a topic without questions has no step', async () => {
            await v.focus('#topics [data-topic="parents"]');
            await v.keyboard.press('Enter');
            await v.locator('#view-queue').waitFor();
            assert.equal(await v.locator('#view-questions').isVisible(), false);
            await v.click('#queue-leave');
            await v.locator('#view-topics').waitFor();
        });

        await step('the step: one fieldset per question, nothing chosen, focus on its heading', async () => {
            await v.focus('#topics [data-topic="youth"]');
            await v.keyboard.press('Enter');
            await v.locator('#view-questions').waitFor();
            assert.equal(await focused(v), 'questions-heading');
            assert.deepEqual(await v.locator('#questions fieldset legend').allTextContents(),
                ['Are you safe right now?', 'How old are you?']);
            assert.deepEqual(await v.locator('#questions fieldset[data-question="safe"] label').allTextContents(),
                ['Yes', 'No', 'Not sure']);
            assert.equal(await v.locator('#questions input:checked').count(), 0, 'every question starts unanswered');
            assert.equal(await v.locator('#questions-topic').textContent(), 'Chat: Youth chat');
            assert.deepEqual(await axe(v), []);
            assert.deepEqual(await v.evaluate(layoutProblems), []);
            await shot(v, 'triage-questions-phone');
        });

        await step('keys alone: choose, clear, choose again, leave one out, start', async () => {
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'q-safe-yes');
            await v.keyboard.press('ArrowDown');
            assert.deepEqual(await checked(v, 'safe'), ['no']);
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'q-safe-clear');
            await v.keyboard.press('Enter');
            assert.deepEqual(await checked(v, 'safe'), [], 'cleared');
            assert.equal(await focused(v), 'q-safe-yes', 'back at the first choice');
            assert.equal(await v.locator('#q-safe-clear').isVisible(), false);
            await v.keyboard.press('Space');
            assert.deepEqual(await checked(v, 'safe'), ['yes']);
            await v.keyboard.press('ArrowDown');
            assert.deepEqual(await checked(v, 'safe'), ['no']);
            await v.keyboard.press('Tab');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'q-age-under13', 'the next question');
            assert.deepEqual(await checked(v, 'age'), [], 'passing a question does not answer it');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'questions-join');
            await shotTop(v, 'triage-questions-answered-phone');
            await v.keyboard.press('Enter');
            await v.locator('#view-chat').waitFor();
        });

        const panel = chatPanel(c);
        await step('the console: the answer at the top, urgent in words, the visitor\'s language', async () => {
            await panel.waitFor();
            assert.deepEqual(await answersOf(panel), [['Are you safe right now?', 'No']], 'only the answered question');
            assert.equal(await panel.locator('.chat-noanswers').isVisible(), false);
            assert.equal(await panel.locator('.chat-urgent').textContent(), '⚠ Urgent');
            assert.match(await panel.getAttribute('class'), /\burgent\b/);
            assert.equal(await panel.locator('button.chat-flag').textContent(), 'Remove urgent mark');
            assert.equal(await panel.locator('.chat-lang').textContent(), 'Visitor\'s language: English');
            const title = await panel.getAttribute('aria-labelledby');
            assert.match(await c.locator(`#${title}`).textContent(), /^#\d+ · Youth chat · en ⚠ Urgent( · waiting \d+ s)?$/, 'the chat\'s name says it');
            assert.deepEqual(await axe(c), []);
            await shot(c, 'triage-console-answers-desktop');

            await c.selectOption('#lang', 'fi');
            assert.deepEqual(await answersOf(panel), [['Oletko nyt turvassa?', 'En']], 'in the worker\'s language');
            assert.equal(await panel.locator('.chat-urgent').textContent(), '⚠ Kiireellinen');
            assert.equal(await panel.locator('.chat-answers-title').textContent(), 'Vastaukset ennen keskustelua');
            await c.selectOption('#lang', 'sv');
            assert.deepEqual(await answersOf(panel), [['Är du trygg just nu?', 'Nej']]);
            await c.selectOption('#lang', 'en');
        });

        await step('skipped: the join carries no answers, the console says so; Swedish chosen first is the chat language', async () => {
            const v2 = await visitorOpen(await page(PHONE), base);
            const reopened = v2.waitForEvent('websocket');
            await v2.selectOption('#lang', 'sv');
            await reopened;                                  /* the session again, saying sv */
            await v2.locator('#topics [data-topic="youth"]:not([disabled])').waitFor();
            await v2.focus('#topics [data-topic="youth"]');
            await v2.keyboard.press('Enter');
            await v2.locator('#view-questions').waitFor();
            await v2.keyboard.press('Tab');
            await v2.keyboard.press('Space');               /* an answer, then skipped after all */
            assert.deepEqual(await checked(v2, 'safe'), ['yes']);
            await v2.focus('#questions-skip');
            await v2.keyboard.press('Enter');
            await v2.locator('#view-chat').waitFor();
            const second = chatPanel(c, 1);
            await second.waitFor();
            assert.deepEqual(await answersOf(second), []);
            assert.equal(await second.locator('.chat-noanswers').textContent(), 'The visitor did not answer the questions.');
            assert.equal(await second.locator('.chat-lang').textContent(), 'Visitor\'s language: Svenska');
            assert.equal(await second.locator('.chat-urgent').isVisible(), false);
            assert.doesNotMatch(await second.getAttribute('class'), /\burgent\b/);
            assert.equal(await second.locator('button.chat-flag').textContent(), 'Mark as urgent');
        });

        await step('back: to the topics, the topic focused, nothing sent', async () => {
            const v3 = await visitorOpen(await page(PHONE), base);
            await v3.click('#topics [data-topic="youth"]');
            await v3.locator('#view-questions').waitFor();
            await v3.check('#q-age-adult');
            await v3.click('#questions-back');
            await v3.locator('#view-topics').waitFor();
            assert.equal(await v3.evaluate(() => document.activeElement.getAttribute('data-topic')), 'youth');
            assert.equal(await v3.locator('#questions input').count(), 0, 'no answer lingers on the page');
            await v3.keyboard.press('Enter');
            await v3.locator('#view-questions').waitFor();
            assert.equal(await v3.locator('#questions input:checked').count(), 0, 'a new visit starts unanswered');
            assert.equal(await chatPanel(c, 2).count(), 0, 'no third chat');
        });
    });
});

test('urgent: marked and unmarked in every tab of the worker; the queue counts urgent visitors; duty carries languages', { timeout: 90000 }, async () => {
    await daemon({ config: QUESTIONS }, async ({ srv, base, page }) => {
        const c = await page(DESKTOP);
        await step('duty: a checkbox per language, all at first; the duty echoes the chosen ones', async () => {
            await consoleLogin(c, base, { topics: null });
            assert.deepEqual(await c.locator('#duty-langs label').allTextContents(), ['Suomi', 'Svenska', 'English']);
            assert.deepEqual(await c.locator('#duty-langs input').evaluateAll((els) => els.map((e) => e.checked)), [true, true, true]);
            await c.uncheck('#duty-lang-fi');
            await c.uncheck('#duty-lang-sv');
            await c.uncheck('#duty-lang-en');
            await c.check('#duty-topic-youth');
            await c.click('#duty-on');
            await c.locator('#errors').filter({ hasText: 'Choose at least one language.' }).waitFor();
            await c.check('#duty-lang-sv');
            await c.check('#duty-lang-en');
            await c.fill('#duty-capacity', '1');
            await c.click('#duty-on');
            await c.locator('#duty-status').filter({ hasText: 'On duty: Youth chat. Up to 1 chat at a time. Languages: Svenska, English.' }).waitFor();
            await c.reload();
            await c.locator('#duty-status').filter({ hasText: 'Languages: Svenska, English.' }).waitFor();
            assert.equal(await c.locator('#duty-lang-fi').isChecked(), false, 'the restored duty keeps its languages');
            assert.ok(await c.locator('#duty-lang-sv').isChecked());
        });

        const c2 = await consoleLogin(await page(DESKTOP), base, { topics: null });
        const v = await visitorHello(srv.port, { lang: 'sv' });
        assert.equal((await request(v, { type: 'join', topic: 'youth' })).type, 'queued');
        const p1 = chatPanel(c);
        const p2 = chatPanel(c2);

        await step('a chat without answers is not urgent; the worker marks it, both tabs follow', async () => {
            await p1.waitFor();
            await p2.waitFor();
            assert.equal(await p1.locator('.chat-lang').textContent(), 'Visitor\'s language: Svenska');
            assert.equal(await p1.locator('.chat-urgent').isVisible(), false);
            await p1.locator('button.chat-flag').click();
            for (const p of [p1, p2]) {
                await p.locator('.chat-urgent').filter({ hasText: 'Urgent' }).waitFor();
                await p.locator('button.chat-flag').filter({ hasText: 'Remove urgent mark' }).waitFor();
                assert.match(await p.getAttribute('class'), /\burgent\b/);
            }
            assert.deepEqual(await axe(c), []);
        });

        await step('unmarked from the other tab', async () => {
            await p2.locator('button.chat-flag').click();
            for (const p of [p1, p2]) {
                await p.locator('.chat-urgent').waitFor({ state: 'hidden' });
                await p.locator('button.chat-flag').filter({ hasText: 'Mark as urgent' }).waitFor();
            }
        });

        await step('the queue: waiting visitors and the urgent ones among them', async () => {
            const urgent = await visitorHello(srv.port, { lang: 'sv' });
            assert.equal((await request(urgent, { type: 'join', topic: 'youth', answers: { safe: 'no' } })).type, 'queued');
            const plain = await visitorHello(srv.port, { lang: 'sv' });
            assert.equal((await request(plain, { type: 'join', topic: 'youth', answers: { safe: 'yes' } })).type, 'queued');
            const row = c.locator('#queue li[data-topic="youth"]');
            await row.locator('.queue-waiting').filter({ hasText: 'Waiting: 2' }).waitFor();
            await row.locator('.queue-urgent').filter({ hasText: '1 urgent' }).waitFor();
            assert.equal(await row.locator('.queue-urgent').textContent(), '⚠ 1 urgent');
            await p1.locator('button.chat-flag').click();
            await p1.locator('.chat-urgent').waitFor();
            assert.deepEqual(await axe(c), []);
            await shot(c, 'triage-console-urgent-desktop');
            await c.setViewportSize(PHONE);
            assert.deepEqual(await c.evaluate(layoutProblems), []);
            await shot(c, 'triage-console-urgent-phone');
        });
    });
});

test('the statistics page counts urgent joins and each answer per topic', { timeout: 90000 }, async () => {
    await daemon({ topics: { youth: {}, parents: PARENTS }, config: QUESTIONS }, async ({ srv, base, page }) => {
        const ua = await srv.admin(['user', 'add', CORA.user, '--role', 'coordinator', '--alias', 'Cora'], CORA.password);
        assert.equal(ua.code, 0, ua.stderr);

        await step('four joins: urgent, answered, none, and one where nothing is asked', async () => {
            for (const [topic, answers] of [['youth', { safe: 'no' }], ['youth', { safe: 'yes', age: 'from13to17' }],
                ['youth', undefined], ['parents', undefined]]) {
                const v = await visitorHello(srv.port);
                const q = await request(v, { type: 'join', topic, ...(answers ? { answers } : {}) });
                assert.equal(q.type, 'queued', JSON.stringify(q));
            }
        });

        const cora = await workerLogin(srv.port, CORA.user, CORA.password);
        const day = serviceDay();
        await endHour(srv); /* the API and the page hold ended hours only */
        await step('what the daemon counts, to hold the page against', async () => {
            const api = await httpGet(srv.port, `/api/stats?from=${day}&to=${day}`, { Authorization: `Bearer ${cora.welcome.token}` });
            assert.equal(api.status, 200);
            const body = JSON.parse(api.body);
            const sum = (f, topic) => body.buckets.filter((b) => b.topic === topic).reduce((n, b) => n + (b[f] || 0), 0);
            assert.equal(sum('urgent', 'youth'), 1);
            assert.equal(sum('q_safe_no', 'youth'), 1);
            assert.equal(sum('q_safe_yes', 'youth'), 1);
            assert.equal(sum('q_age_from13to17', 'youth'), 1);
            assert.deepEqual(body.questions.map((q) => q.id), ['safe', 'age']);
        });

        const s = await page(PHONE);
        await step('the page: urgent as a figure and per topic, answers per topic', async () => {
            await s.goto(`${base}/stats/`);
            await s.locator('#login-view').waitFor();
            await s.fill('#login-user', CORA.user);
            await s.fill('#login-password', CORA.password);
            await s.click('#login-submit');
            await s.locator('#fig-urgent').waitFor();
            assert.equal(await s.locator('#fig-urgent dt').innerText(), 'Urgent');
            assert.equal(await s.locator('#fig-urgent .figure-value').innerText(), '1');
            assert.equal(await s.locator('#fig-urgent .figure-detail').innerText(), '25% of those queued');
            const perTopic = (topic) => s.locator(`#per-topic tr[data-measure="urgent"] td[data-topic="${topic}"]`).innerText();
            assert.equal(await perTopic('youth'), '1');
            assert.equal(await perTopic('parents'), '0');

            assert.deepEqual(await s.locator('#answers h3').allTextContents(), ['Youth chat'], 'parents asks nothing');
            assert.equal(await s.locator('#answers-none').isVisible(), false);
            const table = s.locator('#answers table[data-topic="youth"]');
            assert.deepEqual(await table.locator('th.answers-question').allTextContents(),
                ['Are you safe right now?', 'How old are you?']);
            const count = (q, a) => table.locator(`tbody[data-question="${q}"] tr[data-answer="${a}"] .bar-text`).innerText();
            assert.equal(await count('safe', 'yes'), '1 (50%)');
            assert.equal(await count('safe', 'no'), '1 (50%)');
            assert.equal(await count('safe', 'unsure'), '0 (0%)');
            assert.equal(await count('age', 'from13to17'), '1 (100%)');
            assert.equal(await count('age', 'adult'), '0 (0%)');
            assert.equal(await table.locator('tbody[data-question="safe"] tr[data-answer="no"] th').innerText(), 'No');
            assert.deepEqual(await axe(s), []);
            assert.deepEqual(await s.evaluate(layoutProblems), []);
            await shot(s, 'triage-stats-phone');
            await shot(s.locator('#answers'), 'triage-stats-answers-phone');

            await s.selectOption('#lang', 'sv');
            assert.equal(await table.locator('tbody[data-question="safe"] tr[data-answer="no"] th').innerText(), 'Nej');
            assert.equal(await s.locator('#fig-urgent dt').innerText(), 'Brådskande');
            await s.selectOption('#lang', 'en');
        });

        await step('the CSV has chatadmin\'s columns, urgent and the answers among them', async () => {
            const [dl] = await Promise.all([s.waitForEvent('download'), s.click('#csv')]);
            const head = (await downloadText(dl)).split('\n')[0];
            const cli = await srv.admin(['stats', '--from', day, '--to', day, '--format', 'csv']);
            assert.equal(cli.code, 0, cli.stderr);
            assert.equal(head, cli.stdout.split('\n')[0]);
            for (const col of ['urgent', 'q_safe_no', 'q_age_adult']) assert.ok(head.split(',').includes(col), col);
        });
    });
});
