/* federation.test.mjs: two organisations on one chatd (contract v3 §4) as
 * the public sees them and as their coordinators count them. The status
 * (GET /api/status?org=, status.v1 on /ws?org=) carries one org's topics
 * and name and is pushed to an org's subscribers only when its own part
 * changes; the visitor page /?org=east is East's (its name, its topics, in
 * each language), an unknown org is said so; the widget with data-org shows
 * the org's name and follows its topics; the statistics page lets a
 * federation admin choose an org (or all) and a coordinator of one org sees
 * only that one. Screenshots at desktop and 390 px, axe on each. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
    CHATADMIN, REPO, connect, endHour, httpGet, request, run, terminateClients, visitorHello, workerLogin,
} from '../integration/harness.mjs';
import { DESKTOP, PHONE, axe, daemon, layoutProblems, roundTrip, shot } from './lib.mjs';

const EAST = { fi: 'Itä-Suomen tukiyhdistys', sv: 'Östra Finlands stödförening', en: 'East Finland Support' };
const WEST = { fi: 'Länsi-Suomen tukiyhdistys', sv: 'Västra Finlands stödförening', en: 'West Finland Support' };
const ORGS = `
[org east]
name_fi = ${EAST.fi}
name_sv = ${EAST.sv}
name_en = ${EAST.en}
overflow_to = west

[org west]
name_fi = ${WEST.fi}
name_sv = ${WEST.sv}
name_en = ${WEST.en}
overflow_to = east
`;
const TOPICS = {
    east_youth: { org: 'east', title_en: 'East youth chat', title_fi: 'Idän nuorten chat', title_sv: 'Östra ungdomschatten' },
    east_parents: { org: 'east', audience: 'parent', title_en: 'East parents', title_fi: 'Idän vanhemmat', title_sv: 'Östra föräldrar' },
    west_youth: { org: 'west', title_en: 'West youth chat', title_fi: 'Lännen nuorten chat', title_sv: 'Västra ungdomschatten' },
};
const FED = { config: ORGS, topics: TOPICS };
const ERIN = { user: 'erin', password: 'erin-password-1', alias: 'Erin' };   /* on duty for east */
const WES = { user: 'wes', password: 'wes-password-1', alias: 'Wes' };       /* on duty for west */
const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };   /* coordinator of east */
const FRAN = { user: 'fran', password: 'fran-password-1', alias: 'Fran' };   /* federation admin */

async function addUser(srv, who, role, org) {
    const r = await srv.admin(['user', 'add', who.user, '--role', role, '--alias', who.alias, '--org', org], who.password);
    assert.equal(r.code, 0, `user add ${who.user}: ${r.stderr}`);
}

async function onDuty(port, who, topics) {
    const w = await workerLogin(port, who.user, who.password);
    const d = await request(w, { type: 'duty', on: true, topics, capacity: 1 });
    assert.equal(d.type, 'duty', JSON.stringify(d));
    return w;
}

const ids = (topics) => topics.map((t) => t.id).sort();

const shoot = (p, name, full = false) => shot(p, `federation-${name}`, { fullPage: full });

