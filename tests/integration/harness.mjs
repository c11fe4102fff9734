/* harness.mjs: a small driver for chatd integration tests.
 *
 * It runs the real binaries: prepare() makes a throw-away data dir, config,
 * transcript key pair and one worker ("alice") with chatadmin; startServer()
 * then spawns chatd on a free port. connect() opens a WebSocket client whose
 * incoming messages are buffered in order, so a scenario reads as a list of
 * "send this, expect that" lines. Everything a test starts is killed and its
 * temp dir removed, also when the test fails or the process dies.
 *
 * Binaries come from $CHATD and $CHATADMIN, default <repo>/build/chatd and
 * <repo>/build/chatadmin.
 *
 * Time: chatd runs on its test clock (CHATD_TEST_CLOCK=1, chatd/clock.h;
 * the binaries must be built with CHAT_TEST_CLOCK, the default with the
 * tests). A test makes chatd's time pass with srv.advance(seconds) instead
 * of sleeping, and proves "nothing arrived" with client.expectNone(), a
 * ping round trip, instead of a fixed wait. An advance past ping_interval_s
 * (30 s by default) pings every WebSocket; ws clients answer by themselves,
 * but one advance past idle_timeout_s hangs up whoever was silent since,
 * so advance longer stretches in steps. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import WebSocket from 'ws';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHATD = process.env.CHATD || path.join(REPO, 'build', 'chatd');
export const CHATADMIN = process.env.CHATADMIN || path.join(REPO, 'build', 'chatadmin');

/* The chatd for a scenario that holds latency to a bound (opts.perf): a
 * sanitized loop's latency is not the product's, so when the suite runs on
 * the sanitized chatd, run.sh names the normal build's in $CHATD_PERF. It
 * is used once it is there (the other lane builds it); else $CHATD. */
function chatdFor(perf) {
    const p = process.env.CHATD_PERF;
    if (!perf || !p) return CHATD;
    try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
    } catch {
        return CHATD;
    }
}
export const WEB_ROOT = path.join(REPO, 'chatd', 'web');

export const PASSPHRASE = 'correct horse battery staple';
export const ALICE = { user: 'alice', password: 'alice-password-1', alias: 'Alice' };

/* How much longer than on an idle machine a reply may take: under
 * AddressSanitizer (run.sh exports ASAN_OPTIONS for that tree) on a shared
 * 2-core machine an argon2id login or a start-up takes several times
 * longer. CHAT_TEST_SLOW overrides it. Every wait for something that must
 * come scales by it; nothing that must not come is checked by a wait. */
export const SLOW = Math.max(1, Number(process.env.CHAT_TEST_SLOW) || (process.env.ASAN_OPTIONS ? 3 : 1));
const START_TIMEOUT_MS = 10000 * SLOW;
const STOP_TIMEOUT_MS = 5000 * SLOW;
const ADMIN_TIMEOUT_MS = 20000 * SLOW;

/* Everything still alive at process exit is killed and removed here. */
const liveProcs = new Set();
const liveDirs = new Set();
const liveClients = new Set();

/* Drops every WebSocket client opened so far. */
export function terminateClients() {
    for (const c of liveClients) c.terminate();
    liveClients.clear();
}
process.on('exit', () => {
    for (const p of liveProcs) {
        try { p.kill('SIGKILL'); } catch { /* already gone */ }
    }
    for (const d of liveDirs) {
        try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
    }
});

export const DEFAULT_TOPIC = {
    title_fi: 'Nuorten chat',
    title_sv: 'Ungdomschatten',
    title_en: 'Youth chat',
    audience: 'young',
    hours: 'always',
    queue_max: 20,
    mode: 'auto',
    /* the v1 tests expect a slot to free when its chat ends; wrapup.test.mjs
     * sets it */
    wrapup_s: 0,
};

/* Config text for a data dir. server: extra/overriding [server] keys;
 * topics: {id: {key: value}} merged over DEFAULT_TOPIC (default {youth: {}});
 * extra: more sections as text ([question ...], [categories]). */
