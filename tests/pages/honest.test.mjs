/* honest.test.mjs: the visitor page, the widget and the console honest in
 * every state (contract v3 §1, issue 26), in Debian's Chromium against a
 * real chatd, at 390 px in Finnish, Swedish and English with axe-core:
 * - the join cut-off is not "full": the card, the refused join and the
 *   widget say until when new chats were taken, when the chat closes and
 *   when it is open again, never "try again in a moment" nor a raw code;
 *   a full queue says that places free up; with no topic open, the
 *   organisation's other help is on the screen;
 * - an open topic says when it closes, and so does the queue; a wait whose
 *   chat closes within 15 minutes is told plainly what happens to it;
 * - a transfer into a topic where nobody is on duty: the console's menu
 *   shows each topic's state and on-duty count, asks before it forces the
 *   transfer, and the visitor reads that nobody is there, when the chat
 *   opens and what they can do, with the other help;
 * - the start of a chat is announced (live region, tab title, a tone the
 *   visitor turned on); a message to a hidden tab changes the title too;
 *   a supervisor who joined writes under their own alias on the visitor's
 *   page; the quick exit is marked in the console; "End chat" asks once;
 *   the other help is shown after the end.
 * Screenshots of each state in Finnish at 390 px in screenshots/honest-*. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { ALICE, addWorker, httpGet, request, step, visitorHello, workerOnDuty } from '../integration/harness.mjs';
import {
    DESKTOP, PHONE, axe, chatPanel, clockTo, consoleLogin, countTones, daemon, layoutProblems, nextServiceTime,
    pageClock, roundTrip, serviceDay, serviceMinutes, shot, visitorOpen, visitorSend, workerSend,
} from './lib.mjs';

const TZ = 'Europe/Helsinki';
const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
const PARENTS = {
    audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat',
};
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const BOB = { user: 'bob', password: 'bob-password-1', alias: 'Bob' };
const HELP = {
    fi: 'Hätätilanteessa soita 112. Lasten ja nuorten puhelin 116 111 päivystää joka päivä.',
    sv: 'I en nödsituation, ring 112. Barn- och ungdomstelefonen 116 111 har jour varje dag.',
    en: 'In an emergency, call 112. The child and youth helpline 116 111 is open every day.',
};
const HELP_CONFIG = `[help]\ntext_fi = ${HELP.fi}\ntext_sv = ${HELP.sv}\ntext_en = ${HELP.en}`;

const hhmm = (m) => {
    const x = ((m % 1440) + 1440) % 1440;
    return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
};
/* hours that close `minutes` (and a few seconds) from now (or from at,
 * epoch ms), open for 4 h */
const closingIn = (minutes, at = Date.now()) => {
    const close = serviceMinutes(at) + 1 + minutes;
    return `daily ${hhmm(close - 240)}-${hhmm(close)}`;
};
/* hours that open `minutes` from now */
const openingIn = (minutes) => {
    const open = serviceMinutes() + 1 + minutes;
    return `daily ${hhmm(open)}-${hhmm(open + 240)}`;
};
/* an ISO time's clock in lang, as the pages show it */
const clockOf = (iso, lang) => new Intl.DateTimeFormat(LOCALES[lang], { timeZone: TZ, hour: '2-digit', minute: '2-digit' })
    .format(new Date(iso));
/* whether an ISO time falls on a later day in Helsinki than now, on clocks
 * `ahead` ms ahead of the wall clock (the pages then say "tomorrow") */
const tomorrow = (iso, ahead = 0) => serviceDay(Date.parse(iso) / 1000) !== serviceDay((Date.now() + ahead) / 1000);

