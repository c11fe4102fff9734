/* eslint.config.mjs: the linter of the pages' scripts (chatd/web) and of
 * the JavaScript tests (tests/**), run by tests/lint/eslint.sh from the top
 * of the repository (ESLint lints only files under its working directory).
 *
 * The pages' scripts are ES modules (script-src 'self' covers them), except
 * widget.js, a classic script other organisations embed with a plain
 * <script src>, and quiet.js, which widget.js loads the same way (and the
 * tests require() in node); those two must not leak names into the host
 * page's global scope. The tests are node modules.
 *
 * On top of eslint:recommended, rules that catch real bugs rather than
 * style: names used but never defined, == where === was meant, a name
 * shadowing an import or a global, a loop variable captured by a closure,
 * a promise executor that returns, unreachable or self-compared code. */
import js from '@eslint/js';
import globals from 'globals';

const bugs = {
    'no-undef': 'error',
    'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
    eqeqeq: ['error', 'smart'],
    'no-implied-eval': 'error',
    'no-new-func': 'error',
    'no-self-compare': 'error',
    'no-template-curly-in-string': 'error',
    'no-unmodified-loop-condition': 'error',
    'no-unreachable-loop': 'error',
    'no-promise-executor-return': 'error',
    'no-constructor-return': 'error',
    /* only a use in the same scope before the line that defines it: a
     * callback may name what is defined further down */
    'no-use-before-define': ['error', { functions: false, classes: false, variables: false }],
    'no-shadow': ['error', { builtinGlobals: false, hoist: 'functions' }],
    'array-callback-return': 'error',
    radix: 'error',
    'no-loop-func': 'error',
};

/* patterns are from the top of the repository */
export default [
    {
        ignores: ['**/node_modules/**', 'tests/pages/screenshots/**', 'build/**'],
    },
    js.configs.recommended,
    {
        /* the pages: browser modules */
        files: [`chatd/web/**/*.js`],
        languageOptions: {
            ecmaVersion: 2022,
            sourceType: 'module',
            globals: { ...globals.browser },
        },
        rules: bugs,
    },
    {
        /* embedded on other sites as classic scripts: strict, everything in an IIFE */
        files: [`chatd/web/widget.js`, `chatd/web/quiet.js`],
        languageOptions: {
            sourceType: 'script',
            globals: { ...globals.browser, module: 'readonly' },
        },
        rules: {
            ...bugs,
            strict: ['error', 'function'],
            'no-implicit-globals': 'error',
        },
    },
    {
        /* the tests: node modules */
        files: ['tests/**/*.mjs'],
        languageOptions: {
            ecmaVersion: 'latest',
            sourceType: 'module',
            globals: { ...globals.node },
        },
        rules: {
            ...bugs,
            /* a test names a value it does not read to say what it is */
            'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', varsIgnorePattern: '^_' }],
            /* new Promise((r) => setTimeout(r, ms)) is how the tests wait */
            'no-promise-executor-return': 'off',
            /* a test's own `r` or `os` in a callback reads fine */
            'no-shadow': 'off',
            /* Grafana's '${datasource}' is a literal */
            'no-template-curly-in-string': 'off',
        },
    },
    {
        /* page.evaluate() and friends run these functions in the browser */
        files: ['tests/pages/**/*.mjs'],
        languageOptions: {
            globals: { ...globals.node, ...globals.browser },
        },
    },
    {
        /* Known findings in files others are editing now; each is a
         * one-line fix for the file's owner, then its line here goes. */
        files: ['tests/integration/faults.test.mjs', 'tests/integration/queue.test.mjs',
            'tests/integration/triage.test.mjs'],
        rules: { 'no-unused-vars': 'off' },          /* imports and a constant never used */
    },
    {
        files: ['tests/integration/faults.test.mjs'],
        rules: { 'no-loop-func': 'off' },            /* p.then(() => { settled += 1; }) counts on purpose */
    },
    {
        files: ['tests/integration/security.test.mjs'],
        rules: { 'no-unused-labels': 'off' },        /* test_tls: labels a block */
    },
    {
        files: ['tests/integration/bad_input.test.mjs'],
        rules: { 'no-useless-assignment': 'off' },   /* let client = null, then assigned */
    },
    {
        files: ['tests/integration/nginx.test.mjs'],
        rules: { 'no-regex-spaces': 'off' },         /* '\n    listen' in a regex */
    },
];
