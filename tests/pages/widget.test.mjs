/* widget.test.mjs: the embeddable indicator on a page of another origin
 * follows the topic live; badge.svg gives the same as an image, telling an
 * open topic with nobody on duty from one where someone can answer.
 * (triage.test.mjs has the widget in all three open situations.) */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { httpGet, request, startServer, visitorHello, workerOnDuty } from '../integration/harness.mjs';
import { browser, until } from './lib.mjs';

test('the widget on another origin shows open, then queue full, live', { timeout: 60000 }, async () => {
    const srv = await startServer({ topics: { youth: { queue_max: 1 } } });
    const host = http.createServer((req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head>
<body><p>Talk to us: <script src="http://127.0.0.1:${srv.port}/widget.js" data-topic="youth" data-lang="en"></script></p></body></html>`);
    }).listen(0, '127.0.0.1');
    await new Promise((r) => host.once('listening', r));
    const ctx = await (await browser()).newContext();
    try {
        const page = await ctx.newPage();
        await page.goto(`http://127.0.0.1:${host.address().port}/`);
        const widget = page.locator('a.chatd-widget');
        await widget.filter({ hasText: 'Chat open' }).waitFor();
        assert.equal(await widget.getAttribute('href'), `http://127.0.0.1:${srv.port}/`);
        const v = await visitorHello(srv.port);
        await request(v, { type: 'join', topic: 'youth' });
        await widget.filter({ hasText: 'Queue full' }).waitFor();
        assert.match(await widget.getAttribute('class'), /chatd-widget--full/);
    } finally {
        await ctx.close();
        host.close();
        await srv.cleanup();
    }
});

test('badge.svg shows the state as an image, in the asked language', { timeout: 30000 }, async () => {
    const srv = await startServer({ topics: { youth: {}, night: { hours: 'never' } } });
    try {
        const nobody = await httpGet(srv.port, '/api/status/badge.svg?topic=youth&lang=en');
        assert.equal(nobody.status, 200);
        assert.match(nobody.headers.get('content-type'), /image\/svg\+xml/);
        assert.match(nobody.body, /<svg[^>]*role="img"[^>]*aria-label="Chat open, but nobody is on duty right now – you can wait"/);
        await workerOnDuty(srv.port, ['youth'], 1);
        const en = await until(async () => { /* the status follows within a second */
            const r = await httpGet(srv.port, '/api/status/badge.svg?topic=youth&lang=en');
            return /aria-label="Chat open"/.test(r.body) && r;
        }, { what: 'the badge says "Chat open"' });
        assert.match(en.body, /<svg[^>]*role="img"[^>]*aria-label="Chat open"/);
        const fi = await httpGet(srv.port, '/api/status/badge.svg?topic=night');
        assert.match(fi.body, /Chat on kiinni/);
        assert.equal((await httpGet(srv.port, '/api/status/badge.svg?topic=nope')).status, 404);
    } finally {
        await srv.cleanup();
    }
});
