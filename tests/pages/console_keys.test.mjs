/* console_keys.test.mjs: the strings of the console's shift parts (the
 * board, "ask a supervisor", whispers, the wrap-up) are all there. Every
 * 'board.*', 'wrapup.*' and 'console.*' key that console/*.js and
 * console/index.html ask for is in en.json (i18n_keys.test.mjs checks the
 * other prefixes, and that every language has en.json's keys); keys put
 * together at run time are listed below with what they can become. No
 * browser, no daemon. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WEB_ROOT } from '../integration/harness.mjs';

const DIR = path.join(WEB_ROOT, 'console');
const KEY = /^(board|wrapup|console)\.[\w.]*\w$/;
const PREFIX = /^(board|wrapup|console)\.[\w.]*$/;
/* not i18n keys: the console's sessionStorage key */
const NOT_KEYS = ['console.token'];
const COMPUTED = {
    'board.ended.': ['visitor', 'worker', 'timeout', 'server'],
    'board.notify.': ['on', 'blocked', 'none'],
};

function en() {
    return JSON.parse(fs.readFileSync(path.join(WEB_ROOT, 'i18n', 'en.json'), 'utf8')).strings;
}

test('every board/wrapup/console key the console uses is in en.json', () => {
    const strings = en();
    const used = [];
    const computed = [];
    for (const f of fs.readdirSync(DIR).map((n) => path.join(DIR, n))) {
        const src = fs.readFileSync(f, 'utf8');
        if (f.endsWith('.html')) {
            for (const m of src.matchAll(/data-i18n="([^"]+)"/g)) used.push([m[1], f]);
            for (const m of src.matchAll(/data-i18n-attr="([^"]+)"/g)) {
                for (const pair of m[1].split(';')) used.push([pair.split(':')[1].trim(), f]);
            }
        }
        if (!f.endsWith('.js')) continue;
        /* an empty '' would pair the quotes around it wrongly */
        for (const m of src.replace(/''/g, '""').matchAll(/'([^'\n]+)'(\s*\+)?/g)) {
            if (NOT_KEYS.includes(m[1])) continue;
            if (m[2] && PREFIX.test(m[1])) computed.push(m[1]);
            else if (!m[2] && KEY.test(m[1])) used.push([m[1], f]);
        }
    }
    const ours = used.filter(([k]) => KEY.test(k));
    assert.ok(ours.length > 80, `found ${ours.length} uses`);
    const missing = ours.filter(([k]) => !(k in strings)).map(([k, f]) => `${k} (${path.basename(f)})`);
    assert.deepEqual([...new Set(missing)], [], 'used but not in en.json');
    assert.deepEqual([...new Set(computed.filter((p) => !(p in COMPUTED)))], [],
        'a key made at run time that this test does not know: add it to COMPUTED');
    for (const [prefix, endings] of Object.entries(COMPUTED)) {
        assert.ok(computed.includes(prefix), `${prefix} is still made at run time (else drop it from COMPUTED)`);
        for (const e of endings) assert.ok(`${prefix}${e}` in strings, `${prefix}${e} in en.json`);
    }
});

test('the console\'s own keys are all used: none left over', () => {
    const strings = en();
    const src = fs.readdirSync(DIR).map((n) => fs.readFileSync(path.join(DIR, n), 'utf8')).join('\n');
    const unused = Object.keys(strings).filter((k) => KEY.test(k))
        .filter((k) => !src.includes(`'${k}'`) && !src.includes(`"${k}"`) && !src.includes(`:${k}"`))
        .filter((k) => !Object.entries(COMPUTED).some(([p, ends]) => ends.some((e) => `${p}${e}` === k)));
    assert.deepEqual(unused, []);
});