export function configText(dataDir, { server = {}, topics = { youth: {} }, extra = '' } = {}) {
    const srv = {
        listen_host: '127.0.0.1',
        listen_port: 0,
        data_dir: dataDir,
        web_root: WEB_ROOT,
        timezone: 'Europe/Helsinki',
        transcript_key: path.join(dataDir, 'transcript.pub'),
        ...server,
    };
    const lines = ['[server]'];
    for (const [k, v] of Object.entries(srv)) lines.push(`${k} = ${v}`);
    for (const [id, fields] of Object.entries(topics)) {
        lines.push('', `[topic ${id}]`);
        for (const [k, v] of Object.entries({ ...DEFAULT_TOPIC, ...fields })) lines.push(`${k} = ${v}`);
    }
    return lines.join('\n') + '\n' + (extra ? `\n${extra}\n` : '');
}

/* Runs a binary to completion; stdin (a string) gets a trailing newline if it lacks one. */
export function run(bin, args, stdin = '', { timeout = ADMIN_TIMEOUT_MS } = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        liveProcs.add(child);
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
        child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${path.basename(bin)} ${args.join(' ')}: no exit after ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeout);
        child.on('error', (e) => { clearTimeout(timer); liveProcs.delete(child); reject(e); });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            liveProcs.delete(child);
            resolve({ code, signal, stdout, stderr });
        });
        child.stdin.on('error', () => { /* the program may exit without reading stdin */ });
        if (stdin !== null) {
            child.stdin.end(stdin === '' || stdin.endsWith('\n') ? stdin : stdin + '\n');
        } else {
            child.stdin.end();
        }
    });
}

/* The data dir every prepare() starts from: the key pair (a passphrase KDF)
 * and alice (a password hash), made with chatadmin once per test file (node
 * --test runs each file in a process of its own) and copied for each test.
 * Two chatadmin runs per test were a tenth of the suite's CPU under ASan. */
let seeded = null;
function seedDataDir() {
    if (!seeded) {
        seeded = (async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-it-seed-'));
            liveDirs.add(dir);
            const dataDir = path.join(dir, 'var');
            fs.mkdirSync(dataDir);
            const cfg = path.join(dir, 'chatd.conf');
            fs.writeFileSync(cfg, configText(dataDir));
            const admin = (args, stdin) => run(CHATADMIN, ['--config', cfg, ...args], stdin);
            const kg = await admin(['keygen', '--out', dataDir], PASSPHRASE);
            assert.equal(kg.code, 0, `chatadmin keygen failed: ${kg.stderr}`);
            const ua = await admin(['user', 'add', ALICE.user, '--role', 'worker', '--alias', ALICE.alias], ALICE.password);
            assert.equal(ua.code, 0, `chatadmin user add failed: ${ua.stderr}`);
            return dataDir;
        })();
        seeded.catch(() => { seeded = null; }); /* the next test tries again */
    }
    return seeded;
}

/* A temp dir with config, key pair and the worker alice; no daemon yet.
 * With [org] sections in the config (opts.extra) or opts.aliceOrgs ("east",
 * "east,west": chatadmin's --org), alice is made again in that config, in
 * those orgs (without aliceOrgs: chatadmin's default org).
 * Returns {dir, dataDir, cfg, passphrase, admin(args, stdin), cleanup()}. */
