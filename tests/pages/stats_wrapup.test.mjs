/* stats_wrapup.test.mjs: what the statistics page shows after the chats
 * (contract v2 §4, §5), in Debian's Chromium against a real chatd. A worker
 * wraps up ten chats with known kinds and categories and lets an eleventh
 * wrap-up run out of time; four visitors answer "did it help" and "would you
 * contact us again". The page must show the categories by share, the chosen
 * category in its weekday and hour, the kinds with the share of silent, test
 * and prank contacts in words, the mean wrap-up time and the answers, in
 * English, Finnish and Swedish, with the new counters in the CSV. Counts
 * hidden as "<K" are shown as such and make no share; categories are named
 * by the body's `categories` where it has them, else by their ids. axe-core
 * finds nothing serious; desktop and phone screenshots of the sections. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    ALICE, addWorker, endHour, httpGet, request, step, terminateClients, visitorHello, workerLogin, workerOnDutyAs,
} from '../integration/harness.mjs';
import { axe, daemon, DESKTOP, downloadText, endedDays, layoutProblems, PHONE, serviceDay, shot, until } from './lib.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const TZ = 'Europe/Helsinki';
const TOPICS = {
    youth: { wrapup_s: 60 },
    parents: { audience: 'parent', wrapup_s: 1, title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
};

/* The chats: topic, wrap-up (null: none is sent, its time runs out) and
 * the visitor's answers after the chat (null: none). */
const CHATS = [
    { topic: 'youth', kind: 'counselling', categories: ['family', 'school'], fb: { helped: 'yes', again: true } },
    { topic: 'youth', kind: 'counselling', categories: ['family', 'violence'], fb: { helped: 'yes', again: true } },
    { topic: 'youth', kind: 'counselling', categories: ['family', 'mental_health'], fb: { helped: 'somewhat', again: true } },
    { topic: 'youth', kind: 'information', categories: ['mental_health'], fb: { helped: 'no', again: false } },
    { topic: 'youth', kind: 'information', categories: ['school', 'family'], fb: null },
    { topic: 'youth', kind: 'silent', categories: [], fb: null },
    { topic: 'youth', kind: 'test', categories: [], fb: null },
    { topic: 'youth', kind: 'prank', categories: [], fb: null },
    { topic: 'youth', kind: 'abusive', categories: [], fb: null },
    { topic: 'youth', kind: 'abusive', categories: [], fb: null },
    { topic: 'parents', kind: null, categories: [], fb: null },
];
const SENT = CHATS.filter((c) => c.kind).length;

/* Weekday (Mon = 0) and hour of a bucket in the service's zone, worked out
 * apart from the page (through a Date and Intl, not the text). */
function slot(iso) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
        timeZone: TZ, weekday: 'short', hour: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return { day: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday), hour: Number(parts.hour) };
}

