/* busy.mjs: what N idle status.v1 subscribers (answering pings every PING s, default 5)
 * cost the other connections: 20 visitors each send a ping frame 4 times a
 * second for SECS seconds and time the pong. Prints p50/p99 of that round
 * trip and chatd's CPU, on the loop CHATD_EVENT_LOOP names (epoll by
 * default, or poll).
 *
 *   ulimit -n 20000; CHATD=build-rel/chatd CHATADMIN=build-rel/chatadmin \
 *       CHATD_EVENT_LOOP=poll node tests/bench/busy.mjs 15000 20 [PING]
 */
import fs from 'node:fs';
import { prepare, spawnChatd } from '../integration/harness.mjs';
import WebSocket from 'ws';

const N = Number(process.argv[2] || 3000), SECS = Number(process.argv[3] || 20), PING = Number(process.argv[4] || 5);
const env = await prepare({ server: { max_conns_per_source: 0, ping_interval_s: PING, idle_timeout_s: PING * 2 + 2 } });
const d = spawnChatd(env.cfg, { CHATD_TEST_CLOCK: undefined }); /* a release chatd: real time only */
const port = await d.ready;
const ticks = () => {
    const f = fs.readFileSync(`/proc/${d.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
};
const open = (proto) => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, proto);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
});
const subs = [];
for (let i = 0; i < N; i += 200)
    subs.push(...await Promise.all(Array.from({ length: Math.min(200, N - i) }, () => open('status.v1'))));
const rtts = [];
const visitors = await Promise.all(Array.from({ length: 20 }, () => open('visitor.v1')));
const t0 = ticks();
const end = Date.now() + SECS * 1000;
await Promise.all(visitors.map(async (ws, k) => {
    await new Promise((r) => setTimeout(r, k * 12)); /* spread over the 250 ms */
    const sent = new Map();
    let n = 0;
    ws.on('message', (m) => {
        const f = JSON.parse(m);
        if (f.type === 'pong' && sent.has(f.ref)) rtts.push(Number(process.hrtime.bigint() - sent.get(f.ref)) / 1e6);
    });
    while (Date.now() < end) {
        const ref = `p${n++}`;
        sent.set(ref, process.hrtime.bigint());
        ws.send(JSON.stringify({ type: 'ping', ref }));
        await new Promise((r) => setTimeout(r, 250));
    }
}));
await new Promise((r) => setTimeout(r, 500));
const cpu = (ticks() - t0) / 100;
rtts.sort((a, b) => a - b);
const q = (p) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))].toFixed(2);
console.log(`${process.env.CHATD_EVENT_LOOP || 'epoll'}: ${N} idle subscribers; ${rtts.length} pings: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms; chatd CPU ${(cpu / SECS * 100).toFixed(0)} % over ${SECS} s; ${subs.filter((s) => s.readyState === 1).length} still open`);
for (const s of [...subs, ...visitors]) s.terminate();
await d.kill();
env.cleanup();
process.exit(0);
