/* feedback.test.mjs: the visitor's feedback screen after a chat (contract v2
 * §4) in Debian's Chromium against a real chatd. Three optional questions on
 * one screen (the 1-5 score, "did the chat help", "would you contact us
 * again") answered and sent with the keyboard alone, counted in /api/stats;
 * skipping them all, or taking an answer back, sends nothing; the labels in
 * Finnish, Swedish and English; axe-core finds nothing serious; a phone
 * screenshot. The worker is a plain worker.v1 client: only the page is
 * under test here. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpGet, request, terminateClients, workerLogin, workerOnDuty } from '../integration/harness.mjs';
import { PHONE, axe, daemon, endedDays, layoutProblems, roundTrip, shot, until, visitorOpen } from './lib.mjs';

const CORA = { user: 'cora', password: 'cora-password-1' };

/* The visitor page joins youth; the worker takes the chat and ends it: the
 * page shows the ended view with its feedback form. Returns the chat id. */
async function chatEndedByWorker(v, w) {
    await v.click('#topics [data-topic="youth"]');
    const { chat } = await w.next('chat_started');
    await v.locator('#view-chat').waitFor();
    await request(w, { type: 'end', chat });
    await v.locator('#view-ended').waitFor();
    await v.locator('#feedback').waitFor();
    return chat;
}

/* The feedback counters of all buckets of today, summed (the running hour
 * ended first: the API holds ended hours only). */
async function feedbackSums(srv) {
    const { port } = srv;
    const { from, to } = await endedDays(srv);
    const cora = await workerLogin(port, CORA.user, CORA.password);
    const r = await httpGet(port, `/api/stats?from=${from}&to=${to}`, { Authorization: `Bearer ${cora.welcome.token}` });
    assert.equal(r.status, 200);
    const sums = {};
    for (const b of JSON.parse(r.body).buckets) {
        for (const k of ['feedback_1', 'feedback_2', 'feedback_3', 'feedback_4', 'feedback_5',
            'helped_yes', 'helped_somewhat', 'helped_no', 'again_yes', 'again_no']) {
            assert.equal(typeof b[k], 'number', `${k} in every bucket`);
            sums[k] = (sums[k] || 0) + b[k];
        }
    }
    return sums;
}

/* Every frame the page sends over its sockets, parsed. */
function sentFrames(p) {
    const sent = [];
    p.on('websocket', (ws) => ws.on('framesent', (f) => {
        try {
            sent.push(JSON.parse(f.payload));
        } catch { /* not ours */ }
    }));
    return sent;
}

const feedbackOf = (frames) => frames.filter((m) => m.type === 'feedback');

const focused = (p) => p.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.className));

/* Keepalive that an hour of chatd's time in one step (endHour) does not
 * end: the page and the worker are pinged then, not hung up. */
const HOUR_PROOF = { server: { ping_interval_s: 3600, idle_timeout_s: 7200 } };

async function addCoordinator(srv) {
    const r = await srv.admin(['user', 'add', CORA.user, '--role', 'coordinator', '--alias', 'Cora'], CORA.password);
    assert.equal(r.code, 0, r.stderr);
}

