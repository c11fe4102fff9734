/* clock.test.mjs: the test clock's hook (chatd/clock.h) exists only when
 * asked for: without CHATD_TEST_CLOCK=1 there is no /test/clock; with it,
 * GET /test/clock?advance=SECONDS moves chatd's time and nothing else, and
 * refuses what is out of range. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpGet, prepare, run, CHATD, scenario, spawnChatd } from './harness.mjs';

test('without CHATD_TEST_CLOCK there is no /test/clock, and chatd says nothing of a test clock', async () => {
    const env = await prepare();
    const d = spawnChatd(env.cfg, { CHATD_TEST_CLOCK: undefined });
    try {
        const port = await d.ready;
        for (const p of ['/test/clock?advance=60', '/test/clock', '/test/clock?advance=0']) {
            assert.equal((await httpGet(port, p)).status, 404, p);
        }
        const before = Date.now() / 1000;
        const st = JSON.parse((await httpGet(port, '/api/status')).body);
        assert.ok(Math.abs(Date.parse(st.generated) / 1000 - before) < 60, `chatd's time is real time: ${st.generated}`);
        assert.doesNotMatch(d.stderr(), /test clock/);
        await d.stop();
    } finally {
        await d.kill();
        env.cleanup();
    }
});

test('CHATD_TEST_CLOCK with a value other than 1 is refused with exit 78', async () => {
    const env = await prepare();
    try {
        const r = await run('/usr/bin/env', ['CHATD_TEST_CLOCK=yes', CHATD, '--config', env.cfg, '--check']);
        assert.equal(r.code, 78, r.stderr);
        assert.match(r.stderr, /CHATD_TEST_CLOCK/);
    } finally {
        env.cleanup();
    }
});

scenario('with CHATD_TEST_CLOCK=1, /test/clock moves chatd\'s time ahead by what it is asked, within (0, 30 days]', async (srv) => {
    assert.match(srv.stderr(), /^chatd: test clock on$/m);
    const real = Date.now() / 1000;
    const now = await srv.advance(3600);
    assert.ok(now - real >= 3600 && now - real < 3660, `now ${now}, real ${real}`);
    for (const bad of ['0', '-1', 'abc', '1e9', 'nan', '5x', '']) {
        const r = await httpGet(srv.port, `/test/clock?advance=${bad}`);
        assert.equal(r.status, 400, `advance=${bad}: ${r.status} ${r.body}`);
    }
    const again = await srv.advance(30 * 86400);
    assert.ok(again - now >= 30 * 86400 && again - now < 30 * 86400 + 60, 'nothing moved by the refused ones');
});