test('GET /api/status?org= and status.v1 on /ws?org= carry one org\'s topics, pushed when that org\'s part changes',
    { timeout: 60000 }, async () => {
        await daemon(FED, async ({ srv }) => {
            const all = JSON.parse((await httpGet(srv.port, '/api/status')).body);
            assert.deepEqual(ids(all.topics), ['east_parents', 'east_youth', 'west_youth']);
            assert.deepEqual(Object.fromEntries(all.topics.map((t) => [t.id, t.org])),
                { east_youth: 'east', east_parents: 'east', west_youth: 'west' }, 'each topic names its org');
            assert.deepEqual(all.orgs, [{ id: 'east', name: EAST }, { id: 'west', name: WEST }]);

            const east = await httpGet(srv.port, '/api/status?org=east');
            assert.equal(east.status, 200);
            const eb = JSON.parse(east.body);
            assert.deepEqual(ids(eb.topics), ['east_parents', 'east_youth']);
            assert.deepEqual(eb.orgs, [{ id: 'east', name: EAST }]);
            const again = await httpGet(srv.port, '/api/status?org=east', { 'If-None-Match': east.headers.get('etag') });
            assert.equal(again.status, 304, 'the org\'s body is kept with its ETag');
            assert.notEqual(east.headers.get('etag'), (await httpGet(srv.port, '/api/status')).headers.get('etag'));

            const unknown = await httpGet(srv.port, '/api/status?org=north');
            assert.equal(unknown.status, 404);
            assert.equal(JSON.parse(unknown.body).error, 'not_found');
            assert.equal((await httpGet(srv.port, `/api/status?org=${'x'.repeat(300)}`)).status, 404,
                'an overlong org is unknown, not "every org"');

            const subEast = await connect(srv.port, 'status.v1', { path: '/ws?org=east' });
            const subAll = await connect(srv.port, 'status.v1');
            const first = await subEast.next('status');
            assert.deepEqual(ids(first.topics), ['east_parents', 'east_youth']);
            assert.deepEqual(first.orgs, [{ id: 'east', name: EAST }]);
            assert.equal((await subAll.next('status')).topics.length, 3);

            /* west changes: the all-topics subscriber hears it, east's does not */
            await addUser(srv, WES, 'worker', 'west');
            await onDuty(srv.port, WES, ['west_youth']);
            const pushed = await subAll.next((m) => m.type === 'status' &&
                m.topics.find((t) => t.id === 'west_youth').staffed === true);
            assert.ok(pushed);
            await subEast.expectNone('status');
            /* east changes: east's subscriber hears it */
            await addUser(srv, ERIN, 'worker', 'east');
            await onDuty(srv.port, ERIN, ['east_youth']);
            const e2 = await subEast.next('status');
            assert.equal(e2.topics.find((t) => t.id === 'east_youth').staffed, true);
            assert.deepEqual(ids(e2.topics), ['east_parents', 'east_youth']);

            const bad = await connect(srv.port, 'status.v1', { path: '/ws?org=north' });
            const err = await bad.next('error');
            assert.equal(err.code, 'not_found');
            await bad.closed;
            assert.equal(bad.closeInfo.code, 1008);

            /* a visitor of /?org=east: its welcome has East's topics and name */
            const vc = await connect(srv.port, 'visitor.v1', { path: '/ws?org=east' });
            const w = await request(vc, { type: 'hello' });
            assert.equal(w.type, 'welcome');
            assert.deepEqual(ids(w.topics), ['east_parents', 'east_youth']);
            assert.deepEqual(w.orgs, [{ id: 'east', name: EAST }]);
            const vall = await visitorHello(srv.port);
            assert.equal(vall.welcome.topics.length, 3);
            assert.deepEqual(vall.welcome.orgs.map((o) => o.id), ['east', 'west']);
            terminateClients();
        });
    });

/* Letters keys made by chatadmin: the server's, and East's own. */
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-fed-keys-'));
after(() => fs.rmSync(keyDir, { recursive: true, force: true }));
async function keygen(name) {
    const dir = path.join(keyDir, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'c.ini'), `[server]\ndata_dir = ${dir}/var\n[topic t]\nhours = always\n`);
    const kg = await run(CHATADMIN, ['--config', path.join(dir, 'c.ini'), 'letters', 'keygen', '--out', dir], 'letters passphrase 1');
    assert.equal(kg.code, 0, kg.stderr);
    return { pub: path.join(dir, 'letters.pub'), key: path.join(dir, 'letters.key'),
        text: fs.readFileSync(path.join(dir, 'letters.pub'), 'utf8').trim() };
}