async function apiStats(srv, token) {
    const { from, to } = await endedDays(srv); /* the API holds ended hours only */
    const r = await httpGet(srv.port, `/api/stats?from=${from}&to=${to}`, { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    return JSON.parse(r.body);
}

const sum = (buckets, k) => buckets.reduce((n, b) => n + (typeof b[k] === 'number' ? b[k] : 0), 0);
const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

/* The first chat's wrap-up takes a while (over 2 s: the mean wrap-up time has
 * something to show), the others are sent at once; the first is sent last, so
 * that its wait overlaps the others' work. */
const FIRST_WRAPUP_MS = 2100;

async function makeChats(srv) {
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth', 'parents'], 10);
    let first = null;
    for (const [i, c] of CHATS.entries()) {
        const v = await visitorHello(srv.port);
        assert.equal((await request(v, { type: 'join', topic: c.topic })).type, 'queued');
        const { chat } = await w.next('chat_started');
        await v.next('chat_started');
        await request(w, { type: 'end', chat });
        await v.next('chat_ended');
        const m = (x) => x.type === 'wrapup' && x.chat === chat;
        m.label = `wrapup of ${chat}`;
        await w.next(m);
        if (c.fb) assert.equal((await request(v, { type: 'feedback', chat, ...c.fb })).type, 'ack');
        if (i === 0) first = { chat, c };
        else if (c.kind) await wrapup(w, chat, c);
    }
    await srv.advance(FIRST_WRAPUP_MS / 1000); /* the first wrap-up takes a while of chatd's time */
    await wrapup(w, first.chat, first.c);
}

async function wrapup(w, chat, c) {
    const ack = await request(w, { type: 'wrapup', chat, kind: c.kind, categories: c.categories });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
}

async function login(p, base) {
    await p.goto(`${base}/stats/`);
    await p.fill('#login-user', CORA.user);
    await p.fill('#login-password', CORA.password);
    await p.click('#login-submit');
    await p.locator('#fig-wrapups').waitFor();
}

test('the statistics page after the chats: categories, kinds, wrap-up time and the visitors\' answers', { timeout: 90000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        try {
            await addWorker(srv, CORA, 'coordinator');
            await step('ten chats wrapped up, one wrap-up left to run out, four visitors answer', () => makeChats(srv));

            /* the daemon's numbers, to hold the page against */
            const cora = await workerLogin(srv.port, CORA.user, CORA.password);
            /* the parents chat's wrap-up (1 s) ran out in the chatd time
             * made to pass above; the count follows at chatd's next turn */
            const body = await until(async () => {
                const b = await apiStats(srv, cora.welcome.token);
                return sum(b.buckets, 'wrapups') === CHATS.length && b;
            }, { what: 'all eleven wrap-ups counted' });
            const { buckets } = body;
            assert.equal(sum(buckets, 'wrapups'), CHATS.length, 'the last one ran out of time');
            assert.equal(sum(buckets, 'cat_family'), 4);
            assert.equal(SENT, 10);
            const wrapupS = sum(buckets, 'wrapup_s');
            assert.ok(wrapupS >= 3, `wrapup_s ${wrapupS}`);
            /* the labels: the body's `categories` if the daemon sends them, else the ids */
            const labelled = Array.isArray(body.categories);
            const label = (id, en) => (labelled ? en : id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' '));

            const p = await page(DESKTOP, { locale: 'en-GB', timezoneId: 'America/New_York' });
            await login(p, base);

            await step('categories by share, most named first, shares of the ten wrap-ups sent', async () => {
                const rows = p.locator('#categories tbody tr');
                assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.category)),
                    ['family', 'mental_health', 'school', 'violence', 'self_harm', 'peers', 'sexuality', 'body',
                        'substances', 'loneliness', 'other'], 'by count, then in the configured order; the unnamed too');
                assert.equal(await text(rows.nth(0).locator('th')), label('family', 'Family and home'));
                assert.equal(await text(rows.nth(1).locator('th')), label('mental_health', 'Mental health'));
                assert.equal(await text(rows.nth(2).locator('th')), label('school', 'School'));
                assert.match(await text(rows.nth(0).locator('td')), /^4 \(40\s?%\)$/);
                assert.match(await text(rows.nth(1).locator('td')), /^2 \(20\s?%\)$/);
                assert.match(await text(rows.nth(2).locator('td')), /^2 \(20\s?%\)$/);
                assert.match(await text(rows.nth(3).locator('td')), /^1 \(10\s?%\)$/);
                assert.match(await text(p.locator('#categories tr[data-category="peers"] td')), /^0 \(0\s?%\)$/);
                assert.equal(await text(p.locator('#categories tfoot td')), '10');
                assert.ok(await p.locator('#cat-none').isHidden());
            });

            await step('categories by weekday and hour: numbers in the cells, a category chosen', async () => {
                const cells = new Map();
                for (const b of buckets) {
                    const s = slot(b.hour);
                    const k = `${s.day}/${s.hour}`;
                    const c = cells.get(k) || { ...s, all: 0, family: 0, school: 0 };
                    c.all += ['family', 'violence', 'school', 'mental_health'].reduce((n, id) => n + b[`cat_${id}`], 0);
                    c.family += b.cat_family;
                    c.school += b.cat_school;
                    cells.set(k, c);
                }
                const table = p.locator('#cathour');
                assert.equal(await table.locator('tbody tr').count(), 7);
                assert.equal(await table.locator('tbody tr').first().locator('td').count(), 24);
                assert.equal(await table.locator('thead th').count(), 25);
                assert.equal(await p.locator('#cathour-cat').inputValue(), '', 'all categories at first');
                const check = async (what) => {
                    const busy = [...cells.values()].filter((c) => c[what] > 0);
                    for (const c of busy) {
                        const td = table.locator(`td[data-day="${c.day}"][data-hour="${c.hour}"]`);
                        assert.equal(await td.locator('.heat-n').innerText(), String(c[what]), `${what} ${c.day}/${c.hour}`);
                    }
                    assert.equal(await table.locator('.heat-n').count(), busy.length, `${what}: nothing elsewhere`);
                };
                await check('all');
                assert.equal(await p.locator('#cathour-cat option').count(), 12);
                assert.equal(await text(p.locator('#cathour-cat option').nth(1)), label('family', 'Family and home'));
                await p.selectOption('#cathour-cat', 'family');
                await check('family');
                const peak = Math.max(...[...cells.values()].map((c) => c.family));
                assert.match(await text(p.locator('#cathour-peak')), new RegExp(`^Most: \\w+day \\d\\d:00–\\d\\d:00 \\(${peak}\\)\\.$`));
                await p.selectOption('#cathour-cat', 'school');
                await check('school');
                await p.selectOption('#cathour-cat', 'peers');
                assert.equal(await table.locator('.heat-n').count(), 0);
                assert.equal(await text(p.locator('#cathour-peak')), `No wrap-up named ${label('peers', 'Peer relations and bullying')} in this period.`);
                /* the zeros are read out too, and the caption names the category */
                assert.equal(await table.locator('td[data-day="0"][data-hour="0"]').innerText(), '0');
                assert.match(await table.locator('caption').textContent(), /^Wrap-ups naming .+, by weekday \(rows\) and hour \(columns\)$/);
                await p.selectOption('#cathour-cat', 'family');
            });

            await step('kinds, the noise share in words, wrap-ups and their mean time', async () => {
                const kinds = {};
                for (const tr of await p.locator('#kinds tbody tr').all()) {
                    kinds[await tr.getAttribute('data-kind')] = [await text(tr.locator('th')), await text(tr.locator('td'))];
                }
                assert.deepEqual(Object.keys(kinds), ['counselling', 'information', 'silent', 'test', 'prank', 'abusive']);
                assert.equal(kinds.counselling[0], 'Counselling');
                assert.match(kinds.counselling[1], /^3 \(30\s?%\)$/);
                assert.match(kinds.information[1], /^2 \(20\s?%\)$/);
                assert.match(kinds.silent[1], /^1 \(10\s?%\)$/);
                assert.match(kinds.test[1], /^1 \(10\s?%\)$/);
                assert.match(kinds.prank[1], /^1 \(10\s?%\)$/);
                assert.match(kinds.abusive[1], /^2 \(20\s?%\)$/);
                assert.equal(await text(p.locator('#kinds tfoot td')), '10');
                /* abusive is a real contact, not noise */
                assert.match(await text(p.locator('#kinds-noise')),
                    /^30\s?% of the wrap-ups sent were silent, test or prank contacts \(3 of 10\)\.$/);
                assert.equal(await text(p.locator('#fig-wrapups .figure-value')), '11');
                assert.equal(await text(p.locator('#fig-wrapups .figure-detail')), '1 not sent in time');
                assert.equal(await text(p.locator('#fig-wrapup-time .figure-value')), `${Math.round(wrapupS / 11)} s`);
            });

            await step('did the chat help, would they contact again', async () => {
                const row = (q, a) => text(p.locator(`#helped tbody[data-question="${q}"] tr[data-answer="${a}"] td`));
                assert.match(await row('helped', 'helped_yes'), /^2 \(50\s?%\)$/);
                assert.match(await row('helped', 'helped_somewhat'), /^1 \(25\s?%\)$/);
                assert.match(await row('helped', 'helped_no'), /^1 \(25\s?%\)$/);
                assert.match(await row('again', 'again_yes'), /^3 \(75\s?%\)$/);
                assert.match(await row('again', 'again_no'), /^1 \(25\s?%\)$/);
                assert.equal(await text(p.locator('#helped tbody[data-question="helped"] th[scope="rowgroup"]')), 'Did the chat help?');
                assert.match(await text(p.locator('#helped-summary')),
                    /^The chat helped at least somewhat in 75\s?% of 4 answers\. 75\s?% of 4 would contact us again\.$/);
            });

            await step('desktop screenshots and axe', async () => {
                assert.deepEqual(await p.evaluate(layoutProblems), []);
                assert.deepEqual(await axe(p), []);
                await shot(p, 'stats-wrapup-desktop');
                await shot(p.locator('#cat-heading').locator('xpath=..'), 'stats-categories-desktop');
                await shot(p.locator('#cathour-section'), 'stats-cathour-desktop');
                await shot(p.locator('#kinds-heading').locator('xpath=../..'), 'stats-kinds-helped-desktop');
            });

            await step('a phone: nothing sticks out, the weekday table scrolls in its box', async () => {
                const phone = await page(PHONE, { locale: 'fi-FI', timezoneId: TZ });
                await login(phone, base);
                assert.deepEqual(await phone.evaluate(layoutProblems), []);
                const box = await phone.locator('#cathour').evaluate((t) => ({
                    scrolls: t.parentElement.scrollWidth > t.parentElement.clientWidth,
                    page: document.documentElement.scrollWidth,
                }));
                assert.deepEqual(box, { scrolls: true, page: 390 });
                assert.deepEqual(await axe(phone), []);
                await phone.locator('#cat-heading').scrollIntoViewIfNeeded();
                await shot(phone.locator('#kinds-heading').locator('xpath=..'), 'stats-kinds-phone');
                await shot(phone.locator('#cathour-section'), 'stats-cathour-phone');
            });

            await step('Finnish and Swedish', async () => {
                await p.selectOption('#lang', 'fi');
                assert.equal(await text(p.locator('#cat-heading')), 'Yhteydenottojen aiheet');
                assert.equal(await text(p.locator('#cathour-heading')), 'Aiheet viikonpäivän ja kellonajan mukaan');
                assert.equal(await text(p.locator('#kinds tr[data-kind="counselling"] th')), 'Tukikeskustelu');
                assert.equal(await text(p.locator('#fig-wrapup-time dt')), 'Jälkikirjauksen kesto keskimäärin');
                assert.match(await text(p.locator('#kinds-noise')), /^Lähetetyistä jälkikirjauksista 30\s?% oli hiljaisia, testi- tai pilayhteydenottoja \(3\/10\)\.$/);
                assert.equal(await text(p.locator('#helped tbody[data-question="again"] th[scope="rowgroup"]')), 'Ottaisi yhteyttä uudelleen?');
                assert.equal(await p.locator('#cathour-cat').inputValue(), 'family', 'the choice stays');
                if (labelled) assert.equal(await text(p.locator('#categories tbody tr').first().locator('th')), 'Perhe ja koti');
                assert.deepEqual(await axe(p), [], 'fi');
                await p.selectOption('#lang', 'sv');
                assert.equal(await text(p.locator('#cat-heading')), 'Kontakternas ämnen');
                assert.equal(await text(p.locator('#kinds tr[data-kind="prank"] th')), 'Skämt');
                assert.equal(await text(p.locator('#helped-heading')), 'Hjälpte chatten?');
                assert.match(await text(p.locator('#helped-summary')), /^Chatten hjälpte åtminstone delvis enligt 75\s?% av 4 svar\./);
                if (labelled) assert.equal(await text(p.locator('#categories tbody tr').first().locator('th')), 'Familj och hem');
                await p.selectOption('#lang', 'en');
            });

            await step('the CSV has the new counters, as chatadmin writes them', async () => {
                const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#csv')]);
                const lines = (await downloadText(dl)).trim().split('\n');
                const cols = lines[0].split(',');
                for (const k of ['wrapups', 'wrapup_s', 'kind_counselling', 'kind_abusive', 'cat_family', 'cat_other',
                    'helped_yes', 'helped_somewhat', 'helped_no', 'again_yes', 'again_no']) assert.ok(cols.includes(k), k);
                const cli = await srv.admin(['stats', '--from', serviceDay(), '--to', serviceDay(), '--format', 'csv']);
                assert.equal(cli.code, 0, cli.stderr);
                assert.equal(lines[0], cli.stdout.split('\n')[0], 'same header as chatadmin stats');
                const col = cols.indexOf('cat_family');
                assert.equal(lines.slice(1).reduce((n, l) => n + Number(l.split(',')[col]), 0), 4);
            });
        } finally {
            terminateClients();
        }
    });
});

