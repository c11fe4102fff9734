import { test } from 'node:test';
import { chatPanel, consoleLogin, daemon, visitorOpen, visitorSend, workerSend, DESKTOP, PHONE } from './lib.mjs';
let t0 = Date.now();
const lap = (w) => { const n = Date.now(); console.log(`${w} ${n - t0}`); t0 = n; };
for (let i = 0; i < 2; i++)
test('two console tabs ' + i, { timeout: 60000 }, async () => {
    t0 = Date.now();
    await daemon(async ({ base, page }) => {
        lap('daemon+browser');
        const p1 = await page(DESKTOP); lap('page1');
        const c1 = await consoleLogin(p1, base); lap('login1');
        const c2 = await consoleLogin(await page(DESKTOP), base, { topics: null }); lap('page2+login2');
        const v = await visitorOpen(await page(PHONE), base); lap('visitor open');
        await v.click('#topics [data-topic="youth"]');
        await chatPanel(c1).waitFor();
        await chatPanel(c2).waitFor(); lap('chat started');
        await visitorSend(v, 'hello both');
        await chatPanel(c1).locator('.chat-log').filter({ hasText: 'hello both' }).waitFor();
        await chatPanel(c2).locator('.chat-log').filter({ hasText: 'hello both' }).waitFor(); lap('msg');
        await workerSend(chatPanel(c2), 'answer from tab two');
        await v.locator('#chat-log').filter({ hasText: 'answer from tab two' }).waitFor(); lap('reply');
    });
    lap('teardown');
});
