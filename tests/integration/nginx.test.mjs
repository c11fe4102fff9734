/* nginx.test.mjs: contract v2 §7 and v3 §6 with deploy/nginx-chatd.conf as
 * shipped (TLS swapped for a loopback port): thousands of page views of
 * /api/status through nginx reach chatd about once per 2 s, and the answers
 * are chatd's (CORS and ETag kept); random query strings are served from the
 * cache; a request with two Origin headers cannot leave a cached answer
 * without CORS for an allowed origin. Needs Debian's nginx (tests/run.sh
 * installs nginx-light). */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { REPO, httpGet, scenario } from './harness.mjs';

function freePort() {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => resolve(port));
        });
    });
}

/* The shipped site config for a loopback test: plain HTTP on port, chatd on
 * chatdPort, the cache in dir; origins: chatd's public_origins, listed in
 * the config's Origin map (if it has one) as its comment says. */
function siteConfig(port, chatdPort, dir, origins = []) {
    let text = fs.readFileSync(path.join(REPO, 'deploy', 'nginx-chatd.conf'), 'utf8');
    const map = /(map \$http_origin \$chatd_origin \{\n    default "";\n)/;
    text = text.replace(map, `$1${origins.map((o) => `    ${o} $http_origin;\n`).join('')}`);
    text = text.replace(/\nserver \{\n    listen 80;[\s\S]*$/, '\n'); /* the redirect to https */
    text = text.replace('listen 443 ssl http2;', `listen 127.0.0.1:${port};`)
        .replace(/^\s*ssl_.*$/gm, '')
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${chatdPort}`)
        .replace('/var/cache/nginx/chatd-status', path.join(dir, 'cache'))
        .replace('/var/log/nginx/chatd-error.log', path.join(dir, 'error.log'));
    /* run as root (tests/run.sh), nginx's workers would be www-data, who may
     * not enter the test's private temp dir: they stay root here */
    const user = process.getuid && process.getuid() === 0 ? 'user root;\n' : '';
    return `${user}worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log crit;\n`
        + `events { worker_connections 1024; }\nhttp {\n client_body_temp_path ${dir}/body;\n`
        + ` proxy_temp_path ${dir}/proxy;\n${text}\n}\n`;
}

function statusRequests(metrics) {
    return Number(/^chatd_status_requests_total (\d+)$/m.exec(metrics)[1]);
}

/* Runs fn(port, get) with the shipped nginx in front of srv (origins: as
 * for siteConfig); get(path, headers) is a GET through nginx. */
async function withNginx(srv, origins, fn) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(srv.dir, 'nginx-'));
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, siteConfig(port, srv.port, dir, origins));
    execFileSync('nginx', ['-t', '-q', '-c', conf, '-e', path.join(dir, 'error.log')]);
    const nginx = spawn('nginx', ['-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const get = (p, headers = {}) => new Promise((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: p, agent, headers }, (res) => {
            let body = '';
            res.on('data', (d) => { body += d; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
        }).on('error', reject);
    });
    try {
        for (let i = 0; ; i++) { /* nginx is up */
            try { await get('/healthz'); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
        }
        await fn(port, get, () => (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : 'no error log'));
    } finally {
        agent.destroy();
        nginx.kill('SIGTERM');
        await new Promise((r) => nginx.on('exit', r));
    }
}

/* A raw GET through nginx with header lines as given (a header may come
 * twice); resolves with the answer's headers (lower-case name -> value). */
function rawGet(port, p, lines) {
    return new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`));
        let data = '';
        s.on('data', (d) => { data += d; });
        s.on('error', reject);
        s.on('close', () => {
            const [status, ...rest] = data.split('\r\n\r\n')[0].split('\r\n');
            resolve({ status: Number(status.split(' ')[1]), headers: Object.fromEntries(rest.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])) });
        });
    });
}

