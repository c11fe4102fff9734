/* rota.test.mjs: from the plan to a rota (contract v3 §7, issue 31) in
 * Debian's Chromium against a real chatd holding the example four weeks
 * (config/example-stats.csv, imported with chatadmin, as plan.test.mjs).
 * A coordinator previews next week's rota on the statistics page (the need
 * and the proposed shifts match POST /api/rota), publishes it after the
 * question, two workers take shifts in their consoles' Shifts view by
 * keyboard (the second taker of the same shift is told in words that
 * someone took it a moment ago), and the statistics page then shows per
 * hour the workers needed, the shifts published and taken, and marks the
 * uncovered hours with the word "uncovered" (fi "kattamatta", sv "otäckt")
 * as well as colour; removing the untaken shifts (asked first) leaves the
 * taken ones. axe-core finds nothing serious at desktop size and at 390 px;
 * screenshots of the coordinator's rota and of a worker's shifts. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ALICE, REPO, addWorker, step, workerLogin } from '../integration/harness.mjs';
import { DESKTOP, PHONE, axe, daemon, layoutProblems, roundTrip, shot } from './lib.mjs';

const EXAMPLE = path.join(REPO, 'config', 'example-stats.csv');
const FROM = '2026-10-26';
const TO = '2026-11-22';
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const BEA = { user: 'bea', password: 'bea-password-1', alias: 'Bea' };
const TOPICS = {
    youth: {},
    parents: { audience: 'parent', title_fi: 'Vanhempien chat', title_sv: 'Föräldrachatten', title_en: 'Parents chat' },
};

const text = (loc) => loc.innerText().then((s) => s.replace(/\s+/g, ' ').trim());

/* An init script: while window.__holdShifts is true the page does not
 * hear `shifts_changed`, so its list stays as it was, as when two workers
 * press Take at the same moment. */
function holdShiftsChanged() {
    window.__holdShifts = false;
    const add = WebSocket.prototype.addEventListener;
    WebSocket.prototype.addEventListener = function (type, fn, opts) {
        if (type !== 'message') return add.call(this, type, fn, opts);
        return add.call(this, type, function (ev) {
            if (window.__holdShifts && typeof ev.data === 'string' && ev.data.includes('"shifts_changed"')) return undefined;
            return fn.call(this, ev);
        }, opts);
    };
}

async function api(port, method, p, token, body) {
    const res = await fetch(`http://127.0.0.1:${port}${p}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
    });
    const txt = await res.text();
    assert.equal(res.status, 200, `${method} ${p}: ${res.status} ${txt}`);
    return JSON.parse(txt);
}

/* The service's "today" and next Monday, from GET /api/status. */
async function nextMonday(port) {
    const st = await (await fetch(`http://127.0.0.1:${port}/api/status`)).json();
    const d = new Date(`${st.generated.slice(0, 10)}T00:00:00Z`);
    const dow = (d.getUTCDay() + 6) % 7;
    return new Date(d.getTime() + (7 - dow) * 86400000).toISOString().slice(0, 10);
}

/* Per topic and local hour ("2026-12-14T14"): workers needed, and the
 * published / taken shifts covering it. */
function coverage(need, shifts) {
    const cells = new Map();
    const at = (topic, key) => {
        const k = `${topic}|${key}`;
        if (!cells.has(k)) cells.set(k, { need: 0, shifts: 0, taken: 0 });
        return cells.get(k);
    };
    for (const x of need) at(x.topic, x.start.slice(0, 13)).need += x.workers;
    for (const s of shifts) {
        const off = s.start.slice(19);
        const sign = off[0] === '-' ? -1 : 1;
        const offMs = off === 'Z' ? 0 : sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6))) * 60000;
        for (let ms = Date.parse(s.start); ms < Date.parse(s.end); ms += 3600000) {
            const c = at(s.topic, new Date(ms + offMs).toISOString().slice(0, 13));
            c.shifts += s.count ?? 1;
            if (s.taken_by) c.taken += 1;
        }
    }
    return cells;
}

async function consoleAs(page, base, who, viewport = DESKTOP) {
    const p = await page(viewport, { locale: 'en-GB' });
    await p.addInitScript(holdShiftsChanged);
    await p.goto(`${base}/console/#shifts`);
    await p.fill('#login-user', who.user);
    await p.fill('#login-password', who.password);
    await p.click('#login-submit');
    await p.locator('#shifts-view:not([hidden])').waitFor();
    await p.locator('#shifts-days li[data-shift]').first().waitFor();
    return p;
}