test('a letter to a topic is sealed to its org\'s key: the welcome says each topic\'s, and on ?org= the org\'s',
    { timeout: 30000 }, async () => {
        const server = await keygen('server');
        const east = await keygen('east');
        const config = ORGS.replace('overflow_to = west', `overflow_to = west\nletters_pub = ${east.pub}\nletters_key = ${east.key}`);
        const topics = {
            ...TOPICS,
            east_youth: { ...TOPICS.east_youth, letters: 'on' },
            west_youth: { ...TOPICS.west_youth, letters: 'on' },
        };
        assert.notEqual(server.text, east.text);
        await daemon({ config, topics, server: { letters_pub: server.pub, letters_key: server.key } }, async ({ srv }) => {
            const all = (await visitorHello(srv.port)).welcome;
            const byId = Object.fromEntries(all.topics.map((t) => [t.id, t]));
            assert.equal(byId.east_youth.letters_pub, east.text, 'East\'s topic: East\'s key');
            assert.equal(byId.west_youth.letters_pub, server.text, 'West has no key of its own: the server\'s');
            assert.equal(byId.east_parents.letters_pub, undefined, 'a topic without letters names no key');
            assert.equal(all.letters_pub, server.text);
            const vc = await connect(srv.port, 'visitor.v1', { path: '/ws?org=east' });
            const w = await request(vc, { type: 'hello' });
            assert.equal(w.letters_pub, east.text, 'East\'s page: East\'s key');
            assert.deepEqual(w.topics.map((t) => t.letters_pub), [east.text, undefined]);
            terminateClients();
        });
    });