const WORDS = {
    fi: {
        cutoffBadge: 'Ei enää uusia chatteja tänään',
        cutoff: (u, c, uTmr, cTmr) => `Uusia chatteja otettiin ${uTmr ? 'huomenna ' : ''}klo ${u} asti. Chat sulkeutuu ${cTmr ? 'huomenna ' : ''}klo ${c}.`,
        closing: (c, tmr) => `Chat sulkeutuu \\d+ minuutin päästä, ${tmr ? 'huomenna ' : ''}klo ${c}\\. `,
        reopens: /^ Se on taas auki (tänään|huomenna) klo \d\d\.\d\d\.$/,
        full: 'Kaikki jonopaikat ovat juuri nyt käytössä. Paikkoja vapautuu, kun jonossa olevat pääsevät keskustelemaan, joten voit yrittää uudelleen muutaman minuutin päästä.',
        closes: (c, tmr) => `Auki ${tmr ? 'huomenna ' : ''}klo ${c} asti`,
        queueCloses: (c, tmr) => `Chat sulkeutuu ${tmr ? 'huomenna' : 'tänään'} klo ${c}.`,
        later: /hetken päästä/,
    },
    sv: {
        cutoffBadge: 'Inga fler nya chattar i dag',
        cutoff: (u, c, uTmr, cTmr) => `Nya chattar togs emot till ${uTmr ? 'i morgon ' : ''}kl. ${u}. Chatten stänger ${cTmr ? 'i morgon ' : ''}kl. ${c}.`,
        closing: (c, tmr) => `Chatten stänger om \\d+ min, ${tmr ? 'i morgon ' : ''}kl\\. ${c}\\. `,
        reopens: /^ Den är öppen igen (i dag|i morgon) kl\. \d\d\.\d\d\.$/,
        full: 'Alla platser i kön är tagna just nu. Platser blir lediga när de som väntar får chatta, så du kan försöka igen om några minuter.',
        closes: (c, tmr) => `Öppen till ${tmr ? 'i morgon ' : ''}kl. ${c}`,
        queueCloses: (c, tmr) => `Chatten stänger ${tmr ? 'i morgon' : 'i dag'} kl. ${c}.`,
        later: /om en stund/,
    },
    en: {
        cutoffBadge: 'No more new chats today',
        cutoff: (u, c, uTmr, cTmr) => `New chats were taken until ${uTmr ? 'tomorrow at ' : ''}${u}. The chat closes ${cTmr ? 'tomorrow ' : ''}at ${c}.`,
        closing: (c, tmr) => `The chat closes in \\d+ min, ${tmr ? 'tomorrow ' : ''}at ${c}\\. `,
        reopens: /^ It is open again (today|tomorrow) at \d\d:\d\d\.$/,
        full: 'Every place in the queue is taken right now. Places free up as people get to chat, so you can try again in a few minutes.',
        closes: (c, tmr) => `Open until ${tmr ? 'tomorrow at ' : ''}${c}`,
        queueCloses: (c, tmr) => `The chat closes ${tmr ? 'tomorrow' : 'today'} at ${c}.`,
        later: /in a moment/,
    },
};

/* The status object of topic id, as GET /api/status has it. */
async function status(port, id) {
    const r = await httpGet(port, '/api/status');
    assert.equal(r.status, 200);
    const t = JSON.parse(r.body).topics.find((x) => x.id === id);
    assert.ok(t, `${id} in /api/status`);
    return t;
}

/* The visitor page at phone width in lang, on Helsinki time (its clock
 * `ahead` ms ahead of the wall clock, as chatd's is after clockTo). */
async function visitorIn(page, base, lang, init, ahead = 0) {
    const p = await page(PHONE, { locale: LOCALES[lang], timezoneId: TZ });
    if (ahead) await pageClock(p, ahead);
    if (init) await p.addInitScript(init);
    return visitorOpen(p, base);
}

/* axe and the layout at 390 px: nothing serious, nothing clipped. */
async function clean(p) {
    assert.deepEqual(await axe(p), []);
    assert.deepEqual(await p.evaluate(layoutProblems), []);
}

async function shotTop(p, name) {
    await p.evaluate(() => window.scrollTo(0, 0));
    await shot(p, name);
}

