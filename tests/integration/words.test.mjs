/* words.test.mjs: the availability words live in web_root/i18n/CODE.json
 * (avail.*) only. GET /api/words?lang=CODE gives them to the embeddable
 * widget, with the CORS and caching of /api/status/week; the badge says
 * exactly them for each state of a topic, {n} the wait in minutes and {t}
 * the next opening. No lang: Finnish; a language not shipped: English. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_ROOT, httpGet, request, scenario, visitorHello, waiting, workerOnDuty } from './harness.mjs';

const LANGS = ['fi', 'sv', 'en'];

/* The avail.* strings of a shipped language file, in file order. */
function avail(code) {
    const { strings } = JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', `${code}.json`), 'utf8'));
    return Object.fromEntries(Object.entries(strings).filter(([k]) => k.startsWith('avail.')));
}

scenario('/api/words: each language\'s avail.* words, cacheable and open to other origins',
    { server: { public_origins: '*' } }, async (srv) => {
        for (const lang of LANGS) {
            const r = await httpGet(srv.port, `/api/words?lang=${lang}`, { Origin: 'http://example.org' });
            assert.equal(r.status, 200);
            assert.match(r.headers.get('content-type'), /^application\/json/);
            assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
            assert.ok(['*', 'http://example.org'].includes(r.headers.get('access-control-allow-origin')));
            assert.deepEqual(JSON.parse(r.body), { lang, words: avail(lang) });
            const etag = r.headers.get('etag');
            assert.match(etag, /^"[0-9a-f]{16}"$/);
            const again = await httpGet(srv.port, `/api/words?lang=${lang}`, { 'If-None-Match': etag });
            assert.equal(again.status, 304);
            assert.equal(again.body, '');
        }
        const unknown = JSON.parse((await httpGet(srv.port, '/api/words?lang=de')).body);
        assert.deepEqual(unknown, { lang: 'en', words: avail('en') }, 'a language not shipped: English');
        const none = JSON.parse((await httpGet(srv.port, '/api/words')).body);
        assert.equal(none.lang, 'fi', 'no lang: Finnish, as the badge');
    });

/* "2026-12-07T09:00:00+02:00" (local time in the text) -> "07.12. 09:00". */
const opening = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}. ${iso.slice(11, 16)}`;

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, '\'').replace(/&amp;/g, '&');

async function badge(port, topic, lang) {
    const r = await httpGet(port, `/api/status/badge.svg?topic=${topic}&lang=${lang}`);
    assert.equal(r.status, 200);
    const label = /aria-label="([^"]*)"/.exec(r.body);
    assert.ok(label, r.body);
    return unescape(label[1]);
}

async function topicStatus(port, id) {
    return JSON.parse((await httpGet(port, '/api/status')).body).topics.find((t) => t.id === id);
}

/* Polls /api/status until ok(topic) (the status follows within a second). */
async function until(port, id, ok) {
    for (let i = 0; i < 40; i++) {
        const t = await topicStatus(port, id);
        if (ok(t)) return t;
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`topic ${id} never reached the state: ${JSON.stringify(await topicStatus(port, id))}`);
}

/* A daily window starting two hours from now (Helsinki), one minute long. */
function laterHours() {
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    let start = Date.now() + 2 * 3600000;
    if (fmt.format(start) === '23:59') start -= 60000;
    return `daily ${fmt.format(start)}-${fmt.format(start + 60000)}`;
}

scenario('the badge says the file\'s word for each state, in each language', {
    topics: () => ({ youth: { queue_max: 1 }, night: { hours: 'never' }, later: { hours: laterHours() } }),
    timeout: 90000,
}, async (srv) => {
    const words = Object.fromEntries(LANGS.map((l) => [l, avail(l)]));
    const says = async (topic, word, fill = {}) => {
        for (const lang of LANGS) {
            let want = words[lang][word];
            for (const [k, v] of Object.entries(fill)) want = want.replace(`{${k}}`, v);
            assert.equal(await badge(srv.port, topic, lang), want, `${topic} in ${lang}: ${word}`);
        }
    };
    await says('youth', 'avail.nobody');
    await says('night', 'avail.closed');
    const later = await topicStatus(srv.port, 'later');
    assert.equal(later.state, 'closed');
    await says('later', 'avail.opens', { t: opening(later.next_open) });

    const w = await workerOnDuty(srv.port, ['youth'], 1);
    await until(srv.port, 'youth', (t) => t.answering);
    await says('youth', 'avail.open');

    const v1 = await waiting(srv.port, 'youth');
    await v1.next('chat_started');
    const busy = await until(srv.port, 'youth', (t) => t.staffed && !t.answering);
    if (typeof busy.estimated_wait_s === 'number') {
        await says('youth', 'avail.wait', { n: String(Math.ceil(busy.estimated_wait_s / 60)) });
    } else {
        await says('youth', 'avail.busy');
    }

    const v2 = await visitorHello(srv.port);
    assert.equal((await request(v2, { type: 'join', topic: 'youth' })).type, 'queued');
    await until(srv.port, 'youth', (t) => t.state === 'full');
    await says('youth', 'avail.full');
    /* no lang: Finnish; a language the pages are not shipped in: English */
    const r = await httpGet(srv.port, '/api/status/badge.svg?topic=youth');
    assert.ok(r.body.includes(`aria-label="${words.fi['avail.full']}"`), r.body);
    assert.equal(await badge(srv.port, 'youth', 'de'), words.en['avail.full']);
    w.close();
});
