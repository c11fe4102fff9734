/* nginx.test.mjs: contract v2 §7 with deploy/nginx-chatd.conf as shipped
 * (TLS swapped for a loopback port): thousands of page views of
 * /api/status through nginx reach chatd about once per 2 s, and the answers
 * are chatd's (CORS and ETag kept). Needs Debian's nginx (tests/run.sh
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
 * chatdPort, the cache in dir. */
function siteConfig(port, chatdPort, dir) {
    let text = fs.readFileSync(path.join(REPO, 'deploy', 'nginx-chatd.conf'), 'utf8');
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

scenario('nginx as shipped: thousands of page views of /api/status in 3 s reach chatd about once per 2 s', { timeout: 60000 }, async (srv) => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(srv.dir, 'nginx-'));
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, siteConfig(port, srv.port, dir));
    execFileSync('nginx', ['-t', '-q', '-c', conf, '-e', path.join(dir, 'error.log')]);
    const nginx = spawn('nginx', ['-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
    try {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
        const get = (headers = {}) => new Promise((resolve, reject) => {
            http.get({ host: '127.0.0.1', port, path: '/api/status', agent, headers: { Origin: 'http://example.org', ...headers } }, (res) => {
                let body = '';
                res.on('data', (d) => { body += d; });
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
            }).on('error', reject);
        });
        for (let i = 0; ; i++) { /* nginx is up */
            try { await get(); break; } catch (e) { if (i > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
        }
        const before = statusRequests((await httpGet(srv.port, '/metrics')).body);
        const t0 = Date.now();
        let ok = 0;
        const first = await get();
        assert.equal(first.status, 200, fs.existsSync(path.join(dir, 'error.log'))
            ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : 'no error log');
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
        agent.destroy();
    } finally {
        nginx.kill('SIGTERM');
        await new Promise((r) => nginx.on('exit', r));
    }
});