test('the cut-off is not "full": card, refused join and widget say until when and when again; a full queue says places free up', { timeout: 180000 }, async () => {
    /* at 23:52, so that the closing falls after midnight: "tomorrow" */
    const at = nextServiceTime(23, 52);
    const topics = {
        youth: { hours: closingIn(10, at), join_cutoff_min: 15 },
        parents: { ...PARENTS, queue_max: 1 },
    };
    await daemon({ topics, config: HELP_CONFIG }, async ({ srv, base, page, allowOrigin }) => {
        const ahead = await clockTo(srv, at);
        const st = await status(srv.port, 'youth');
        assert.equal(st.state, 'full');
        assert.equal(st.full_reason, 'cutoff');
        const other = await visitorHello(srv.port, { lang: 'en' });
        assert.equal((await request(other, { type: 'join', topic: 'parents' })).type, 'queued');
        assert.equal((await status(srv.port, 'parents')).full_reason, 'queue');

        for (const lang of ['fi', 'sv', 'en']) {
            await step(`${lang}: the cards, the refused join, the other help`, async () => {
                const w = WORDS[lang];
                const v = await visitorIn(page, base, lang, null, ahead);
                const youth = v.locator('#topics [data-topic="youth"]');
                assert.equal(await youth.locator('.badge').textContent(), w.cutoffBadge);
                const why = await youth.locator('.topic-why').textContent();
                const first = w.cutoff(clockOf(st.joins_until, lang), clockOf(st.closes_at, lang),
                    tomorrow(st.joins_until, ahead), tomorrow(st.closes_at, ahead));
                assert.ok(why.startsWith(first), `"${why}" starts with "${first}"`);
                const rest = why.slice(first.length);
                if (st.next_open) assert.match(rest, w.reopens);
                else assert.equal(rest, '');
                const parents = v.locator('#topics [data-topic="parents"]');
                assert.equal(await parents.locator('.topic-why').textContent(), w.full);
                /* no topic takes a join now: the other help is on the screen */
                assert.equal(await v.locator('#help-text').textContent(), HELP[lang]);
                await clean(v);
                if (lang === 'fi') await shotTop(v, 'honest-cutoff-cards-fi-390');

                await youth.click();
                const err = v.locator('#errors .error-text');
                await err.waitFor();
                assert.equal(await err.textContent(), why, 'the refusal says the same');
                const box = await v.locator('#errors').textContent();
                assert.doesNotMatch(box, /queue_full|cutoff/, 'no code for the visitor');
                assert.doesNotMatch(box, w.later, 'never "try again in a moment"');
                await clean(v);
                if (lang === 'fi') await shotTop(v, 'honest-cutoff-refused-fi-390');
                await v.context().close();
            });
        }

        await step('the widget says it too, never "Queue full"', async () => {
            const host = http.createServer((req, res) => {
                res.setHeader('content-type', 'text/html; charset=utf-8');
                res.end(`<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Host</title></head>
<body><p>Chat: <script src="${base}/widget.js" data-topic="youth" data-lang="fi"></script></p></body></html>`);
            }).listen(0, '127.0.0.1');
            await new Promise((r) => host.once('listening', r));
            try {
                const url = `http://127.0.0.1:${host.address().port}/`;
                allowOrigin(url);
                const p = await page(PHONE, { locale: 'fi-FI', timezoneId: TZ });
                await pageClock(p, ahead);
                await p.goto(url);
                const widget = p.locator('a.chatd-widget');
                await widget.waitFor();
                await p.waitForFunction(() => /\S/.test(document.querySelector('a.chatd-widget').textContent));
                const text = await widget.textContent();
                assert.doesNotMatch(text, /täynnä/);
                assert.match(text, /^(Uusia chatteja otettiin klo \d\d\.\d\d asti|Aukeaa |Chat on kiinni)/);
                assert.match(await widget.getAttribute('class'), /chatd-widget--cutoff/);
                await shot(p, 'honest-cutoff-widget-fi-390');
            } finally {
                host.close();
            }
        });
    });
});