test('feedback: three optional questions answered and sent with the keyboard, counted', { timeout: 60000 }, async () => {
    await daemon(HOUR_PROOF, async ({ srv, base, page }) => {
        try {
            await addCoordinator(srv);
            const w = await workerOnDuty(srv.port, ['youth'], 1);
            const p = await page(PHONE);
            const frames = sentFrames(p); /* before the page opens its socket */
            const v = await visitorOpen(p, base);
            const chat = await chatEndedByWorker(v, w);

            /* the view starts at its heading; Tab goes into the score group */
            assert.equal(await focused(v), 'ended-heading');
            assert.deepEqual(await v.locator('#fb-score label.score').allTextContents(), ['1', '2', '3', '4', '5']);
            assert.equal(await v.locator('#fb-score-4').getAttribute('aria-label'), '4 out of 5');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'fb-score-1');
            for (let i = 0; i < 3; i++) await v.keyboard.press('ArrowRight');
            assert.ok(await v.locator('#fb-score-4').isChecked(), 'arrows choose the score');
            /* the score's own "clear" button comes next, then the next question */
            await v.keyboard.press('Tab');
            assert.equal(await v.evaluate(() => document.activeElement.closest('fieldset').id), 'fb-score');
            assert.equal(await v.evaluate(() => document.activeElement.textContent), 'Clear answer');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'fb-helped-yes');
            await v.keyboard.press('ArrowRight');
            assert.ok(await v.locator('#fb-helped-somewhat').isChecked());
            await v.keyboard.press('Tab');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'fb-again-yes');
            await v.keyboard.press('Space');
            assert.ok(await v.locator('#fb-again-yes').isChecked());
            await v.keyboard.press('Tab');
            await v.keyboard.press('Tab');
            assert.equal(await focused(v), 'feedback-send');
            await shot(v, 'visitor-feedback-phone');
            assert.deepEqual(await v.evaluate(layoutProblems), []);
            assert.deepEqual(await axe(v), []);
            await v.keyboard.press('Enter');

            await v.locator('#feedback-thanks').filter({ hasText: 'Thank you for your feedback!' }).waitFor();
            assert.deepEqual(feedbackOf(frames).map(({ ref, ...m }) => m), [{ type: 'feedback', chat, score: 4, helped: 'somewhat', again: true }]);
            /* once per chat: the form goes, the keyboard goes on to the next thing */
            assert.ok(await v.locator('#feedback').isHidden());
            assert.ok(await v.locator('#fb-score-1').isDisabled());
            assert.equal(await focused(v), 'again');
            await shot(v, 'visitor-feedback-sent-phone');
            assert.deepEqual(await axe(v), []);

            const sums = await feedbackSums(srv);
            assert.deepEqual(sums, {
                feedback_1: 0, feedback_2: 0, feedback_3: 0, feedback_4: 1, feedback_5: 0,
                helped_yes: 0, helped_somewhat: 1, helped_no: 0, again_yes: 1, again_no: 0,
            });

            /* the next chat's form starts empty and enabled */
            await v.click('#again');
            await chatEndedByWorker(v, w);
            assert.equal(await v.locator('#feedback input:checked').count(), 0);
            assert.ok(await v.locator('#fb-score-1').isEnabled());
            assert.equal(await v.locator('#feedback-thanks').textContent(), '');
            assert.equal(await v.locator('#feedback .fb-clear:visible').count(), 0);
            /* only "would you contact again: no", by mouse this time */
            await v.click('label[for="fb-again-no"]');
            await v.click('#feedback-send');
            await v.locator('#feedback-thanks').filter({ hasText: 'Thank you' }).waitFor();
            assert.deepEqual(feedbackOf(frames).slice(1).map(({ type, score, helped, again }) => ({ type, score, helped, again })),
                [{ type: 'feedback', score: undefined, helped: undefined, again: false }]);
            const after = await feedbackSums(srv);
            assert.equal(after.again_no, 1);
            assert.equal(after.again_yes, 1);
            assert.equal(after.helped_somewhat + after.helped_yes + after.helped_no, 1, 'no helped answer this time');
        } finally {
            terminateClients();
        }
    });
});

