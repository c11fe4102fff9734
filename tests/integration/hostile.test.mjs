/* hostile.test.mjs: protocol-level abuse chatd must shrug off (issue 7):
 * invalid UTF-8, compression offers, join floods; headers; retention purge. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { httpGet, request, scenario, spawnChatd, visitorHello, workerOnDuty } from './harness.mjs';

scenario('invalid UTF-8 in a text frame closes the connection with 1007', async (srv) => {
    const v = await visitorHello(srv.port);
    /* a final text frame, masked with a zero key, payload "{" 0xff 0xfe "}" */
    v.ws._socket.write(Buffer.from([0x81, 0x84, 0, 0, 0, 0, 0x7b, 0xff, 0xfe, 0x7d]));
    assert.equal((await v.closed).code, 1007);
    const again = await visitorHello(srv.port);
    assert.equal(again.welcome.type, 'welcome', 'the daemon lives on');
});

scenario('permessage-deflate is never negotiated', async (srv) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'visitor.v1', { perMessageDeflate: true });
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    assert.equal(ws.extensions, '', `extensions: ${ws.extensions}`);
    ws.terminate();
});

scenario('joins are rate limited per connection', async (srv) => {
    const v = await visitorHello(srv.port);
    const codes = [];
    for (let i = 0; i < 8; i++) {
        const r = await request(v, { type: 'join', topic: 'youth' });
        codes.push(r.type === 'queued' ? 'queued' : r.code);
        if (r.type === 'queued') await request(v, { type: 'leave' });
    }
    assert.ok(codes.includes('rate_limited'), codes.join(','));
});

scenario('pages carry a CSP without inline script, no-referrer and nosniff', async (srv) => {
    const r = await httpGet(srv.port, '/');
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
});

scenario('transcript purge deletes old transcripts and gives the space back', async (srv) => {
    const w = await workerOnDuty(srv.port);
    const v = await visitorHello(srv.port);
    await request(v, { type: 'join', topic: 'youth' });
    const { chat } = await w.next('chat_started');
    for (let i = 0; i < 20; i++) await request(w, { type: 'msg', chat, text: 'x'.repeat(3000) });
    await request(w, { type: 'end', chat });
    await srv.stop();
    const db = path.join(srv.dataDir, 'chatd.db');
    execFileSync('sqlite3', [db, "UPDATE transcripts SET day = '2000-01-01'"]);
    const before = fs.statSync(db).size;
    const r = await srv.admin(['transcript', 'purge']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deleted 1 transcripts/);
    assert.equal((await srv.admin(['transcript', 'list'])).stdout, '');
    assert.ok(fs.statSync(db).size < before, `the file shrank: ${before} -> ${fs.statSync(db).size}`);
    assert.equal(execFileSync('sqlite3', [db, 'SELECT count(*) FROM transcript_msgs']).toString().trim(), '0');
});


scenario('chatd itself purges expired transcripts when it starts (and then hourly)', async (srv) => {
    const w = await workerOnDuty(srv.port);
    for (let n = 0; n < 2; n++) {
        const v = await visitorHello(srv.port);
        await request(v, { type: 'join', topic: 'youth' });
        const { chat } = await w.next('chat_started');
        await request(w, { type: 'msg', chat, text: `chat ${n}` });
        await request(w, { type: 'end', chat });
    }
    await srv.stop();
    const db = path.join(srv.dataDir, 'chatd.db');
    const sql = (q) => execFileSync('sqlite3', [db, q]).toString().trim();
    assert.equal(sql('SELECT count(*) FROM transcripts'), '2');
    /* one transcript is past retention_days (30 by default), one is not */
    sql("UPDATE transcripts SET day = '2000-01-01' WHERE rowid = (SELECT min(rowid) FROM transcripts)");
    const again = spawnChatd(srv.cfg);
    try {
        await again.ready;
        await again.said(/deleted 1 transcripts past retention_days/); /* said once committed */
        assert.equal(sql('SELECT count(*) FROM transcripts'), '1', 'the expired transcript is deleted, the recent one kept');
        assert.equal(sql("SELECT count(*) FROM transcripts WHERE day = '2000-01-01'"), '0');
        await again.stop();
    } finally {
        await again.kill();
    }
});