test('an open topic says when it closes; a wait the closing cuts short is told what happens', { timeout: 180000 }, async () => {
    /* at 23:52, so that both closings fall after midnight: "tomorrow" */
    const at = nextServiceTime(23, 52);
    const topics = {
        youth: { hours: closingIn(12, at) },
        parents: { ...PARENTS, hours: closingIn(180, at) },
    };
    await daemon({ topics }, async ({ srv, base, page }) => {
        const ahead = await clockTo(srv, at);
        /* someone on duty for both, busy with another visitor: a wait with an answer at its end */
        const w = await workerOnDuty(srv.port, ['youth', 'parents'], 1);
        const other = await visitorHello(srv.port, { lang: 'en' });
        assert.equal((await request(other, { type: 'join', topic: 'parents' })).type, 'queued');
        const startedChat = (await w.next('chat_started')).chat;
        const youthSt = await status(srv.port, 'youth');
        const parentsSt = await status(srv.port, 'parents');

        for (const lang of ['fi', 'sv', 'en']) {
            await step(`${lang}: the cards, the queue's closing time, the closing soon`, async () => {
                const words = WORDS[lang];
                const v = await visitorIn(page, base, lang, null, ahead);
                const parents = v.locator('#topics [data-topic="parents"]');
                assert.equal(await parents.locator('.topic-closes').textContent(), words.closes(clockOf(parentsSt.closes_at, lang), tomorrow(parentsSt.closes_at, ahead)));
                assert.equal(await v.locator('#topics [data-topic="youth"] .topic-closes').textContent(),
                    words.closes(clockOf(youthSt.closes_at, lang), tomorrow(youthSt.closes_at, ahead)));
                await clean(v);
                if (lang === 'fi') await shotTop(v, 'honest-closes-cards-fi-390');

                await parents.click();
                await v.locator('#view-queue').waitFor();
                await v.locator('#queue-closes').waitFor();
                assert.equal(await v.locator('#queue-closes').textContent(), words.queueCloses(clockOf(parentsSt.closes_at, lang), tomorrow(parentsSt.closes_at, ahead)));
                assert.equal(await v.locator('#queue-closing').isVisible(), false, 'three hours to go: nothing to warn of');
                await clean(v);
                if (lang === 'fi') await shotTop(v, 'honest-queue-closes-fi-390');
                await v.click('#queue-leave');
                await v.locator('#view-topics').waitFor();

                await v.click('#topics [data-topic="youth"]');
                await v.locator('#view-queue').waitFor();
                const closing = v.locator('#queue-closing');
                await closing.waitFor();
                const said = await closing.textContent();
                const clock = clockOf(youthSt.closes_at, lang).replace('.', '\\.');
                assert.match(said, new RegExp(`^${words.closing(clock, tomorrow(youthSt.closes_at, ahead))}`), 'names the closing time');
                assert.equal(await v.locator('#queue-closes').isVisible(), false, 'said once');
                await clean(v);
                if (lang === 'fi') await shotTop(v, 'honest-queue-closing-fi-390');
                await v.context().close();
            });
        }

        await step('past the closing the wait goes on, and the page says so; whoever is on duty still answers', async () => {
            const v = await visitorIn(page, base, 'fi', null, ahead);
            await v.click('#topics [data-topic="youth"]');
            await v.locator('#queue-closing').waitFor();
            /* in steps the page keeps up with: its connection answers each
             * step's ping before the next (chatd hangs up a silent one) */
            for (let s = 0; s < 14 * 60; s += 30) {
                await srv.advance(30);
                await roundTrip(v);
            }
            assert.equal((await status(srv.port, 'youth')).state, 'closed');
            await v.locator('#queue-closing').filter({
                hasText: 'Chat on suljettu uusilta tulijoilta. Jonossa jo olevat saavat vastauksen myös sulkemisen jälkeen, niin kauan kuin päivystäjiä on paikalla.',
            }).waitFor();
            await clean(v);
            await shotTop(v, 'honest-queue-closed-fi-390');
            /* the worker's other chat ends: the closed topic's wait is answered */
            const chat = (await request(w, { type: 'end', chat: startedChat })).type;
            assert.equal(chat, 'chat_ended');
            await v.locator('#view-chat').waitFor();
        });
    });
});

