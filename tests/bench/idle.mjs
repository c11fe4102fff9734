/* idle.mjs: chatd's CPU with N idle status.v1 subscribers that answer pings
 * (ping_interval_s = 5), over SECS seconds, on the loop CHATD_EVENT_LOOP
 * names (epoll by default, or poll). Prints one line.
 *
 *   ulimit -n 20000; CHATD=build-rel/chatd CHATADMIN=build-rel/chatadmin \
 *       CHATD_EVENT_LOOP=poll node tests/bench/idle.mjs 18000 20
 */
import fs from 'node:fs';
import { prepare, spawnChatd } from '../integration/harness.mjs';
import WebSocket from 'ws';
const N = Number(process.argv[2] || 3000), SECS = Number(process.argv[3] || 30);
const env = await prepare({ server: { max_conns_per_source: 0, ping_interval_s: 5, idle_timeout_s: 12 } });
const d = spawnChatd(env.cfg, { CHATD_TEST_CLOCK: undefined }); /* a release chatd: real time only */
const port = await d.ready;
const ticks = () => { const f = fs.readFileSync(`/proc/${d.proc.pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const socks = [];
for (let i = 0; i < N; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, N - i) }, () => new Promise((r, j) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'status.v1'); ws.on('open', r); ws.on('error', j); socks.push(ws); })));
}
const t0 = ticks();
await new Promise((r) => setTimeout(r, SECS * 1000));
const t1 = ticks();
const open = socks.filter((s) => s.readyState === 1).length;
console.log(`${process.env.CHATD_EVENT_LOOP || 'default'}: ${N} idle subscribers (ping every 5 s), ${SECS} s: chatd CPU ${(t1 - t0) / 100} s (${((t1 - t0) / SECS).toFixed(1)} %), still open ${open}`);
for (const s of socks) s.terminate();
await d.kill(); env.cleanup(); process.exit(0);