test('feedback: skipping every question sends nothing, and so does an answer taken back', { timeout: 60000 }, async () => {
    await daemon(HOUR_PROOF, async ({ srv, base, page }) => {
        try {
            await addCoordinator(srv);
            const w = await workerOnDuty(srv.port, ['youth'], 1);
            const p = await page(PHONE);
            const frames = sentFrames(p); /* before the page opens its socket */
            const v = await visitorOpen(p, base);
            await chatEndedByWorker(v, w);

            await v.click('#feedback-send');
            await v.locator('#feedback-thanks').filter({ hasText: 'nothing was sent' }).waitFor();
            assert.ok(await v.locator('#feedback-send').isEnabled(), 'still possible to answer');

            /* a score chosen, then cleared: the keyboard is back at the first score */
            await v.click('label[for="fb-score-2"]');
            assert.equal(await v.locator('#feedback-thanks').textContent(), '', 'the old note goes once something is chosen');
            await v.locator('#fb-score .fb-clear').click();
            assert.equal(await v.locator('#feedback input:checked').count(), 0);
            assert.equal(await focused(v), 'fb-score-1');
            assert.ok(await v.locator('#fb-score .fb-clear').isHidden());
            await v.keyboard.press('Shift+Tab'); /* out of the form, then Enter on Send */
            await v.locator('#feedback-send').focus();
            await v.keyboard.press('Enter');
            await v.locator('#feedback-thanks').filter({ hasText: 'nothing was sent' }).waitFor();

            /* and leaving for a new chat sends nothing either */
            await v.click('#again');
            await v.locator('#view-topics').waitFor();
            /* a feedback frame would have gone out before this ping, and been counted before its pong */
            const ref = await roundTrip(v);
            await until(() => frames.some((m) => m.ref === ref), { what: 'the ping among the frames seen' });
            assert.ok(frames.some((m) => m.type === 'hello'), 'the page\'s frames are seen');
            assert.deepEqual(feedbackOf(frames), [], 'no feedback frame');
            const sums = await feedbackSums(srv);
            assert.ok(Object.values(sums).every((n) => n === 0), JSON.stringify(sums));
        } finally {
            terminateClients();
        }
    });
});

test('feedback: the questions in Finnish, Swedish and English', { timeout: 60000 }, async () => {
    const TEXTS = {
        fi: {
            legends: ['Millainen keskustelu oli? (vapaaehtoinen)', 'Oliko keskustelusta apua? (vapaaehtoinen)',
                'Ottaisitko meihin yhteyttä uudelleen? (vapaaehtoinen)'],
            labels: ['Kyllä', 'Jonkin verran', 'Ei', 'Kyllä', 'En'], send: 'Lähetä palaute', score: '4/5',
        },
        sv: {
            legends: ['Hur var chatten? (frivilligt)', 'Hjälpte chatten dig? (frivilligt)', 'Skulle du kontakta oss igen? (frivilligt)'],
            labels: ['Ja', 'Delvis', 'Nej', 'Ja', 'Nej'], send: 'Skicka respons', score: '4 av 5',
        },
        en: {
            legends: ['How was the chat? (optional)', 'Did the chat help? (optional)', 'Would you contact us again? (optional)'],
            labels: ['Yes', 'Somewhat', 'No', 'Yes', 'No'], send: 'Send feedback', score: '4 out of 5',
        },
    };
    await daemon(HOUR_PROOF, async ({ srv, base, page }) => {
        try {
            const w = await workerOnDuty(srv.port, ['youth'], 1);
            const v = await visitorOpen(await page(PHONE), base);
            await chatEndedByWorker(v, w);
            for (const [lang, x] of Object.entries(TEXTS)) {
                await v.selectOption('#lang', lang);
                assert.equal(await v.locator('html').getAttribute('lang'), lang);
                assert.deepEqual(await v.locator('#feedback legend').allTextContents(), x.legends, lang);
                assert.deepEqual(await v.locator('#feedback .choices label').allTextContents(), x.labels, lang);
                assert.equal(await v.locator('#feedback-send').textContent(), x.send, lang);
                assert.equal(await v.locator('#fb-score-4').getAttribute('aria-label'), x.score, lang);
                /* each radio is named by its label */
                for (const id of ['fb-helped-somewhat', 'fb-again-no']) {
                    const name = await v.locator(`#${id}`).evaluate((el) => el.labels[0].textContent);
                    assert.ok(x.labels.includes(name), `${lang} ${id}: ${name}`);
                }
                assert.deepEqual(await v.evaluate(layoutProblems), [], lang);
                assert.deepEqual(await axe(v), [], lang);
            }
            await v.selectOption('#lang', 'fi');
            await shot(v, 'visitor-feedback-fi-phone');
        } finally {
            terminateClients();
        }
    });
});