test('a transfer where nobody is on duty: the menu says so, the console asks, the visitor reads it plainly with the other help', { timeout: 180000 }, async () => {
    const topics = { youth: {}, parents: { ...PARENTS, hours: openingIn(120) } };
    await daemon({ topics, config: HELP_CONFIG }, async ({ srv, base, page }) => {
        const c = await consoleLogin(await page(DESKTOP), base, { topics: ['youth'] });
        const v = await visitorIn(page, base, 'fi');
        await v.click('#topics [data-topic="youth"]');
        const panel = chatPanel(c);
        await panel.waitFor();
        await visitorSend(v, 'kysyisin vanhempien puolesta');
        await workerSend(panel, 'Siirrän sinut vanhempien chattiin.');
        const parentsSt = await status(srv.port, 'parents');
        assert.equal(parentsSt.state, 'closed');

        await step('the menu names the state and who is on duty; a refused transfer asks', async () => {
            const opt = panel.locator('select.chat-transfer-topic option[value="parents"]');
            await c.waitForFunction(() => /closed/.test(document.querySelector('select.chat-transfer-topic option[value="parents"]').textContent));
            assert.equal(await opt.textContent(), 'Parents chat – closed, nobody on duty');
            await panel.locator('select.chat-transfer-topic').selectOption('parents');
            await panel.locator('button.chat-transfer').click();
            const ask = panel.locator('.chat-transfer-confirm');
            await ask.waitFor();
            assert.equal(await ask.locator('.chat-confirm-text').textContent(),
                'Parents chat: nobody is on duty now. The visitor would wait there with nobody to answer (they are told so). Transfer anyway?');
            await c.waitForFunction(() => document.activeElement.classList.contains('chat-transfer-force'));
            assert.equal(await v.locator('#view-chat').isVisible(), true, 'not moved before the worker decides');
            assert.deepEqual(await axe(c), []);
            await shot(panel, 'honest-console-transfer-ask');
            await c.keyboard.press('Enter');
            await panel.locator('.chat-log .msg-system').filter({ hasText: 'The chat was transferred.' }).waitFor();
        });

        await step('the visitor: nobody is there, when it opens, what they can do, the other help', async () => {
            await v.locator('#view-queue').waitFor();
            const avail = v.locator('#queue-avail');
            await avail.waitFor();
            const when = clockOf(parentsSt.next_open, 'fi');
            const esc = (x) => x.replace(/[.]/g, '\\.');
            assert.match(await avail.textContent(), new RegExp('^' +
                esc('Tässä chatissa ei ole juuri nyt ketään päivystämässä, joten kukaan ei voi vielä vastata sinulle. ') +
                `Chat aukeaa (tänään|huomenna) klo ${esc(when)}\\. ` +
                esc('Voit odottaa tässä, kun pidät sivun auki, tai poistua jonosta ja tulla myöhemmin uudelleen.') + '$'));
            assert.equal(await v.locator('#queue-wait').isVisible(), false, 'no estimate while nobody is there');
            assert.equal(await v.locator('#queue-hint').isVisible(), false, 'no "as soon as possible"');
            assert.equal(await v.locator('#queue-position').textContent(), 'Paikkasi jonossa: 1', 'not "you are next"');
            assert.equal(await v.locator('#help-text').textContent(), HELP.fi);
            await clean(v);
            await shotTop(v, 'honest-nobody-queue-fi-390');
            for (const lang of ['sv', 'en']) {
                await v.selectOption('#lang', lang);
                await v.locator('#help-text').filter({ hasText: HELP[lang] }).waitFor();
                assert.match(await avail.textContent(), lang === 'sv' ? /^Ingen har jour i den här chatten just nu/ : /^Nobody is on duty in this chat right now/);
                await clean(v);
            }
        });

        await step('the console lists the wait nobody serves', async () => {
            await c.locator('#queue .queue-unserved li[data-topic="parents"]').waitFor();
            assert.equal(await c.locator('#queue .queue-unserved-heading').textContent(), 'Waiting where nobody is on duty');
        });

        await step('the next worker reads the first one\'s lines under her name, not as a supervisor\'s', async () => {
            await addWorker(srv, BOB, 'worker');
            const b = await page(DESKTOP);
            await b.goto(`${base}/console/`);
            await b.fill('#login-user', BOB.user);
            await b.fill('#login-password', BOB.password);
            await b.click('#login-submit');
            await b.locator('#work-view').waitFor();
            await b.check('#duty-topic-parents');
            await b.click('#duty-on');
            const p2 = chatPanel(b);
            const line = p2.locator('.chat-log .msg').filter({ hasText: 'Siirrän sinut vanhempien chattiin.' });
            await line.waitFor();
            assert.equal(await line.locator('.msg-who').textContent(), ALICE.alias);
            await v.locator('#view-chat').waitFor();
            const seen = v.locator('#chat-log .msg-other').filter({ hasText: 'Siirrän sinut vanhempien chattiin.' });
            assert.equal(await seen.locator('.msg-who').textContent(), ALICE.alias, 'the visitor too reads who wrote it');
        });
    });
});