/* Takes shift id in console c with the keyboard: its Take button focused, Enter. */
async function takeByKeyboard(c, id) {
    const btn = c.locator(`#shifts-days li[data-shift="${id}"] button.shift-take`);
    await btn.focus();
    await c.keyboard.press('Enter');
}

test('a rota from the plan: preview, publish, two workers take shifts, what is still open', { timeout: 240000 }, async () => {
    await daemon({ topics: TOPICS }, async ({ srv, base, page }) => {
        const imp = await srv.admin(['stats', 'import', EXAMPLE]);
        assert.equal(imp.code, 0, imp.stderr);
        await addWorker(srv, CORA, 'coordinator');
        await addWorker(srv, BEA, 'worker');
        const cora = await workerLogin(srv.port, CORA.user, CORA.password);
        const token = cora.welcome.token;
        const week = await nextMonday(srv.port);
        const made = await api(srv.port, 'POST', '/api/rota', token, { week, from: FROM, to: TO });
        assert.ok(made.shifts.length > 0, 'the example needs shifts next week');
        const positions = made.shifts.reduce((n, s) => n + s.count, 0);
        const needH = made.need.reduce((n, x) => n + x.workers, 0);

        const p = await page(DESKTOP, { locale: 'en-GB' });
        await step('the coordinator logs in; the rota is for next Monday\'s week, the plan reads the last eight weeks', async () => {
            await p.goto(`${base}/stats/`);
            await p.fill('#login-user', CORA.user);
            await p.fill('#login-password', CORA.password);
            await p.press('#login-password', 'Enter');
            await p.locator('#rota-summary').filter({ hasText: /Nothing is published/ }).waitFor();
            assert.equal(await p.inputValue('#rota-week'), week);
            const from = new Date(Date.parse(`${week}T00:00:00Z`) - 63 * 86400000).toISOString().slice(0, 10);
            const to = new Date(Date.parse(`${week}T00:00:00Z`) - 8 * 86400000).toISOString().slice(0, 10);
            assert.equal(await p.inputValue('#rota-from'), from);
            assert.equal(await p.inputValue('#rota-to'), to);
            assert.equal(await p.inputValue('#rota-capacity'), '2');
            assert.equal(await p.inputValue('#rota-min'), '3');
            assert.equal(await p.inputValue('#rota-max'), '5');
            assert.equal(await p.locator('#rota-publish').isVisible(), false, 'nothing to publish before a preview');
        });

        await step('preview: the shifts and worker-hours of POST /api/rota, per day and per hour', async () => {
            await p.fill('#rota-from', FROM);
            await p.fill('#rota-to', TO);
            await p.locator('#rota-preview').focus();
            await p.keyboard.press('Enter');
            await p.locator('#rota-publish:not([hidden])').waitFor();
            const head = await text(p.locator('#rota-summary'));
            assert.match(head, new RegExp(`^Proposed for the week .*: ${positions} shifts?, ${made.total_h} worker-hours? in all, for a need of ${needH} worker-hours?\\.`), head);
            /* the list per day: one line per kind of shift, with its count */
            const lines = await p.locator('#rota-days li').count();
            assert.equal(lines, made.shifts.length);
            const first = made.shifts[0];
            const li = p.locator(`#rota-days li[data-topic="${first.topic}"][data-start="${first.start}"]`);
            assert.match(await text(li), new RegExp(`^${first.start.slice(11, 16)}–${first.end.slice(11, 16)} · .* · ${first.count} workers?$`));
            /* the grid: every hour with a need shows it, and the shifts proposed cover it */
            const cells = coverage(made.need, made.shifts);
            for (const [k, c] of cells) {
                if (!c.need) continue;
                const [topic, key] = k.split('|');
                const d = (new Date(`${key.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7;
                const td = p.locator(`#rota-grids table[data-topic="${topic}"] td[data-day="${d}"][data-hour="${Number(key.slice(11, 13))}"]`);
                assert.equal(await td.getAttribute('data-need'), String(c.need), k);
                assert.ok(c.shifts >= c.need, `the proposal covers ${k}`);
                assert.equal(await td.getAttribute('data-shifts'), String(c.shifts), k);
            }
            assert.equal(await p.locator('#rota-grids td[data-uncovered]').count(), 0, 'a preview has no taken shifts to be uncovered by');
        });

        await step('publish asks first; Cancel publishes nothing', async () => {
            await p.click('#rota-publish');
            assert.match(await text(p.locator('#rota-question')), new RegExp(`^Publish ${positions} shifts? for the week `));
            assert.equal(await p.evaluate(() => document.activeElement.id), 'rota-yes');
            await p.keyboard.press('Escape');
            assert.equal(await p.locator('#rota-confirm').isVisible(), false);
            const none = await api(srv.port, 'GET', `/api/rota?week=${week}`, token);
            assert.equal((none.shifts ?? none.items).length, 0);
        });

        await step('publish: one open shift per worker position', async () => {
            await p.click('#rota-publish');
            await p.click('#rota-yes');
            await p.locator('#rota-summary').filter({ hasText: /^Published for the week/ }).waitFor();
            const head = await text(p.locator('#rota-summary'));
            assert.match(head, new RegExp(`: ${positions} shifts?, ${made.total_h} worker-hours? in all \\(taken: 0, still open: ${positions}\\)`), head);
            const hoursWithNeed = made.need.length;
            assert.match(head, new RegExp(`${hoursWithNeed} hours? of the week (are|is) still uncovered`), head);
            assert.equal(await p.locator('#rota-grids td[data-uncovered]').count(), hoursWithNeed);
        });

        const list = async () => {
            const r = await api(srv.port, 'GET', `/api/rota?week=${week}`, token);
            return r.shifts ?? r.items;
        };
        const shifts = await list();
        assert.equal(shifts.length, positions);
        /* two positions of one kind would do as well; the first and the last shift will */
        const sA = shifts[0];
        const sB = shifts[shifts.length - 1];

        const alice = await consoleAs(page, base, ALICE);
        const bea = await consoleAs(page, base, BEA);

        await step('the workers see the open shifts by day, with topic and time', async () => {
            for (const c of [alice, bea]) {
                await c.locator(`#shifts-days li[data-shift="${sA.shift}"][data-state="open"]`).waitFor();
                const said = await text(c.locator(`#shifts-days li[data-shift="${sA.shift}"]`));
                assert.match(said, new RegExp(`^${sA.start.slice(11, 16)}–${sA.end.slice(11, 16)} (Youth chat|Parents chat) Open Take`), said);
                const day = c.locator(`#shifts-days li[data-shift="${sA.shift}"]`).locator('xpath=ancestor::section[1]/h3');
                assert.match(await text(day), /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+ \w+$/);
            }
        });

        await step('Alice takes a shift by keyboard; Bea, whose list is a moment old, is told someone took it', async () => {
            await bea.evaluate(() => { window.__holdShifts = true; });
            await takeByKeyboard(alice, sA.shift);
            await alice.locator(`#shifts-days li[data-shift="${sA.shift}"][data-state="mine"]`).waitFor();
            assert.match(await text(alice.locator(`#shifts-days li[data-shift="${sA.shift}"]`)), /Yours Drop/);
            await roundTrip(bea);
            assert.equal(await bea.locator(`#shifts-days li[data-shift="${sA.shift}"]`).getAttribute('data-state'), 'open');
            await takeByKeyboard(bea, sA.shift);
            await bea.locator(`#shifts-days li[data-shift="${sA.shift}"] .shift-note`).filter({ hasText: 'Someone took this shift a moment ago.' }).waitFor();
            await bea.locator(`#shifts-days li[data-shift="${sA.shift}"][data-state="taken"]`).waitFor();
            assert.match(await text(bea.locator(`#shifts-days li[data-shift="${sA.shift}"]`)), /Taken by Alice/);
            await bea.evaluate(() => { window.__holdShifts = false; });
        });

        await step('Bea takes another; Alice\'s list follows shifts_changed', async () => {
            await takeByKeyboard(bea, sB.shift);
            await bea.locator(`#shifts-days li[data-shift="${sB.shift}"][data-state="mine"]`).waitFor();
            await alice.locator(`#shifts-days li[data-shift="${sB.shift}"][data-state="taken"]`).filter({ hasText: 'Taken by Bea' }).waitFor();
            assert.equal(await alice.locator(`#shifts-days li[data-shift="${sB.shift}"] button`).count(), 0, 'no button on a colleague\'s shift');
            assert.match(await text(bea.locator('#shifts-summary')), new RegExp(`^Open shifts: ${positions - 2}\\. Yours: 1\\.$`));
        });

        await step('the worker\'s view: fi and sv words, axe, 390 px, screenshots', async () => {
            await shot(bea, 'rota-shifts-worker-en');
            assert.deepEqual(await axe(bea), []);
            assert.deepEqual(await bea.evaluate(layoutProblems), []);
            await bea.selectOption('#lang', 'fi');
            assert.match(await text(bea.locator(`#shifts-days li[data-shift="${sA.shift}"]`)), /Ottanut: Alice/);
            assert.match(await text(bea.locator(`#shifts-days li[data-shift="${sA.shift}"] .shift-note`)), /^Joku otti tämän vuoron hetki sitten\.$/);
            assert.equal(await text(bea.locator('#nav-shifts')), 'Vuorot');
            await bea.selectOption('#lang', 'sv');
            assert.match(await text(bea.locator(`#shifts-days li[data-shift="${sA.shift}"] .shift-note`)), /^Någon tog det här passet för ett ögonblick sedan\.$/);
            assert.match(await text(bea.locator(`#shifts-days li[data-shift="${sB.shift}"]`)), /Ditt Lämna/);
            await bea.selectOption('#lang', 'en');
            const phone = await consoleAs(page, base, ALICE, PHONE);
            assert.deepEqual(await axe(phone), []);
            assert.deepEqual(await phone.evaluate(layoutProblems), []);
            await shot(phone, 'rota-shifts-phone-en');
        });

        await step('the statistics page shows what is still open, uncovered hours in words', async () => {
            await p.click('#rota-refresh');
            await p.locator('#rota-summary').filter({ hasText: '(taken: 2, ' }).waitFor();
            const now = await list();
            const cells = coverage(made.need, now);
            let uncovered = 0;
            for (const [k, c] of cells) {
                const [topic, key] = k.split('|');
                const d = (new Date(`${key.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7;
                const td = p.locator(`#rota-grids table[data-topic="${topic}"] td[data-day="${d}"][data-hour="${Number(key.slice(11, 13))}"]`);
                assert.equal(await td.getAttribute('data-taken'), String(c.taken), k);
                const said = await td.textContent();
                if (c.taken < c.need) {
                    uncovered += 1;
                    assert.match(said, /▲ uncovered/, k);
                    assert.match(said, /uncovered, \d+ workers? missing/, k);
                    assert.equal(await td.getAttribute('class'), 'rota-short', k);
                } else {
                    assert.doesNotMatch(said, /uncovered/, k);
                }
            }
            assert.equal(await p.locator('#rota-grids td[data-uncovered]').count(), uncovered);
            assert.match(await text(p.locator('#rota-summary')), new RegExp(`still open: ${positions - 2}\\)`));
            assert.match(await text(p.locator('#rota-summary')), new RegExp(`${uncovered} hours? of the week (are|is) still uncovered`));
            const line = p.locator(`#rota-days li[data-topic="${sA.topic}"][data-start="${sA.start}"]`);
            assert.match(await text(line), /taken by Alice/);
            await shot(p.locator('#rota-section'), 'rota-coordinator-en');
            assert.deepEqual(await axe(p), []);
            assert.deepEqual(await p.evaluate(layoutProblems), []);
            await p.selectOption('#lang', 'fi');
            assert.match(await p.locator('#rota-grids td[data-uncovered]').first().textContent(), /▲ kattamatta/);
            assert.match(await text(p.locator('#rota-summary')), /vielä kattamatta/);
            assert.equal(await text(p.locator('#rota-heading')), 'Vuorolista: suunnitelmasta työvuoroiksi');
            await p.selectOption('#lang', 'sv');
            assert.match(await p.locator('#rota-grids td[data-uncovered]').first().textContent(), /▲ otäckt/);
            assert.match(await text(p.locator('#rota-summary')), /ännu otäckt/);
            await p.selectOption('#lang', 'en');
        });

        await step('planned against actual: worker-hours a week of taken shifts and on duty, from /api/stats', async () => {
            const st = await api(srv.port, 'GET', `/api/stats?from=${FROM}&to=${TO}`, token);
            assert.ok(st.buckets.every((b) => typeof b.planned_s === 'number'), 'the statistics carry planned_s');
            const weeks = new Map();
            for (const b of st.buckets) {
                const d = new Date(`${b.hour.slice(0, 10)}T00:00:00Z`);
                const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86400000).toISOString().slice(0, 10);
                const w = weeks.get(monday) ?? { planned: 0, actual: 0 };
                w.planned += b.planned_s;
                w.actual += b.worker_s;
                weeks.set(monday, w);
            }
            await p.fill('#from', FROM);
            await p.fill('#to', TO);
            await p.click('#show');
            await p.locator('#rota-pa:not([hidden])').waitFor();
            await p.locator('#results[aria-busy="false"]').waitFor();
            const rows = p.locator('#rota-pa-table tbody tr');
            assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.week)), [...weeks.keys()].sort());
            const one = (s) => (Math.round(s / 360) / 10).toLocaleString('en-GB', { maximumFractionDigits: 1 });
            for (const [monday, w] of weeks) {
                const cells = await p.locator(`#rota-pa-table tr[data-week="${monday}"] td`).allInnerTexts();
                assert.deepEqual(cells.slice(0, 2), [one(w.planned), one(w.actual)], monday);
            }
            assert.deepEqual(await p.locator('#rota-pa-table thead th').allInnerTexts(),
                ['Week', 'Planned worker-hours', 'Actual worker-hours', 'Actual of planned']);
        });

        await step('at 390 px the section fits, axe finds nothing serious', async () => {
            await p.setViewportSize(PHONE);
            assert.deepEqual(await p.evaluate(layoutProblems), []);
            assert.deepEqual(await axe(p), []);
            await shot(p.locator('#rota-section'), 'rota-coordinator-phone-en');
            await p.setViewportSize(DESKTOP);
        });

        await step('remove untaken shifts asks first, then leaves the two taken ones', async () => {
            await p.click('#rota-remove');
            assert.match(await text(p.locator('#rota-question')), new RegExp(`^Remove the ${positions - 2} shifts? of the week .* that nobody has taken\\? Taken shifts stay\\.$`));
            await p.click('#rota-yes');
            await p.locator('#rota-summary').filter({ hasText: /: 2 shifts, .* \(taken: 2, still open: 0\)/ }).waitFor();
            const left = await list();
            assert.deepEqual(left.map((s) => s.taken_by).sort(), ['Alice', 'Bea']);
            await alice.locator(`#shifts-days li[data-shift="${sA.shift}"][data-state="mine"]`).waitFor();
            assert.equal(await alice.locator('#shifts-days li[data-state="open"]').count(), 0);
        });

        await step('when Alice\'s shift starts, her console says so and goes on duty for its topic', async () => {
            /* to a minute before the start (the console's 12-hour token runs
             * out on the way: Alice logs in again), then past it */
            const now = await srv.advance(0.001);
            const start = Date.parse(sA.start) / 1000;
            assert.ok(start - now > 120, 'the shift is ahead');
            await srv.advance(start - now - 60);
            await alice.locator('#login-view:not([hidden])').waitFor();
            await alice.fill('#login-user', ALICE.user);
            await alice.fill('#login-password', ALICE.password);
            await alice.click('#login-submit');
            await alice.locator('#login-view').waitFor({ state: 'hidden' });
            await alice.locator('#shifts-view:not([hidden])').waitFor();
            /* in steps shorter than the idle timeout, each with a round trip */
            let at = await srv.advance(0.001);
            while (at < start + 1) {
                await roundTrip(alice);
                assert.equal(await alice.locator('#shift-reminder').isVisible(), false, 'no notice before the start');
                at = await srv.advance(Math.min(15, start + 1 - at));
            }
            await roundTrip(alice);
            const notice = alice.locator('#shift-reminder:not([hidden])');
            await notice.waitFor();
            const topic = sA.topic === 'youth' ? 'Youth chat' : 'Parents chat';
            assert.equal(await text(alice.locator('#shift-reminder-text')),
                `Your shift starts now: ${topic}, ${sA.start.slice(11, 16)}–${sA.end.slice(11, 16)}.`);
            assert.equal(await alice.locator('#shift-reminder').getAttribute('role'), 'alert');
            await shot(alice, 'rota-reminder-en');
            await alice.locator('#shift-reminder-duty').focus();
            await alice.keyboard.press('Enter');
            await alice.locator('#duty-status').filter({ hasText: `On duty: ${topic}.` }).waitFor();
            assert.equal(await alice.evaluate(() => location.hash), '#chats');
            await alice.locator('#shift-reminder-text').filter({ hasText: `You are on duty for ${topic}.` }).waitFor();
            assert.equal(await alice.locator('#shift-reminder-duty').isVisible(), false);
            /* her own shift has started: no Drop any more */
            await alice.goto(`${base}/console/#shifts`);
            await alice.locator(`#shifts-days li[data-shift="${sA.shift}"][data-state="mine"]`).waitFor();
            assert.equal(await alice.locator(`#shifts-days li[data-shift="${sA.shift}"] button`).count(), 0);
        });
    });
});
