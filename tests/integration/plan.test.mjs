/* plan.test.mjs: the `chatadmin plan` calculator (contract v2 §6): one line
 * of output in the stated format, the fewest-slots form, and a usage error
 * (exit 2, one line on stderr) for every bad or missing number. The period
 * form (--from/--to) is not there yet and says so. No daemon is started. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHATADMIN, configText, run } from './harness.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-plan-'));
const cfg = path.join(dir, 'chatd.conf');
fs.writeFileSync(cfg, configText(path.join(dir, 'var')));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const plan = (args) => run(CHATADMIN, ['plan', ...args]);
const planWithConfig = (args) => run(CHATADMIN, ['--config', cfg, 'plan', ...args]);

const LINE = /^answered_share=\d\.\d{3} wait_share=\d\.\d{3} mean_wait_s=(\d+\.\d|inf)\n$/;

/* The published Erlang C example (pyworkforce README, Call Centre Helper):
 * 100 chats per 30 min of 3 min, 14 slots: 88.8% within 20 s, 17.4% wait. */
const PUBLISHED = ['--arrivals-per-hour', '200', '--handle-s', '180', '--target-wait', '20'];

test('plan with --slots prints one line: answered, within target, mean wait', async () => {
    for (const run_ of [plan, planWithConfig]) {
        const r = await run_([...PUBLISHED, '--slots', '14']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'answered_share=1.000 wait_share=0.888 mean_wait_s=7.8\n');
        assert.equal(r.stderr, '');
    }
});

test('plan without --slots prints the fewest slots that meet --target-share', async () => {
    let r = await plan(PUBLISHED);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'slots=14 answered_share=1.000 wait_share=0.888 mean_wait_s=7.8\n');
    r = await plan([...PUBLISHED, '--target-share', '0.95']);
    assert.equal(r.code, 0, r.stderr);
    const m = /^slots=(\d+) (answered_share=.*)$/s.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) > 14, r.stdout);
    assert.match(m[2], LINE);
});

test('plan with --patience-s uses Erlang A; overload without it is unbounded', async () => {
    let r = await plan(['--arrivals-per-hour', '12', '--handle-s', '1200', '--patience-s', '600', '--slots', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, LINE);
    const answered = Number(/answered_share=([\d.]+)/.exec(r.stdout)[1]);
    assert.ok(answered > 0.5 && answered < 1, r.stdout); /* some leave before a slot frees */
    r = await plan(['--arrivals-per-hour', '600', '--handle-s', '120', '--slots', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'answered_share=0.250 wait_share=0.000 mean_wait_s=inf\n');
});

test('plan refuses a bad or missing number with one line and exit 2', async () => {
    const base = ['--arrivals-per-hour', '10', '--handle-s', '600'];
    const bad = [
        [['--handle-s', '600', '--slots', '2'], /--arrivals-per-hour/],
        [['--arrivals-per-hour', '10', '--slots', '2'], /--handle-s/],
        [['--arrivals-per-hour', 'ten', '--handle-s', '600'], /bad --arrivals-per-hour "ten"/],
        [['--arrivals-per-hour', '-1', '--handle-s', '600'], /bad --arrivals-per-hour "-1"/],
        [['--arrivals-per-hour', '10', '--handle-s', '0'], /bad --handle-s "0"/],
        [['--arrivals-per-hour', '10', '--handle-s', 'nan'], /bad --handle-s "nan"/],
        [['--arrivals-per-hour', '10', '--handle-s', '1e999'], /bad --handle-s "1e999"/],
        [['--arrivals-per-hour', '10', '--handle-s'], /--handle-s needs a number/],
        [[...base, '--slots', '2.5'], /bad --slots "2.5"/],
        [[...base, '--slots', '-1'], /bad --slots "-1"/],
        [[...base, '--slots', '1001'], /bad --slots "1001"/],
        [[...base, '--patience-s', '0', '--slots', '2'], /bad --patience-s "0"/],
        [[...base, '--target-wait', '-5'], /bad --target-wait "-5"/],
        [[...base, '--target-share', '0'], /bad --target-share "0"/],
        [[...base, '--target-share', '1.5'], /bad --target-share "1.5"/],
        [[...base, '--slots', '2', '--target-share', '0.9'], /--target-share/],
        [[...base, '--sloth', '2'], /unknown plan option "--sloth"/],
    ];
    for (const [args, why] of bad) {
        for (const run_ of [plan, planWithConfig]) {
            const r = await run_(args);
            assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, ${r.stdout}${r.stderr}`);
            assert.equal(r.stdout, '');
            assert.match(r.stderr, /^chatadmin: [^\n]+\n$/, `${args.join(' ')}: one line`);
            assert.match(r.stderr, why);
        }
    }
});

test('plan --from/--to reads the database: without a config it is a usage error', async () => {
    const bare = await plan(['--from', '2026-01-05', '--to', '2026-02-01']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--config/);
    const r = await planWithConfig(['--from', '2026-01-05', '--to', '2026-02-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], 'topic,dow,hour,weeks,arrivals_per_h,handle_s,patience_s,'
        + 'slots_had,answered_share,slots_needed,answered_share_at_needed,wait_share_at_needed,'
        + 'gain_per_slot,thin,open,short', 'the header, and no rows in an empty database');
    assert.equal(r.stdout.split('\n').filter(Boolean).length, 1);
    for (const [args, why] of [
        [['--from', '2026-01-05'], /needs both --from DATE and --to DATE/],
        [['--from', '2026-02-05', '--to', '2026-02-01'], /before --from/],
        [['--from', '2026-01-05', '--to', '2026-02-01', '--format', 'xml'], /csv or json/],
        [['--from', '2026-01-05', '--to', '2026-02-01', '--topic', 'nope'], /unknown topic/],
        [['--from', '2026-01-05', '--to', '2026-02-01', '--target-share', '0'], /target-share/],
    ]) {
        const bad = await planWithConfig(args);
        assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
        assert.match(bad.stderr, why);
    }
});

test('the usage text lists plan', async () => {
    const r = await run(CHATADMIN, []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /plan --arrivals-per-hour X --handle-s H \[--patience-s P\] --slots N/);
    assert.match(r.stderr, /--target-share P/);
});
