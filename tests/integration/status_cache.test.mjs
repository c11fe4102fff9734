/* status_cache.test.mjs: contract v2 §1 and §7: GET /api/status keeps one
 * body until the status changes (`generated` is when it did), with a strong
 * ETag, 304 for If-None-Match, and `public, max-age=2`; GET
 * /api/status/week gives the last 28 days' open hours with at least 5
 * joins, and nothing smaller. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { httpGet, request, scenario, visitorHello, workerOnDuty } from './harness.mjs';

scenario('/api/status: one body and ETag until the status changes; 304 for a match', async (srv) => {
    const a = await httpGet(srv.port, '/api/status');
    await srv.advance(1.1);
    const b = await httpGet(srv.port, '/api/status');
    assert.equal(b.body, a.body, 'the same body a second later (chatd\'s clock): generated is the last change');
    assert.equal(b.headers.get('etag'), a.headers.get('etag'));
    const etag = a.headers.get('etag');
    const c = await httpGet(srv.port, '/api/status', { 'If-None-Match': etag });
    assert.equal(c.status, 304);
    assert.equal(c.body, '');
    assert.equal(c.headers.get('etag'), etag);
    assert.equal(c.headers.get('cache-control'), 'public, max-age=2');
    const stale = await httpGet(srv.port, '/api/status', { 'If-None-Match': '"0000000000000000"' });
    assert.equal(stale.status, 200);
    const w = await workerOnDuty(srv.port);
    await w.roundTrip();
    const d = await httpGet(srv.port, '/api/status', { 'If-None-Match': etag });
    assert.equal(d.status, 200, 'changed: a new body');
    assert.notEqual(d.headers.get('etag'), etag);
    assert.equal(JSON.parse(d.body).topics[0].staffed, true);
    assert.ok(Date.parse(JSON.parse(d.body).generated) > Date.parse(JSON.parse(a.body).generated) - 1000);
    w.close();
});

/* The hour start of a Date in Helsinki, as stats prints it (+02:00 in winter). */
function hourText(d) {
    const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit',
        day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(d);
    const v = Object.fromEntries(p.map((x) => [x.type, x.value]));
    const off = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Helsinki', timeZoneName: 'longOffset' })
        .formatToParts(d).find((x) => x.type === 'timeZoneName').value.replace('GMT', '') || '+00:00';
    return `${v.year}-${v.month}-${v.day}T${v.hour}:00:00${off}`;
}

scenario('/api/status/week: open hours of the last 28 days with 5 or more joins, nothing smaller', async (srv) => {
    const day = 86400000;
    const base = new Date(Date.now() - 3 * day);
    const rows = ['topic,hour,open_s,joins,answered,wait_answered_s'];
    const h = (d) => hourText(d);
    rows.push(`youth,${h(base)},3600,8,6,600`);                           /* listed */
    rows.push(`youth,${h(new Date(base.getTime() - 7 * day))},3600,2,2,60`); /* the same hour a week before: 10 joins */
    rows.push(`youth,${h(new Date(base.getTime() + 3600000))},3600,4,4,40`); /* 4 joins: left out */
    rows.push(`youth,${h(new Date(base.getTime() + 7200000))},0,9,0,0`);    /* closed: left out */
    rows.push(`youth,${h(new Date(Date.now() - 40 * day))},3600,50,50,50`); /* too old */
    const file = path.join(srv.dir, 'week.csv');
    fs.writeFileSync(file, rows.join('\n') + '\n');
    const imp = await srv.admin(['stats', 'import', file]);
    assert.equal(imp.code, 0, imp.stderr);
    const r = await httpGet(srv.port, '/api/status/week?topic=youth');
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
    const body = JSON.parse(r.body);
    assert.equal(body.topic, 'youth');
    assert.match(body.from, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(body.to, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(body.hours.length, 1, r.body);
    const [x] = body.hours;
    assert.equal(x.answered_share, 0.8);
    assert.equal(x.typical_wait_s, 82);
    assert.equal(x.hour, Number(h(base).slice(11, 13)));
    assert.ok(x.dow >= 1 && x.dow <= 7);
    const again = await httpGet(srv.port, '/api/status/week?topic=youth', { 'If-None-Match': r.headers.get('etag') });
    assert.equal(again.status, 304);
    assert.equal((await httpGet(srv.port, '/api/status/week?topic=nope')).status, 404);
    assert.equal((await httpGet(srv.port, '/api/status/week')).status, 404);
    const v = await visitorHello(srv.port);
    assert.equal((await request(v, { type: 'ping' })).type, 'pong');
});
