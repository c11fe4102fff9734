/* i18n_keys.test.mjs: the language files are complete. Every
 * chatd/web/i18n/*.json has exactly the keys of en.json, with the same
 * {placeholders}, its own name and a direction; and every key the pages ask
 * for (data-i18n and data-i18n-attr in the HTML, I18N.t('...') and key
 * literals in the scripts) is in en.json. Keys put together at run time
 * ('v.topic.' + state) are listed below with what they can become; a new
 * such family fails the test until it is listed. No browser, no daemon. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT, filesUnder } from '../integration/harness.mjs';

const I18N_DIR = path.join(WEB_ROOT, 'i18n');
/* the first part of every key; a literal 'x.y' with another first part (a
 * storage key, a subprotocol) is not a key */
const KEY = /^(lang|quick|conn|err|time|v|c|s|avail)\.[\w.]*\w$/;
const PREFIX = /^(lang|quick|conn|err|time|v|c|s|avail)\.[\w.]*$/;

/* Keys made at run time: prefix -> the endings the code can append, or null
 * where the page asks I18N.has() first and falls back to a generic text. */
const COMPUTED = {
    'err.': null,
    'c.role.': null,
    'c.audience.': null,
    'v.topic.': ['open', 'full', 'closed'],
    'v.ended.': ['visitor', 'worker', 'timeout', 'away', 'server'],
    'c.ended.': ['visitor', 'worker', 'timeout', 'transfer', 'requeued', 'blocked', 'quick', 'server'],
    'c.chat.block.h': ['1', '24', '168'],
    's.bin.': ['0_1', '1_5', '5_15', '15_30', '30_60', '60p'],
};

function languages() {
    const out = {};
    for (const f of fs.readdirSync(I18N_DIR).filter((n) => n.endsWith('.json')).sort()) {
        out[f.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(I18N_DIR, f), 'utf8'));
    }
    return out;
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/* The pages' own scripts and markup, and widget.js (its words come from GET /api/words). */
function pageSources() {
    const files = filesUnder(WEB_ROOT).filter((f) => !f.startsWith(I18N_DIR));
    return {
        html: files.filter((f) => f.endsWith('.html')),
        js: files.filter((f) => f.endsWith('.js')),
    };
}

/* Every key a page can ask for: [key, where]. */
function usedKeys() {
    const used = [];
    const { html, js } = pageSources();
    for (const f of html) {
        const src = fs.readFileSync(f, 'utf8');
        for (const m of src.matchAll(/data-i18n="([^"]+)"/g)) used.push([m[1], f]);
        for (const m of src.matchAll(/data-i18n-attr="([^"]+)"/g)) {
            for (const pair of m[1].split(';')) used.push([pair.split(':')[1].trim(), f]);
        }
    }
    const computed = [];
    for (const f of js) {
        const src = fs.readFileSync(f, 'utf8');
        /* t('key'), I18N.t('key'): whatever the string, it must be a key */
        for (const m of src.matchAll(/\bt\(\s*'([^']+)'\s*[,)]/g)) used.push([m[1], f]);
        /* keys handed to helpers: setStatus('s.loading'), button(.., 'c.chat.send'), data-i18n attributes */
        for (const m of src.matchAll(/'([^'\n]+)'(\s*\+)?/g)) {
            if (m[2] && PREFIX.test(m[1])) computed.push([m[1], f]);
            else if (!m[2] && KEY.test(m[1])) used.push([m[1], f]);
        }
    }
    return { used, computed };
}

test('every language file has the keys of en.json and no others, its name and direction', () => {
    const langs = languages();
    assert.ok(langs.en, 'en.json is the reference');
    const en = langs.en.strings;
    assert.ok(Object.keys(en).length > 200, `en.json has ${Object.keys(en).length} keys`);
    assert.deepEqual(Object.keys(langs).filter((c) => ['fi', 'sv', 'en'].includes(c)).sort(), ['en', 'fi', 'sv'],
        'Finnish, Swedish and English are shipped');
    const problems = [];
    for (const [code, file] of Object.entries(langs)) {
        const where = `${code}.json`;
        if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(code)) problems.push(`${where}: the name is not a language code`);
        if (typeof file.name !== 'string' || !file.name.trim()) problems.push(`${where}: no name`);
        if (!['ltr', 'rtl'].includes(file.dir)) problems.push(`${where}: dir is not ltr or rtl`);
        const strings = file.strings || {};
        for (const k of Object.keys(en)) if (!(k in strings)) problems.push(`${where}: missing ${k}`);
        for (const [k, v] of Object.entries(strings)) {
            if (!(k in en)) problems.push(`${where}: ${k} is not in en.json`);
            else if (typeof v !== 'string' || !v.trim()) problems.push(`${where}: ${k} is empty`);
            else if (placeholders(v).join() !== placeholders(en[k]).join()) {
                problems.push(`${where}: ${k} has {${placeholders(v)}}, en.json {${placeholders(en[k])}}`);
            }
        }
    }
    assert.deepEqual(problems, []);
});

test('every key the pages use is in en.json', () => {
    const en = languages().en.strings;
    const { used, computed } = usedKeys();
    assert.ok(used.length > 150, `found ${used.length} uses`);
    const missing = used.filter(([k]) => !(k in en)).map(([k, f]) => `${k} (${path.relative(WEB_ROOT, f)})`);
    assert.deepEqual([...new Set(missing)], [], 'used but not in en.json');

    const unknown = computed.filter(([p]) => !(p in COMPUTED)).map(([p, f]) => `${p} (${path.relative(WEB_ROOT, f)})`);
    assert.deepEqual(unknown, [], 'a key made at run time whose endings this test does not know: add it to COMPUTED');
    for (const [prefix, endings] of Object.entries(COMPUTED)) {
        assert.ok(computed.some(([p]) => p === prefix), `${prefix} is still made at run time (else drop it from COMPUTED)`);
        for (const e of endings || []) assert.ok(`${prefix}${e}` in en, `${prefix}${e} in en.json`);
        if (!endings) assert.ok(Object.keys(en).some((k) => k.startsWith(prefix)), `some ${prefix}* in en.json`);
    }
});
