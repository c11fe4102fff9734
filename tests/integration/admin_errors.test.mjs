/* admin_errors.test.mjs: every chatadmin error that comes from the system
 * says the system's reason (issue 25, point 7): a missing directory, a file
 * where a directory should be, a full disk. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHATADMIN, configText, prepare, run } from './harness.mjs';

test('chatadmin says why the system refused: keygen, import, key file, backup, database, output', { timeout: 60000 }, async () => {
    const env = await prepare();
    try {
        const missing = path.join(env.dir, 'missing');
        const file = path.join(env.dir, 'a-file');
        fs.writeFileSync(file, 'x');
        const cases = [
            [['keygen', '--out', path.join(missing, 'keys')], 'passphrase-1',
                /cannot write the key pair into .*missing\/keys: No such file or directory/],
            [['keygen', '--out', file], 'passphrase-1', /cannot write the key pair into .*a-file: Not a directory/],
            [['stats', 'import', path.join(missing, 'x.csv')], '', /cannot read .*x\.csv: No such file or directory/],
            [['transcript', 'show', 'c1', '--key', path.join(missing, 'k')], env.passphrase,
                /cannot read the key file .*missing\/k: No such file or directory/],
            [['backup', path.join(missing, 'b.db')], '', /cannot write the backup .*b\.db: unable to open database file: No such file or directory/],
        ];
        for (const [args, stdin, why] of cases) {
            const r = await env.admin(args, stdin);
            assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
            assert.match(r.stderr, why, args.join(' '));
        }
        /* a data_dir below a file */
        const cfg = path.join(env.dir, 'bad.conf');
        fs.writeFileSync(cfg, configText(path.join(file, 'var')));
        const db = await run(CHATADMIN, ['--config', cfg, 'user', 'list']);
        assert.equal(db.code, 1);
        assert.match(db.stderr, /cannot open the database in .*a-file\/var: Not a directory/);
        /* output to a full disk */
        if (fs.existsSync('/dev/full')) {
            const out = await run('sh', ['-c', `"$0" --config "$1" user list > /dev/full`, CHATADMIN, env.cfg]);
            assert.equal(out.code, 1, 'a list that did not reach its file is an error');
            assert.match(out.stderr, /cannot write the output: No space left on device/);
        }
    } finally {
        env.cleanup();
    }
});