test('a reload (SIGHUP) finds each subscriber\'s org again by id, and closes those of an org that is gone',
    { timeout: 30000 }, async () => {
        await daemon(FED, async ({ srv }) => {
            const east = await connect(srv.port, 'status.v1', { path: '/ws?org=east' });
            const west = await connect(srv.port, 'status.v1', { path: '/ws?org=west' });
            assert.deepEqual(ids((await east.next('status')).topics), ['east_parents', 'east_youth']);
            await west.next('status');
            /* west goes, with its topic; east is renamed and is now the first org and the only one */
            const text = fs.readFileSync(srv.cfg, 'utf8')
                .replace(/\n\[topic west_youth\][^[]*/, '\n')
                .replace(/\n\[org west\][^[]*/, '\n')
                .replace('overflow_to = west\n', '')
                .replace(`name_en = ${EAST.en}`, 'name_en = East Support');
            assert.doesNotMatch(text, /west/);
            fs.writeFileSync(srv.cfg, text);
            srv.proc.kill('SIGHUP');
            const pushed = await east.next((m) => m.type === 'status' && m.orgs && m.orgs[0].name.en === 'East Support',
                { timeout: 10000 });
            assert.deepEqual(ids(pushed.topics), ['east_parents', 'east_youth'], 'still East\'s topics');
            assert.equal((await west.next('error')).code, 'not_found');
            await west.closed;
            assert.equal(west.closeInfo.code, 1008);
            const body = JSON.parse((await httpGet(srv.port, '/api/status?org=east')).body);
            assert.equal(body.orgs[0].name.en, 'East Support', 'the org\'s kept body was made again');
            assert.equal((await httpGet(srv.port, '/api/status?org=west')).status, 404);
            terminateClients();
        });
    });

test('without [org] sections: topics carry org "main", nothing names it, ?org=main is every topic',
    { timeout: 30000 }, async () => {
        await daemon({}, async ({ srv }) => {
            const all = JSON.parse((await httpGet(srv.port, '/api/status')).body);
            assert.deepEqual(all.topics.map((t) => t.org), ['main']);
            assert.equal(all.orgs, undefined);
            const main = await httpGet(srv.port, '/api/status?org=main');
            assert.equal(main.status, 200);
            assert.deepEqual(JSON.parse(main.body).topics, all.topics);
            assert.equal((await httpGet(srv.port, '/api/status?org=east')).status, 404);
            const v = await visitorHello(srv.port);
            assert.equal(v.welcome.orgs, undefined);
            terminateClients();
        });
    });

test('the visitor page /?org=east is East\'s: its name and only its topics, in three languages',
    { timeout: 90000 }, async () => {
        await daemon(FED, async ({ srv, base, page }) => {
            for (const [size, vp] of [['desktop', DESKTOP], ['phone', PHONE]]) {
                const p = await page(vp, { locale: 'en-GB' });
                await p.goto(`${base}/?org=east`);
                await p.locator('#topics [data-topic]').first().waitFor();
                assert.equal(await p.locator('#org-name').innerText(), EAST.en);
                assert.ok(await p.locator('#org-name').isVisible());
                const shown = await p.locator('#topics [data-topic]').evaluateAll((els) => els.map((e) => e.getAttribute('data-topic')).sort());
                assert.deepEqual(shown, ['east_parents', 'east_youth'], 'no topic of West');
                assert.doesNotMatch(await p.locator('main').innerText(), /West/);
                assert.match(await p.title(), /East Finland Support/);
                assert.deepEqual(await p.evaluate(layoutProblems), []);
                await shoot(p, `visitor-east-${size}`);
                assert.deepEqual(await axe(p), []);
                for (const lang of ['fi', 'sv']) {
                    await p.selectOption('#lang', lang);
                    await p.locator('#org-name').filter({ hasText: EAST[lang] }).waitFor();
                }
                await shoot(p, `visitor-east-${size}-sv`);
                /* the 15-s refresh asks for East's topics too */
                const refreshed = await p.evaluate(() => fetch('/api/status?org=east').then((r) => r.json()));
                assert.deepEqual(ids(refreshed.topics), ['east_parents', 'east_youth']);
                await roundTrip(p);
            }
            const plain = await page(DESKTOP, { locale: 'en-GB' });
            await plain.goto(`${base}/`);
            await plain.locator('#topics [data-topic]').first().waitFor();
            assert.equal(await plain.locator('#topics [data-topic]').count(), 3, 'without ?org=, every topic');
            assert.ok(await plain.locator('#org-name').isHidden());

            const none = await page(PHONE, { locale: 'en-GB' });
            await none.goto(`${base}/?org=north`);
            await none.locator('#view-noorg').waitFor();
            assert.equal(await none.locator('#noorg-heading').innerText(), 'This chat address is not in use');
            assert.ok(await none.locator('#conn-status').isHidden(), 'no endless "connecting"');
            await shoot(none, 'visitor-unknown-phone');
            assert.deepEqual(await axe(none), []);
        });
    });

test('the widget with data-org shows the org\'s name and follows its topics', { timeout: 60000 }, async () => {
    await daemon(FED, async ({ srv, page, allowOrigin }) => {
        const host = http.createServer((req, res) => {
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>West's site</title></head>
<body><main><p>Talk to us: <script src="http://127.0.0.1:${srv.port}/widget.js" data-org="west" data-lang="en"></script></p></main></body></html>`);
        }).listen(0, '127.0.0.1');
        await new Promise((r) => host.once('listening', r));
        const origin = `http://127.0.0.1:${host.address().port}`;
        allowOrigin(origin);
        try {
            const p = await page(DESKTOP);
            await p.goto(`${origin}/`);
            const widget = p.locator('a.chatd-widget');
            await widget.filter({ hasText: 'nobody is on duty' }).waitFor();
            assert.equal(await widget.locator('.chatd-widget__org').innerText(), WEST.en);
            assert.equal(await widget.getAttribute('href'), `http://127.0.0.1:${srv.port}/?org=west`);
            /* east staffed: the widget of west still says nobody */
            await addUser(srv, ERIN, 'worker', 'east');
            const erin = await onDuty(srv.port, ERIN, ['east_youth']);
            await roundTrip(p);
            assert.match(await widget.innerText(), /nobody is on duty/);
            /* west staffed: it says so */
            await addUser(srv, WES, 'worker', 'west');
            await onDuty(srv.port, WES, ['west_youth']);
            await widget.filter({ hasText: 'Chat open' }).waitFor();
            assert.equal(await widget.locator('.chatd-widget__org').innerText(), WEST.en);
            await shoot(p, 'widget-west');
            assert.deepEqual(await axe(p), []);
            await erin.close();
        } finally {
            host.close();
            terminateClients();
        }
    });
});

test('the statistics page: a federation admin chooses an org or all, a coordinator sees only theirs',
    { timeout: 120000 }, async () => {
        await daemon(FED, async ({ srv, base, page }) => {
            await addUser(srv, CORA, 'coordinator', 'east');
            await addUser(srv, FRAN, 'admin', '*');
            /* two joins at East, one at West, in an hour that then ends; one
             * of East's is answered by West's worker once it has waited
             * East's overflow_after_s (120 s): overflow_out at East,
             * overflow_in at West */
            const visitors = [];
            for (const topic of ['east_youth', 'east_youth', 'west_youth']) {
                const v = await visitorHello(srv.port);
                const q = await request(v, { type: 'join', topic });
                assert.equal(q.type, 'queued', JSON.stringify(q));
                visitors.push(v);
            }
            /* West's own visitor leaves: West's worker is free for East's */
            assert.equal((await request(visitors[2], { type: 'leave' })).type, 'left');
            await addUser(srv, WES, 'worker', 'west');
            const wes = await onDuty(srv.port, WES, ['west_youth']);
            await wes.expectNone('chat_started');
            await srv.advance(125);
            const started = await wes.next('chat_started', { timeout: 10000 });
            assert.equal(started.org, 'east');
            assert.equal(started.overflow, true);
            terminateClients();
            await endHour(srv);

            const login = async (p, who) => {
                await p.goto(`${base}/stats/`);
                await p.fill('#login-user', who.user);
                await p.fill('#login-password', who.password);
                await p.click('#login-submit');
                await p.locator('#fig-joins').waitFor();
            };
            const joins = (p) => p.locator('#fig-joins .figure-value').innerText();

            const p = await page(DESKTOP, { locale: 'en-GB' });
            await login(p, FRAN);
            assert.ok(await p.locator('#org-field').isVisible());
            const options = await p.locator('#org option').allInnerTexts();
            assert.deepEqual(options, ['All organisations', EAST.en, WEST.en]);
            await p.locator('#fig-joins .figure-value').filter({ hasText: '3' }).waitFor();
            assert.equal(await p.locator('#per-org thead th[data-org="east"]').innerText(), EAST.en);
            const perOrg = async (row) => (await p.locator('#per-org tbody tr').filter({ hasText: row })
                .locator('td').allInnerTexts()).join('|');
            assert.equal(await perOrg('Joins'), '2|1');
            assert.equal(await perOrg('Answered by a partner'), '1|0', 'East\'s visitor, answered by West');
            assert.equal(await perOrg('Answered for a partner'), '0|1', 'West answered for East');
            assert.match(await p.locator('#per-org').innerText(), /Answered by a partner/);
            assert.match(await p.locator('#per-org').innerText(), /Answered for a partner/);
            for (const m of ['overflow_out', 'overflow_in']) {
                assert.equal(await p.locator(`#per-topic tr[data-measure="${m}"] td[data-topic="east_youth"]`).innerText(),
                    m === 'overflow_out' ? '1' : '0', `the per-topic totals have ${m}`);
            }
            await shoot(p, 'stats-admin-all-desktop');
            await shot(p.locator('#org-section'), 'federation-stats-admin-per-org');
            assert.deepEqual(await axe(p), []);

            await p.selectOption('#org', 'west');
            assert.deepEqual(await p.locator('#topic option').evaluateAll((o) => o.map((x) => x.value)), ['', 'west_youth'],
                'the topic choice follows the org');
            await p.click('#show');
            await p.locator('#status').filter({ hasText: WEST.en }).waitFor();
            assert.equal(await joins(p), '1');
            assert.equal(await p.locator('#per-org thead th').count(), 1, 'one org, one column');
            await shoot(p, 'stats-admin-west-desktop');

            /* the pooled plan in words: chatd's answer (GET /api/plan?pooled=1,
             * answered_per_week.pooled beside now, and each org's) stood in
             * for here, as the test's own numbers */
            const asked = [];
            const row = (topic) => ({
                topic, dow: 1, hour: 18, arrivals_per_h: 30, answered_share: 0.67, slots_had: 1, slots_needed: 2,
                slots_proposed: 1, gain_per_slot: 1, open: true, short: true, thin: false,
            });
            const isPlan = (u) => u.pathname === '/api/plan';
            await p.route(isPlan, (route) => {
                asked.push(new URL(route.request().url()).searchParams);
                route.fulfill({
                    contentType: 'application/json',
                    body: JSON.stringify({
                        target: { wait_s: 300, share: 0.8 }, hours: [row('east_youth'), row('west_youth')],
                        answered_per_week: {
                            now: 42.4, pooled: 51.2, observed: 40.2, redistributed: 44, planned: 55,
                            orgs: [{ org: 'east', now: 22, pooled: 25.1 }, { org: 'west', now: 20.4, pooled: 26.1 }],
                        },
                    }),
                });
            });
            await p.selectOption('#org', '');
            await p.click('#show');
            const pooled = p.locator('#plan-pooled');
            await pooled.filter({ hasText: 'Together, about 9 more answered a week: 51 instead of 42' }).waitFor();
            assert.equal(asked.at(-1).get('pooled'), '1');
            assert.ok(await p.locator('#plan-limits-pooled').isVisible(), 'the model\'s limits are said');
            assert.match(await p.locator('#plan-limits-pooled').innerText(), /upper bound/);
            await p.selectOption('#org', 'west');
            await p.click('#show');
            await pooled.filter({ hasText: 'Together with the partners, about 6 more of West Finland Support\'s visitors answered a week: 26 instead of 20' }).waitFor();
            assert.equal(asked.at(-1).get('org'), null, 'the plan of every org the login sees: chatd pools what it is asked');
            await shot(p.locator('#plan-section'), 'federation-stats-pooled-desktop');
            await p.selectOption('#lang', 'fi');
            await pooled.filter({ hasText: 'Länsi-Suomen tukiyhdistys: yhdessä kumppanien kanssa noin 6 kävijää enemmän' }).waitFor();
            await p.selectOption('#lang', 'en');
            assert.deepEqual(await axe(p), []);
            await p.unroute(isPlan);

            const c = await page(PHONE, { locale: 'fi-FI' });
            await login(c, CORA);
            const coraOrgs = await c.locator('#org option').allInnerTexts();
            assert.deepEqual(coraOrgs, [EAST.fi], 'a coordinator of East chooses East only');
            await c.locator('#fig-joins .figure-value').filter({ hasText: '2' }).waitFor();
            assert.doesNotMatch(await c.locator('#results').innerText(), new RegExp(WEST.fi));
            assert.deepEqual(await c.evaluate(layoutProblems), []);
            await shoot(c, 'stats-coordinator-east-phone');
            await shot(c.locator('#org-section'), 'federation-stats-coordinator-per-org-phone');
            assert.deepEqual(await axe(c), []);
        });
    });

/* The example federation (config/federation.ini, both example statistics
 * files) as the quickstart sets it up: the page says what chatd's pooled
 * plan says, in words, for all the orgs and for one. */
test('the statistics page says the example federation\'s pooled plan in words', { timeout: 120000 }, async () => {
    const ini = fs.readFileSync(path.join(REPO, 'config', 'federation.ini'), 'utf8');
    const config = ini.slice(ini.indexOf('[org ')).split('\n')
        .filter((l) => !/^(transcript_key|letters_pub|letters_key|letters)\s*=/.test(l)).join('\n');
    await daemon({ config, topics: {} }, async ({ srv, base, page }) => {
        for (const f of ['example-stats.csv', 'federation-stats.csv']) {
            const r = await srv.admin(['stats', 'import', path.join(REPO, 'config', f)]);
            assert.equal(r.code, 0, r.stderr);
        }
        await addUser(srv, FRAN, 'admin', '*');
        const fran = await workerLogin(srv.port, FRAN.user, FRAN.password);
        const api = JSON.parse((await httpGet(srv.port, '/api/plan?from=2026-10-26&to=2026-11-22&pooled=1&redistribute=1',
            { authorization: `Bearer ${fran.welcome.token}` })).body).answered_per_week;
        terminateClients();
        assert.ok(api.pooled > api.now, 'the example answers more as one pool');
        const gain = Math.round(api.pooled) - Math.round(api.now);
        for (const [size, vp] of [['desktop', DESKTOP], ['phone', PHONE]]) {
            const p = await page(vp, { locale: 'en-GB' });
            await p.goto(`${base}/stats/`);
            await p.fill('#login-user', FRAN.user);
            await p.fill('#login-password', FRAN.password);
            await p.click('#login-submit');
            await p.locator('#fig-joins').waitFor();
            await p.fill('#from', '2026-10-26');
            await p.fill('#to', '2026-11-22');
            await p.click('#show');
            await p.locator('#plan-pooled').filter({
                hasText: `Together, about ${gain} more answered a week: ${Math.round(api.pooled)} instead of ${Math.round(api.now)}`,
            }).waitFor({ timeout: 60000 });
            assert.ok(await p.locator('#plan-limits-pooled').isVisible());
            await p.locator('#plan-pooled').scrollIntoViewIfNeeded();
            await shoot(p, `stats-example-pooled-${size}`);
            assert.deepEqual(await axe(p), []);
            if (size === 'desktop') {
                const org = api.orgs[0];
                await p.selectOption('#org', org.org);
                await p.click('#show');
                const ownGain = Math.round(org.pooled) - Math.round(org.now);
                await p.locator('#plan-pooled').filter({ hasText: ownGain >= 1 ? `about ${ownGain} more of` : 'about as many' })
                    .waitFor({ timeout: 60000 });
                await shot(p.locator('#plan-section'), 'federation-stats-example-pooled-org-plan');
            }
        }
    });
});

test('the console offers duty for the worker\'s own org only and says which org an overflow visitor came to',
    { timeout: 90000 }, async () => {
        /* the clock jumps East's overflow_after_s at once: no idle hang-up meanwhile */
        const opts = { ...FED, server: { ping_interval_s: 600, idle_timeout_s: 1200 } };
        await daemon(opts, async ({ srv, base, page }) => {
            await addUser(srv, WES, 'worker', 'west');
            const p = await page(DESKTOP, { locale: 'en-GB' });
            await p.goto(`${base}/console/`);
            await p.fill('#login-user', WES.user);
            await p.fill('#login-password', WES.password);
            await p.click('#login-submit');
            await p.locator('#work-view').waitFor();
            await p.locator('#duty-topic-west_youth').waitFor();
            assert.deepEqual(await p.locator('#duty-topics input[name="topic"]').evaluateAll((l) => l.map((x) => x.value)),
                ['west_youth'], 'only West\'s topics are offered for duty');
            await p.check('#duty-topic-west_youth');
            await p.click('#duty-on');
            await p.locator('#duty-status').filter({ hasText: /\S/ }).waitFor();

            const v = await visitorHello(srv.port);
            assert.equal((await request(v, { type: 'join', topic: 'east_youth' })).type, 'queued');
            await srv.advance(125);   /* East's overflow_after_s: West's worker may answer */
            const panel = p.locator('#chats section[data-chat]').first();
            await panel.waitFor({ timeout: 10000 });
            const meta = panel.locator('.chat-meta');
            await meta.filter({ hasText: `from another organisation's queue: ${EAST.en}` }).waitFor();
            assert.match(await meta.innerText(), /^young person · waited \d+ min in the queue · from another organisation's queue: East Finland Support$/);
            await panel.locator('textarea.chat-input:enabled').waitFor();
            assert.ok(await panel.locator('button.chat-end').isEnabled(), 'the worker can answer the overflow chat');
            await shot(panel, 'federation-console-overflow');
            assert.deepEqual(await axe(p), []);
        });
    });