scenario('nginx as shipped: thousands of page views of /api/status in 3 s reach chatd about once per 2 s', { timeout: 60000 }, async (srv) => {
    await withNginx(srv, [], async (port, get0, errorLog) => {
        const get = (headers = {}) => get0('/api/status', { Origin: 'http://example.org', ...headers });
        const before = statusRequests((await httpGet(srv.port, '/metrics')).body);
        const t0 = Date.now();
        let ok = 0;
        const first = await get();
        assert.equal(first.status, 200, errorLog());
        assert.equal(first.headers['access-control-allow-origin'], '*');
        assert.match(first.headers.etag, /^"[0-9a-f]{16}"$/);
        assert.equal(JSON.parse(first.body).topics[0].id, 'youth');
        /* at least 3 s and 1000 page views, however slow the machine is
         * today: the point is how few of them reach chatd, not how fast */
        while ((Date.now() - t0 < 3000 || ok < 1000) && Date.now() - t0 < 40000) {
            const batch = await Promise.all(Array.from({ length: 200 }, () => get()));
            ok += batch.filter((r) => r.status === 200).length;
        }
        const seconds = (Date.now() - t0) / 1000;
        const reached = statusRequests((await httpGet(srv.port, '/metrics')).body) - before;
        console.log(`# nginx: ${ok} page views in ${seconds.toFixed(1)} s (${Math.round(ok / seconds)}/s), ${reached} reached chatd`);
        assert.ok(ok >= 1000, `${ok} answered`);
        assert.ok(reached <= Math.ceil(seconds / 2) + 2, `${reached} requests reached chatd in ${seconds.toFixed(1)} s`);
        const cond = await get({ 'If-None-Match': first.headers.etag });
        assert.ok([200, 304].includes(cond.status));
    });
});

scenario('nginx as shipped: random query strings, Origins and Hosts are served from the cache, not passed to chatd', { timeout: 60000 }, async (srv) => {
    await withNginx(srv, [], async (port, get, errorLog) => {
        assert.equal((await get('/api/status')).status, 200, errorLog());
        const before = statusRequests((await httpGet(srv.port, '/metrics')).body);
        const t0 = Date.now();
        let ok = 0;
        for (let i = 0; i < 5; i++) {
            const batch = await Promise.all(Array.from({ length: 100 }, (_, k) => get(`/api/status?r=${Math.random()}&topic=${i}-${k}`,
                { Origin: `https://x${i}-${k}.example`, Host: `h${i}-${k}.example` })));
            ok += batch.filter((r) => r.status === 200 && r.headers['access-control-allow-origin'] === '*').length;
        }
        const seconds = (Date.now() - t0) / 1000;
        const reached = statusRequests((await httpGet(srv.port, '/metrics')).body) - before;
        console.log(`# nginx: ${ok} requests with random query strings, Origins and Hosts in ${seconds.toFixed(1)} s, ${reached} reached chatd`);
        assert.equal(ok, 500);
        assert.ok(reached <= Math.ceil(seconds / 2) + 2, `${reached} of 500 reached chatd in ${seconds.toFixed(1)} s`);
        /* the parameters that matter still make their own answers */
        const week = await get('/api/status/week?topic=youth&r=1');
        assert.equal(week.status, 200);
        assert.equal(JSON.parse(week.body).topic, 'youth');
        assert.equal((await get('/api/status/week?topic=nosuch&r=1')).status, 404);
        const en = await get('/api/status/badge.svg?topic=youth&lang=en&r=2');
        const fi = await get('/api/status/badge.svg?topic=youth&r=3');
        assert.equal(en.status, 200);
        assert.notEqual(en.body, fi.body, 'lang is passed on: English is not the default Finnish');
    });
});

scenario('nginx as shipped: two Origin headers cannot leave a cached answer without CORS for the allowed origin',
    { server: { public_origins: 'https://site.example' }, timeout: 60000 }, async (srv) => {
        await withNginx(srv, ['https://site.example'], async (port, get, errorLog) => {
            const site = 'Origin: https://site.example';
            for (const p of ['/api/status', '/api/status/week?topic=youth', '/api/status/badge.svg?topic=youth']) {
                for (const lines of [[site, 'Origin: https://evil.example'], ['Origin: https://evil.example', site], [site, site]]) {
                    await rawGet(port, p, lines); /* first: whatever it answers is what nginx keeps */
                    const next = await get(p, { Origin: 'https://site.example' });
                    assert.equal(next.status, 200, errorLog());
                    assert.equal(next.headers['access-control-allow-origin'], 'https://site.example',
                        `${p} after a request with ${lines.join(' + ')}: the allowed origin gets its CORS header`);
                    assert.equal(next.headers.vary, 'Origin');
                }
                const other = await get(p, { Origin: 'https://evil.example' });
                assert.equal(other.headers['access-control-allow-origin'], undefined, `${p}: an Origin not listed gets none`);
                assert.equal((await get(p, { Origin: 'https://site.example' })).headers['access-control-allow-origin'], 'https://site.example');
            }
        });
    });
