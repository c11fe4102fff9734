/* langs.test.mjs: GET /api/langs lists the pages' languages, read once at
 * start-up from web_root/i18n/CODE.json: sorted by code, each with its own
 * name and direction, cacheable for five minutes. A file with a name that
 * is no language code, that is no JSON, or that lacks name, dir or strings
 * is left out with a warning naming the file; nothing else is listed. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
    WEB_ROOT, dumpServer, httpGet, request, scenario, startServer, visitorHello, workerLogin,
} from './harness.mjs';

const STRINGS = { strings: { 'lang.label': 'x' } };

scenario('the shipped languages: en, fi and sv, in their own names, cacheable', async (srv) => {
    const r = await httpGet(srv.port, '/api/langs');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
    assert.deepEqual(JSON.parse(r.body), {
        langs: [
            { code: 'en', name: 'English', dir: 'ltr' },
            { code: 'fi', name: 'Suomi', dir: 'ltr' },
            { code: 'sv', name: 'Svenska', dir: 'ltr' },
        ],
    });
    /* the files themselves are served as they are */
    const fi = await httpGet(srv.port, '/i18n/fi.json');
    assert.equal(fi.status, 200);
    assert.equal(JSON.parse(fi.body).name, 'Suomi');
});

/* file name -> content (an object is written as JSON) */
const FILES = {
    'ar.json': { name: 'العربية', dir: 'rtl', ...STRINGS },
    'pt-BR.json': { name: 'Português (Brasil)', dir: 'ltr', ...STRINGS },
    'fil.json': { name: 'Filipino', dir: 'ltr', ...STRINGS },
    'de.json': '{"name": "Deutsch", "dir": "ltr",\n "strings": {,}}\n',
    'it.json': { dir: 'ltr', ...STRINGS },
    'nl.json': { name: 'Nederlands', dir: 'down', ...STRINGS },
    'da.json': { name: 'Dansk', dir: 'ltr' },
    'no.json': '[]',
    'FI.json': { name: 'Suomi', dir: 'ltr', ...STRINGS },
    'toolong-abcdefghi.json': { name: 'x', dir: 'ltr', ...STRINGS },
    'e.json': { name: 'x', dir: 'ltr', ...STRINGS },
    'notes.txt': 'not a language',
};

test('added, broken and misnamed files: the good ones listed, the rest left out with a warning', { timeout: 30000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-langs-'));
    let srv;
    try {
        fs.mkdirSync(path.join(root, 'i18n'));
        for (const f of ['en.json', 'fi.json']) fs.copyFileSync(path.join(WEB_ROOT, 'i18n', f), path.join(root, 'i18n', f));
        for (const [name, content] of Object.entries(FILES)) {
            fs.writeFileSync(path.join(root, 'i18n', name), typeof content === 'string' ? content : JSON.stringify(content));
        }
        srv = await startServer({ server: { web_root: root } });
        const r = await httpGet(srv.port, '/api/langs');
        assert.equal(r.status, 200);
        assert.deepEqual(JSON.parse(r.body).langs, [
            { code: 'ar', name: 'العربية', dir: 'rtl' },
            { code: 'en', name: 'English', dir: 'ltr' },
            { code: 'fi', name: 'Suomi', dir: 'ltr' },
            { code: 'fil', name: 'Filipino', dir: 'ltr' },
            { code: 'pt-BR', name: 'Português (Brasil)', dir: 'ltr' },
        ]);
        const err = srv.stderr();
        const dir = path.join(root, 'i18n');
        assert.match(err, new RegExp(`${dir}/de\\.json:2: .*left out`), 'invalid JSON: file and line');
        for (const f of ['it', 'nl', 'da', 'no', 'FI', 'toolong-abcdefghi', 'e']) {
            assert.match(err, new RegExp(`${dir}/${f}\\.json: .*left out`), `${f}.json is warned about`);
        }
        assert.doesNotMatch(err, /notes\.txt|(en|fi|ar|fil|pt-BR)\.json/, 'no warning about good files');
        /* hello.lang and duty.langs take every shipped language, and fi, sv
         * and en always; not one that was left out */
        for (const lang of ['ar', 'pt-BR', 'fil', 'sv']) await visitorHello(srv.port, { lang });
        const v = await visitorHello(srv.port);
        for (const lang of ['de', 'it', 'xx']) {
            const r = await request(v, { type: 'hello', lang });
            assert.equal(r.code, 'bad_request', `hello lang ${lang}: ${JSON.stringify(r)}`);
        }
        const w = await workerLogin(srv.port);
        assert.deepEqual([...w.welcome.langs].sort(), ['ar', 'en', 'fi', 'fil', 'pt-BR', 'sv']);
        const d = await request(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1, langs: ['ar', 'fil'] });
        assert.deepEqual(d.langs, ['ar', 'fil']);
        const bad = await request(w, { type: 'duty', on: true, topics: ['youth'], capacity: 1, langs: ['de'] });
        assert.equal(bad.code, 'bad_request');
        /* the badge has no Arabic texts: English */
        assert.match((await httpGet(srv.port, '/api/status/badge.svg?topic=youth&lang=ar')).body, /Chat open/);
        await srv.stop();
    } catch (e) {
        if (srv) dumpServer(srv, e);
        throw e;
    } finally {
        if (srv) await srv.cleanup();
        fs.rmSync(root, { recursive: true, force: true });
    }
});

test('no i18n folder: an empty list and a warning, the daemon still serves', { timeout: 30000 }, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-langs-'));
    let srv;
    try {
        srv = await startServer({ server: { web_root: root } });
        const r = await httpGet(srv.port, '/api/langs');
        assert.equal(r.status, 200);
        assert.deepEqual(JSON.parse(r.body), { langs: [] });
        assert.match(srv.stderr(), new RegExp(`${root}/i18n: cannot open`));
        assert.equal((await httpGet(srv.port, '/healthz')).status, 200);
        await srv.stop();
    } catch (e) {
        if (srv) dumpServer(srv, e);
        throw e;
    } finally {
        if (srv) await srv.cleanup();
        fs.rmSync(root, { recursive: true, force: true });
    }
});