export async function prepare(opts = {}) {
    const from = await seedDataDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-it-'));
    liveDirs.add(dir);
    const dataDir = path.join(dir, 'var');
    fs.cpSync(from, dataDir, { recursive: true });
    const cfg = path.join(dir, 'chatd.conf');
    fs.writeFileSync(cfg, configText(dataDir, opts));
    const env = {
        dir, dataDir, cfg, passphrase: PASSPHRASE,
        keyFile: path.join(dataDir, 'transcript.key'),
        admin: (args, stdin = '') => run(CHATADMIN, ['--config', cfg, ...args], stdin),
        cleanup() {
            fs.rmSync(dir, { recursive: true, force: true });
            liveDirs.delete(dir);
        },
    };
    if (opts.aliceOrgs || /^\[org /m.test(opts.extra || '')) {
        try {
            const del = await env.admin(['user', 'del', ALICE.user]);
            assert.equal(del.code, 0, `chatadmin user del failed: ${del.stderr}`);
            const orgArgs = opts.aliceOrgs ? ['--org', opts.aliceOrgs] : [];
            const ua = await env.admin(['user', 'add', ALICE.user, '--role', 'worker', '--alias', ALICE.alias, ...orgArgs], ALICE.password);
            assert.equal(ua.code, 0, `chatadmin user add failed: ${ua.stderr}`);
        } catch (e) {
            env.cleanup();
            throw e;
        }
    }
    return env;
}

/* Spawns chatd for cfg and waits for "listening on PORT".
 * Returns {port, proc, stdout(), stderr(), exited, stop(), kill()}. */
/* env: variables added to chatd's environment (CHATD_EVENT_LOOP=poll);
 * CHATD_TEST_CLOCK is 1 unless env gives it (undefined: unset). perf: the
 * binary of chatdFor(). */
export function spawnChatd(cfg, env = {}, { perf = false } = {}) {
    const proc = spawn(chatdFor(perf), ['--config', cfg],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHATD_TEST_CLOCK: '1', ...env } });
    liveProcs.add(proc);
    let out = '';
    let err = '';
    let exitInfo = null;
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => {
        proc.on('exit', (code, signal) => {
            exitInfo = { code, signal };
            liveProcs.delete(proc);
            resolve(exitInfo);
        });
    });
    const ready = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`chatd printed no "listening on PORT" within ${START_TIMEOUT_MS} ms; stdout: ${JSON.stringify(out)}`)), START_TIMEOUT_MS);
        proc.stdout.on('data', (d) => {
            out += d;
            const m = /^listening on (\d+)$/m.exec(out);
            if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        });
        proc.on('error', (e) => { clearTimeout(timer); reject(e); });
        exited.then((x) => { clearTimeout(timer); reject(new Error(`chatd exited before listening (code ${x.code}, signal ${x.signal}); stderr:\n${err}`)); });
    });
    return {
        proc, ready, exited,
        /* Moves chatd's clock seconds ahead (after ready); resolves to its now. */
        advance: async (seconds) => advanceClock(await ready, seconds),
        /* Resolves once chatd's stderr matches re (a line it says when
         * something is done), rejects after ms. */
        said: (re, ms = 5000) => new Promise((resolve, reject) => {
            if (re.test(err)) return resolve();
            const timer = setTimeout(() => { proc.stderr.off('data', look); reject(new Error(`chatd did not say ${re} within ${ms} ms; stderr:\n${err}`)); }, ms);
            const look = () => { if (re.test(err)) { clearTimeout(timer); proc.stderr.off('data', look); resolve(); } };
            proc.stderr.on('data', look);
        }),
        stdout: () => out,
        stderr: () => err,
        exitInfo: () => exitInfo,
        /* SIGTERM; resolves once chatd has exited with status 0. */
        async stop() {
            if (exitInfo) assert.fail(`chatd had already exited (code ${exitInfo.code}, signal ${exitInfo.signal})`);
            proc.kill('SIGTERM');
            let timer;
            const x = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r(null), STOP_TIMEOUT_MS); })]);
            clearTimeout(timer);
            if (!x) {
                proc.kill('SIGKILL');
                assert.fail(`chatd did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
            }
            assert.deepEqual(x, { code: 0, signal: null }, 'chatd must exit 0 on SIGTERM');
        },
        kill() {
            if (!exitInfo) proc.kill('SIGKILL');
            return exited;
        },
    };
}

/* Moves the clock of the chatd on port seconds ahead (GET /test/clock) and
 * resolves to its new now (epoch seconds). What fell due has run in chatd
 * by then; its pushes may still be on their way: wait for them with next(). */
export async function advanceClock(port, seconds) {
    const r = await httpGet(port, `/test/clock?advance=${seconds}`);
    assert.equal(r.status, 200, `GET /test/clock?advance=${seconds}: ${r.status} ${r.body} (is chatd built with CHAT_TEST_CLOCK?)`);
    return JSON.parse(r.body).now;
}

/* Moves chatd's clock (srv.advance) just past the end of its running hour
 * (Helsinki's hours start on UTC's): /api/stats and /api/plan hold only
 * hours that have ended. One step: a client silent for idle_timeout_s is
 * hung up. Resolves to chatd's now. */
export async function endHour(srv) {
    const now = await srv.advance(0.001);
    return srv.advance(3600 - (now % 3600) + 1);
}

/* Moves chatd's clock in steps of `step` seconds, at most `max` in all, until
 * client holds a message matching `what` (a type or a predicate): each step
 * ends with a round trip on client, so what fell due by then is in. Resolves
 * {msg, now}: the message (taken) and chatd's now (epoch seconds) after the
 * step that brought it; rejects when `max` seconds brought nothing. */
export async function advanceUntil(srv, client, what, { step = 0.25, max = 30 } = {}) {
    const match = typeof what === 'function' ? what : (m) => m.type === what;
    for (let moved = 0; moved < max; moved += step) {
        const now = await srv.advance(step);
        await client.roundTrip();
        const i = client.buffer.findIndex(match);
        if (i >= 0) return { msg: client.buffer.splice(i, 1)[0], now };
    }
    assert.fail(`nothing matching ${what.label || what} after ${max} s of chatd's clock; unread: ${client.describe()}`);
}

/* Another process holding the database's write lock until release(). */
export async function holdLock(srv) {
    const p = spawn('sqlite3', [path.join(srv.dataDir, 'chatd.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    p.stdin.write(".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
    for (let i = 0; i < 100 && !out.includes('locked'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(out.includes('locked'), 'the sqlite3 shell took the write lock');
    return {
        async release() {
            p.stdin.end('COMMIT;\n.quit\n');
            await new Promise((r) => p.on('close', r));
        },
    };
}

/* prepare() + spawnChatd(): a running daemon with alice and the key pair.
 * Returns {port, dir, dataDir, cfg, keyFile, passphrase, admin, advance(s),
 *          said(re), stop, kill, stderr(), stdout(), cleanup()}. */
export async function startServer(opts = {}) {
    const env = await prepare(opts);
    const d = spawnChatd(env.cfg, opts.env, { perf: opts.perf });
    let port;
    try {
        port = await d.ready;
    } catch (e) {
        await d.kill();
        env.cleanup();
        throw e;
    }
    return {
        ...env, port, proc: d.proc, advance: d.advance, said: d.said,
        stop: d.stop, kill: d.kill, stdout: d.stdout, stderr: d.stderr, exitInfo: d.exitInfo,
        async cleanup() {
            await d.kill();
            env.cleanup();
        },
    };
}

/* Prints what the daemon said, for a failed test. */
export function dumpServer(srv, why) {
    const x = srv.exitInfo && srv.exitInfo();
    const status = x ? `exited: code ${x.code}, signal ${x.signal}` : 'still running';
    console.error(`\n--- chatd (${status}) after failure: ${why && why.message ? why.message.split('\n')[0] : why}\n--- chatd stderr ---\n${srv.stderr()}--- end chatd stderr ---`);
}

/* A test with its own daemon: fn(srv, t). On success chatd must stop cleanly
 * (SIGTERM -> exit 0) unless fn stopped it; on failure its stderr is printed.
 * The daemon is killed and the temp dir removed either way. */
export function scenario(name, opts, fn) {
    if (typeof opts === 'function') { fn = opts; opts = {}; }
    const { timeout = 60000, ...lazyOpts } = opts;
    test(name, { timeout }, async (t) => {
        /* An option given as a function is worked out when the test starts, so
         * that options built from the clock are not stale by then. */
        const serverOpts = Object.fromEntries(Object.entries(lazyOpts)
            .map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
        const srv = await startServer(serverOpts);
        try {
            await fn(srv, t);
            if (!srv.exitInfo()) await srv.stop();
        } catch (e) {
            dumpServer(srv, e);
            throw e;
        } finally {
            terminateClients();
            await srv.cleanup();
        }
    });
}

/* ---- WebSocket clients ---- */

/* Opens ws://127.0.0.1:PORT/ws offering `subprotocol` (a string, an array, or
 * null for none). Resolves to a client once open; rejects when the handshake
 * is refused (err.status holds the HTTP status if there was one). */
export function connect(port, subprotocol, { origin, path: wsPath = '/ws', headers } = {}) {
    return new Promise((resolve, reject) => {
        const options = { handshakeTimeout: 5000 * SLOW };
        if (origin !== undefined) options.origin = origin;
        if (headers !== undefined) options.headers = headers;
        const url = `ws://127.0.0.1:${port}${wsPath}`;
        const ws = subprotocol == null ? new WebSocket(url, options) : new WebSocket(url, subprotocol, options);
        let opened = false;
        ws.on('unexpected-response', (req, res) => {
            const e = new Error(`handshake refused: HTTP ${res.statusCode}`);
            e.status = res.statusCode;
            res.resume();
            req.destroy();
            reject(e);
        });
        ws.on('error', (e) => { if (!opened) reject(e); });
        ws.on('open', () => {
            opened = true;
            const c = new Client(ws);
            liveClients.add(c);
            resolve(c);
        });
    });
}

let refCounter = 0;
/* A fresh ref for a request. */
export function newRef() {
    refCounter += 1;
    return `r${process.pid}-${refCounter}`;
}

/* A worker.v1 socket opened from localAddress (a loopback address other
 * than 127.0.0.1 is another source to chatd). */
export function openFrom(port, localAddress) {
    return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'worker.v1', { localAddress, handshakeTimeout: 5000 * SLOW });
        ws.on('open', () => resolve(ws));
        ws.on('error', reject);
    });
}

/* Sends a login on a bare ws; resolves with its reply's type or error code. */
export function loginOn(ws, user, password, timeout = 30000) {
    const ref = newRef();
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to a login within ${timeout} ms`)), timeout);
        const look = (data) => {
            const m = JSON.parse(data.toString('utf8'));
            if (m.ref !== ref) return;
            clearTimeout(timer);
            ws.off('message', look);
            resolve(m.type === 'error' ? m.code : m.type);
        };
        ws.on('message', look);
        ws.send(JSON.stringify({ type: 'login', user, password, ref }));
    });
}

/* Today's buckets (chatadmin stats, Helsinki's day) summed per topic and
 * counter: {topic: {counter: n}} (a run may straddle an hour). */
export async function statsTotals(srv, extra = []) {
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Helsinki' }).format(new Date());
    const r = await srv.admin(['stats', '--from', today, '--to', today, '--format', 'json', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    const out = {};
    for (const b of JSON.parse(r.stdout).buckets) {
        const t = out[b.topic] || (out[b.topic] = {});
        for (const [k, v] of Object.entries(b)) {
            if (typeof v === 'number') t[k] = (t[k] || 0) + v;
        }
    }
    return out;
}

class Client {
    constructor(ws) {
        this.ws = ws;
        this.buffer = [];          /* received, not yet taken by next() */
        this.waiters = [];         /* {match, resolve, reject, timer} */
        this.closeInfo = null;
        this.protocol = ws.protocol;
        this.closed = new Promise((resolve) => {
            ws.on('close', (code, reason) => {
                this.closeInfo = { code, reason: reason.toString() };
                for (const w of this.waiters.splice(0)) {
                    clearTimeout(w.timer);
                    w.reject(new Error(`connection closed (code ${code} ${JSON.stringify(this.closeInfo.reason)}) while waiting for ${w.what}; unread: ${this.describe()}`));
                }
                resolve(this.closeInfo);
            });
        });
        ws.on('error', () => { /* surfaces as close */ });
        ws.on('message', (data, isBinary) => {
            let msg;
            if (isBinary) {
                msg = { type: '__binary', raw: data.toString('utf8') };
            } else {
                try {
                    msg = JSON.parse(data.toString('utf8'));
                } catch {
                    msg = { type: '__unparseable', raw: data.toString('utf8') };
                }
                if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
                    msg = { type: '__nonobject', raw: data.toString('utf8') };
                }
            }
            const i = this.waiters.findIndex((w) => w.match(msg));
            if (i >= 0) {
                const [w] = this.waiters.splice(i, 1);
                clearTimeout(w.timer);
                w.resolve(msg);
            } else {
                this.buffer.push(msg);
            }
        });
    }

    describe() {
        return JSON.stringify(this.buffer).slice(0, 2000);
    }

    send(obj) { this.ws.send(JSON.stringify(obj)); }

    /* A Buffer goes as a binary frame, a string as a text frame. */
    sendRaw(data) { this.ws.send(data, { binary: Buffer.isBuffer(data) }); }

    /* The next buffered or future message matching `what` (a type string or a
     * predicate). Non-matching messages stay buffered, in order. */
    next(what, { timeout = 5000 } = {}) {
        timeout *= SLOW;
        const match = typeof what === 'function' ? what : (m) => m.type === what;
        const label = typeof what === 'function' ? (what.label || 'a matching message') : `"${what}"`;
        const i = this.buffer.findIndex(match);
        if (i >= 0) return Promise.resolve(this.buffer.splice(i, 1)[0]);
        if (this.closeInfo) {
            return Promise.reject(new Error(`connection already closed (code ${this.closeInfo.code}) while waiting for ${label}; unread: ${this.describe()}`));
        }
        return new Promise((resolve, reject) => {
            const w = { match, resolve, reject, what: label };
            w.timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(w), 1);
                reject(new Error(`no ${label} within ${timeout} ms; unread: ${this.describe()}`));
            }, timeout);
            this.waiters.push(w);
        });
    }

    /* Asserts that no message of `type` reached this client (others stay
     * buffered) by a round trip, not a wait: a ping's reply leaves after
     * everything chatd had queued for this connection before it read the
     * ping, so what chatd did before (another client's action that was
     * answered, a clock advance) is in the buffer by then. Not while a
     * turn is held (a commit waiting for the database lock): the pong
     * waits behind its frames. The second argument (once a wait in ms) is
     * ignored. */
    async expectNone(type) {
        await this.roundTrip();
        const hit = this.buffer.find((m) => m.type === type);
        assert.equal(hit, undefined, `expected no "${type}" message, got ${JSON.stringify(hit)}`);
    }

    /* A ping and its reply (pong, or rate_limited: both arrive in order).
     * ping shares the typing budget, 5 a second and 20 at once, on chatd's
     * clock: a test that types and checks often may spend it. */
    async roundTrip() {
        const ref = newRef();
        const match = (m) => m.ref === ref;
        match.label = `the reply to a round-trip ping (ref ${ref})`;
        const reply = this.next(match);
        this.send({ type: 'ping', ref });
        await reply;
    }

    get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

    close() {
        if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
        return this.closed;
    }

    terminate() { this.ws.terminate(); }
}

/* Sends obj with a fresh ref; resolves with the reply carrying that ref
 * (ack, error or the answering message). */
export function request(client, obj, { timeout = 5000 } = {}) {
    const ref = newRef();
    client.send({ ...obj, ref });
    const match = (m) => m.ref === ref;
    match.label = `a reply to ${obj.type} (ref ${ref})`;
    return client.next(match, { timeout });
}

/* A visitor.v1 client that has sent hello and got welcome (client.welcome). */
export async function visitorHello(port, hello = {}) {
    const c = await connect(port, 'visitor.v1');
    const w = await request(c, { type: 'hello', ...hello });
    assert.equal(w.type, 'welcome', `hello answered ${JSON.stringify(w)}`);
    c.welcome = w;
    return c;
}

/* A worker.v1 client logged in as user (client.welcome). */
export async function workerLogin(port, user = ALICE.user, password = ALICE.password) {
    const c = await connect(port, 'worker.v1');
    const w = await request(c, { type: 'login', user, password }, { timeout: 10000 }); /* argon2id on a loaded CI box */
    assert.equal(w.type, 'welcome', `login answered ${JSON.stringify(w)}`);
    c.welcome = w;
    return c;
}

/* A worker logged in and on duty for topics (reply checked). */
export async function workerOnDuty(port, topics = ['youth'], capacity = 2) {
    const c = await workerLogin(port);
    const d = await request(c, { type: 'duty', on: true, topics, capacity });
    assert.equal(d.type, 'duty', `duty answered ${JSON.stringify(d)}`);
    return c;
}

/* A visitor that said hello and joined topic; its queued reply is checked
 * and kept as v.queued. */
export async function waiting(port, topic = 'youth') {
    const v = await visitorHello(port);
    const q = await request(v, { type: 'join', topic });
    assert.equal(q.type, 'queued', `join answered ${JSON.stringify(q)}`);
    v.queued = q;
    return v;
}

/* alice on duty for topics and a visitor chatting with her in topics[0].
 * Returns {w, v, chat}. */
export async function chatting(srv, topics = ['youth']) {
    const w = await workerOnDuty(srv.port, topics, 2);
    const v = await waiting(srv.port, topics[0]);
    const ws = await w.next('chat_started');
    const vs = await v.next('chat_started');
    assert.equal(vs.chat, ws.chat, 'the worker and the visitor see the same chat');
    return { w, v, chat: ws.chat };
}

/* [seq, from, text] of each history entry, with its fields checked. */
export function historyRows(history, chat) {
    assert.ok(Array.isArray(history), `history is an array: ${JSON.stringify(history)}`);
    for (const m of history) {
        assert.equal(m.chat, chat);
        assert.match(m.ts, ISO_TS);
    }
    return history.map((m) => [m.seq, m.from, m.text]);
}

/* fetch, sent again once when a kept-alive connection was closed under it
 * (the server's idle close crossing the request: undici's "fetch failed"
 * with a socket error); a refused connection is not retried. */
async function fetchOnceMore(url, opts) {
    try {
        return await fetch(url, opts);
    } catch (e) {
        const code = e?.cause?.code;
        if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') {
            if (e?.cause && typeof e.message === 'string') e.message += ` (${e.cause.code || e.cause.message})`;
            throw e;
        }
        return fetch(url, opts);
    }
}

/* Plain HTTP GET against the daemon. */
export async function httpGet(port, p, headers = {}) {
    const res = await fetchOnceMore(`http://127.0.0.1:${port}${p}`, { headers });
    const body = await res.text();
    return { status: res.status, headers: res.headers, body };
}

/* ISO-8601 with an explicit offset (Z or +hh:mm). */
export const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/* Runs one step of a longer scenario; a failure names the step. */
export async function step(name, fn) {
    try {
        return await fn();
    } catch (e) {
        if (e && typeof e.message === 'string') e.message = `[${name}] ${e.message}`;
        throw e;
    }
}

/* Every regular file under dir, recursively. */
export function filesUnder(dir) {
    const out = [];
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) out.push(...filesUnder(p));
        else if (ent.isFile()) out.push(p);
    }
    return out;
}

/* ---- a second worker (queue, resume and transfer tests) ---- */

export const BOB = { user: 'bob', password: 'bob-password-1', alias: 'Bob' };

/* Adds a worker account with chatadmin; works while chatd runs. orgs:
 * chatadmin's --org ("east", "east,west", "*"), or the default org. */
export async function addWorker(srv, { user, password, alias } = BOB, role = 'worker', orgs = null) {
    const orgArgs = orgs ? ['--org', orgs] : [];
    const r = await srv.admin(['user', 'add', user, '--role', role, '--alias', alias, ...orgArgs], password);
    assert.equal(r.code, 0, `chatadmin user add ${user} failed: ${r.stderr}`);
}

/* A worker logged in as creds ({user, password}) and on duty for topics. */
export async function workerOnDutyAs(port, creds, topics = ['youth'], capacity = 2) {
    const c = await workerLogin(port, creds.user, creds.password);
    const d = await request(c, { type: 'duty', on: true, topics, capacity });
    assert.equal(d.type, 'duty', `duty answered ${JSON.stringify(d)}`);
    return c;
}
