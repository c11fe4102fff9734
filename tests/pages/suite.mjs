/* suite.mjs: node --test over the page tests with one Chromium for them all.
 *
 *   node pages/suite.mjs [node --test options] FILE|DIR...
 *
 * Starting Chromium costs about 1.3 CPU s a file more than connecting to a
 * running one, and the files run two at a time: the browser is started here,
 * once, and each file connects to it (chromium.mjs, CHAT_BROWSER_WS). Every
 * test still has contexts of its own, which its file closes. Exits as the
 * tests did; the browser is closed in any case. */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { ARGS, EXECUTABLE } from './chromium.mjs';

const server = await chromium.launchServer({
    executablePath: EXECUTABLE, args: ARGS, host: '127.0.0.1',
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
});
const tests = spawn(process.execPath, ['--test', ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, CHAT_BROWSER_WS: server.wsEndpoint() } });
/* a stop (ctest's timeout, ^C) reaches the tests, and the browser closes after them */
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => tests.kill(sig));
const code = await new Promise((resolve) => {
    tests.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    tests.on('error', (e) => { process.stderr.write(`suite.mjs: ${e.message}\n`); resolve(1); });
});
await server.close();
process.exit(code);