test('the statistics page with counts hidden as "<K" and some categories labelled: shown as such, no shares made of them', { timeout: 60000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        try {
            await addWorker(srv, CORA, 'coordinator');
            await makeChats(srv);
            await endHour(srv); /* the page shows ended hours only */
            const p = await page(DESKTOP, { locale: 'en-GB' });
            /* the daemon answers with everything; hide what chatadmin --min-count 2
             * would, and label two categories in the body (the others keep their ids) */
            await p.route('**/api/stats?*', async (route) => {
                const r = await route.fetch();
                const j = await r.json();
                for (const b of j.buckets) {
                    for (const [k, v] of Object.entries(b)) {
                        if (typeof v === 'number' && v > 0 && v < 2 && /^(kind_|cat_|helped_|again_)/.test(k)) b[k] = '<2';
                    }
                }
                j.categories = [
                    { id: 'school', label: { fi: 'Koulu', sv: 'Skolan', en: 'School and studies' } },
                    { id: 'family', label: { fi: 'Perhe ja koti', sv: 'Familj och hem', en: 'Family and home' } },
                ];
                await route.fulfill({ response: r, json: j });
            });
            await login(p, base);
            /* every bucket's 1s are hidden */
            assert.equal(await text(p.locator('#categories tr[data-category="violence"] td')), '<2', 'no share of a hidden count');
            assert.match(await text(p.locator('#categories tr[data-category="family"] td')), /^(4|≥\s?\d+|<2)$/);
            assert.equal(await text(p.locator('#kinds tr[data-kind="silent"] td')), '<2');
            assert.equal(await text(p.locator('#kinds-noise')),
                'Some of these counts are below the reporting limit, so the share of silent, test and prank contacts cannot be given.');
            assert.match(await text(p.locator('#kinds tfoot td')), /^≥\s?\d+$/);
            assert.equal(await text(p.locator('#helped tr[data-answer="helped_no"] td')), '<2');
            const cells = await p.locator('#cathour .heat-n').allInnerTexts();
            assert.ok(cells.length > 0 && cells.every((c) => /^(<2|≥\d+|\d+)$/.test(c)), `cells ${cells}`);
            /* the labels: from the body where it has them */
            assert.equal(await text(p.locator('#categories tr[data-category="family"] th')), 'Family and home');
            assert.equal(await text(p.locator('#categories tr[data-category="school"] th')), 'School and studies');
            assert.equal(await text(p.locator('#categories tr[data-category="self_harm"] th')), 'Self harm');
            assert.equal(await text(p.locator('#cathour-cat option[value="family"]')), 'Family and home');
            await p.selectOption('#lang', 'sv');
            assert.equal(await text(p.locator('#categories tr[data-category="family"] th')), 'Familj och hem');
            assert.equal(await text(p.locator('#cathour-cat option[value="school"]')), 'Skolan');
            assert.deepEqual(await axe(p), []);
        } finally {
            terminateClients();
        }
    });
});