test('being told and leaving: the start announced, the title, the tone; a supervisor under their own name; the quick exit marked; end asks once; help after', { timeout: 180000 }, async () => {
    await daemon({ config: HELP_CONFIG }, async ({ srv, base, page }) => {
        await addWorker(srv, CORA, 'coordinator');
        const v = await visitorIn(page, base, 'fi', countTones);
        await v.clock.install(); /* the title's timer runs when the test says (time flows as well) */

        await step('waiting: the sound is off until the visitor turns it on', async () => {
            await v.click('#topics [data-topic="youth"]');
            await v.locator('#view-queue').waitFor();
            assert.equal(await v.locator('#queue-sound').isChecked(), false);
            assert.equal(await v.locator('label[for="queue-sound"]').textContent(), 'Soita äänimerkki, kun päivystäjä vastaa');
            await v.locator('#queue-sound').check();
            await clean(v);
            await shotTop(v, 'honest-queue-sound-fi-390');
        });

        const c = await consoleLogin(await page(DESKTOP), base);
        const panel = chatPanel(c);
        await step('the chat starts: announced, the title changes and back, a tone', async () => {
            await v.locator('#view-chat').waitFor();
            assert.equal(await v.locator('#announce').textContent(), `Keskustelu alkoi. Keskustelet nyt: ${ALICE.alias}.`);
            assert.equal(await v.title(), 'Keskustelu alkoi – Juttele kanssamme');
            assert.ok(await v.evaluate(() => window.__tones) >= 1, 'the tone asked for');
            await clean(v);
            await shotTop(v, 'honest-chat-started-fi-390');
            await v.clock.runFor(11000);
            assert.equal(await v.title(), 'Juttele kanssamme');
        });

        await step('a message to a hidden tab: the title says so, a tone; back when seen', async () => {
            await panel.waitFor();
            const before = await v.evaluate(() => window.__tones);
            await v.evaluate(() => {
                Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
                document.dispatchEvent(new Event('visibilitychange'));
            });
            await workerSend(panel, 'Hei, olen täällä.');
            await v.locator('#chat-log .msg-other').filter({ hasText: 'Hei, olen täällä.' }).waitFor();
            assert.equal(await v.title(), 'Uusi viesti – Juttele kanssamme');
            assert.ok(await v.evaluate(() => window.__tones) > before);
            await v.evaluate(() => {
                Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
                document.dispatchEvent(new Event('visibilitychange'));
            });
            assert.equal(await v.title(), 'Juttele kanssamme');
        });

        await step('a supervisor joins: the visitor reads their alias, the console labels both right', async () => {
            const b = await page(DESKTOP);
            await b.goto(`${base}/console/`);
            await b.fill('#login-user', CORA.user);
            await b.fill('#login-password', CORA.password);
            await b.click('#login-submit');
            await b.locator('#board-view').waitFor();
            const id = await panel.getAttribute('data-chat');
            await b.locator(`#board-chats tr[data-chat="${id}"] .c-follow`).click();
            const mon = b.locator(`#monitors section[data-monitor="${id}"]`);
            await mon.waitFor();
            await mon.locator('.mon-join-button').click();
            await mon.locator('.mon-form').waitFor();
            await mon.locator('.mon-input').fill('Olen Cora, autan myös.');
            await mon.locator('.mon-input').press('Enter');
            const line = v.locator('#chat-log .msg-other').filter({ hasText: 'Olen Cora, autan myös.' });
            await line.waitFor();
            assert.equal(await line.locator('.msg-who').textContent(), CORA.alias);
            await workerSend(panel, 'Ja minä olen yhä täällä.');
            const own = v.locator('#chat-log .msg-other').filter({ hasText: 'Ja minä olen yhä täällä.' });
            await own.waitFor();
            assert.equal(await own.locator('.msg-who').textContent(), ALICE.alias);
            await shotTop(v, 'honest-supervisor-alias-fi-390');
            /* the worker's panel names the supervisor, the supervisor's the worker */
            await panel.locator('.chat-log .msg-staff').filter({ hasText: 'Olen Cora' }).waitFor();
            assert.equal(await panel.locator('.chat-log .msg-staff .msg-who').textContent(), 'Cora (supervisor)');
            const inMon = mon.locator('.chat-log .msg').filter({ hasText: 'Ja minä olen yhä täällä.' });
            await inMon.waitFor();
            assert.equal(await inMon.locator('.msg-who').textContent(), `${ALICE.alias} (worker)`);
            assert.equal(await mon.locator('.chat-log .msg-own .msg-who').textContent(), 'You');
        });

        await step('the quick exit: the console says the visitor may not be safe to talk', async () => {
            await v.keyboard.press('Escape');
            await panel.locator('.chat-log .msg-system')
                .filter({ hasText: 'The visitor left with the quick exit: they may not be safe to talk now.' }).waitFor();
            assert.equal(await panel.locator('.chat-status').textContent(), 'Ended: quick exit');
            assert.deepEqual(await axe(c), []);
            await shot(panel, 'honest-console-quick-exit');
            await panel.locator('button.chat-close').click();
        });

        for (const lang of ['fi', 'sv', 'en']) {
            await step(`${lang}: "End chat" asks once, by keyboard; the visitor gets the other help`, async () => {
                const v2 = await visitorIn(page, base, lang);
                await v2.click('#topics [data-topic="youth"]');
                await v2.locator('#view-chat').waitFor();
                const p2 = c.locator('#chats section[data-chat]:not(.ended)');
                await p2.waitFor();
                await p2.locator('button.chat-end').focus();
                await c.keyboard.press('Enter');
                const ask = p2.locator('.chat-end-confirm');
                await ask.waitFor();
                assert.equal(await ask.locator('.chat-confirm-text').textContent(), 'End the chat? The visitor will see that you ended it.');
                await c.waitForFunction(() => document.activeElement.classList.contains('chat-end-yes'));
                await c.keyboard.press('Escape');
                await ask.waitFor({ state: 'hidden' });
                await c.waitForFunction(() => document.activeElement.classList.contains('chat-end'));
                assert.equal(await v2.locator('#view-chat').isVisible(), true, 'cancelled: the chat goes on');
                await c.keyboard.press('Enter');
                await c.waitForFunction(() => document.activeElement.classList.contains('chat-end-yes'));
                await c.keyboard.press('Enter');
                await v2.locator('#view-ended').waitFor();
                assert.equal(await v2.locator('#ended-help-text').textContent(), HELP[lang]);
                assert.ok(await v2.locator('#ended-help').isVisible());
                await clean(v2);
                if (lang === 'fi') await shotTop(v2, 'honest-ended-help-fi-390');
                await c.locator('#chats section[data-chat].ended button.chat-close').first().click();
                await v2.context().close();
            });
        }
    });
});

test('an estimate that stays true: the remaining wait, then "taking longer than we thought" instead of a number', { timeout: 180000 }, async () => {
    await daemon(async ({ srv, base, page }) => {
        /* three chats of a minute each give chatd its handle time */
        const w = await workerOnDuty(srv.port, ['youth'], 1);
        for (let i = 0; i < 4; i++) {
            const x = await visitorHello(srv.port, { lang: 'en' });
            assert.equal((await request(x, { type: 'join', topic: 'youth' })).type, 'queued');
            const started = await w.next('chat_started');
            if (i === 3) break; /* the fourth keeps the only slot */
            await srv.advance(30);
            await srv.advance(30);
            assert.equal((await request(w, { type: 'end', chat: started.chat })).type, 'chat_ended');
        }
        const v = await visitorIn(page, base, 'fi');
        await v.clock.install();
        await v.click('#topics [data-topic="youth"]');
        await v.locator('#view-queue').waitFor();
        const wait = v.locator('#queue-wait');

        await step('at first: the remaining estimate', async () => {
            await wait.filter({ hasText: /^Arvioitu odotusaika: (noin \d+ min|alle minuutti)$/ }).waitFor();
            await clean(v);
            await shotTop(v, 'honest-estimate-fi-390');
        });

        await step('the wait outlives it: said in words, not a number', async () => {
            for (let s = 0; s < 180; s += 30) {
                await srv.advance(30);
                await roundTrip(v);
                await v.clock.runFor(30000);
            }
            await wait.filter({ hasText: 'Odotus kestää pidempään kuin arvioimme.' }).waitFor();
            assert.doesNotMatch(await wait.textContent(), /\d/, 'no number');
            assert.match(await v.locator('#queue-waited').textContent(), /^Olet odottanut \d+ min\.$/);
            await clean(v);
            await shotTop(v, 'honest-estimate-longer-fi-390');
            await v.selectOption('#lang', 'sv');
            await wait.filter({ hasText: 'Det tar längre tid än vi trodde.' }).waitFor();
            await clean(v);
            await v.selectOption('#lang', 'en');
            await wait.filter({ hasText: 'This is taking longer than we thought.' }).waitFor();
            await clean(v);
        });
    });
});
