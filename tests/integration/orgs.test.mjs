/* orgs.test.mjs: contract v3 §4, the ground of a federation: [org ID]
 * sections in the config, users in orgs (chatadmin user add --org, user
 * list), duty only for one's orgs' topics, and an installation without
 * [org] sections that has one org, main. Routing between orgs, scopes and
 * per-org pages have their own tests (federation, authz, pages). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
    ALICE, BOB, addWorker, request, scenario, workerLogin, workerOnDutyAs,
} from './harness.mjs';

const ORGS = `[org east]
name_fi = Itä
name_sv = Öst
name_en = East
overflow_to = west
[org west]
name_en = West
`;
const TWO_ORGS = {
    topics: { youth_e: { org: 'east' }, youth_w: { org: 'west' } },
    extra: ORGS,
    aliceOrgs: 'east',
};

scenario('chatadmin puts users in orgs, checks --org against the config and lists each user\'s orgs', TWO_ORGS, async (srv) => {
    const none = await srv.admin(['user', 'add', 'bob', '--role', 'worker'], BOB.password);
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /several orgs: say which with --org/);
    const unknown = await srv.admin(['user', 'add', 'bob', '--role', 'worker', '--org', 'east,north'], BOB.password);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown org "north"/);
    const star = await srv.admin(['user', 'add', 'bob', '--role', 'coordinator', '--org', '*'], BOB.password);
    assert.equal(star.code, 2);
    assert.match(star.stderr, /only for --role admin/);
    await addWorker(srv, BOB, 'coordinator', 'west, east,west');
    await addWorker(srv, { user: 'fede', password: 'fede-password-1', alias: 'Fede' }, 'admin', '*');
    const list = await srv.admin(['user', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n'),
        ['alice worker Alice east', 'bob coordinator Bob west,east', 'fede admin Fede *']);
});

scenario('a worker goes on duty for its own orgs\' topics only', TWO_ORGS, async (srv) => {
    const w = await workerLogin(srv.port);
    const other = await request(w, { type: 'duty', on: true, topics: ['youth_e', 'youth_w'], capacity: 1 });
    assert.equal(other.type, 'error');
    assert.equal(other.code, 'forbidden');
    const own = await request(w, { type: 'duty', on: true, topics: ['youth_e'], capacity: 1 });
    assert.equal(own.type, 'duty', JSON.stringify(own));
    assert.deepEqual(own.topics, ['youth_e']);
    await addWorker(srv, BOB, 'worker', 'west');
    const b = await workerOnDutyAs(srv.port, BOB, ['youth_w'], 1);
    const bad = await request(b, { type: 'duty', on: true, topics: ['youth_e'], capacity: 1 });
    assert.equal(bad.code, 'forbidden');
});

scenario('a config without [org] has one org, main, that every user and topic is in', async (srv) => {
    const list = await srv.admin(['user', 'list']);
    assert.equal(list.stdout.trim(), `${ALICE.user} worker ${ALICE.alias} main`);
    const bad = await srv.admin(['user', 'add', 'bob', '--role', 'worker', '--org', 'east'], BOB.password);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown org "east"/);
    await workerOnDutyAs(srv.port, ALICE, ['youth'], 1);
});

scenario('a topic naming an org the config lacks is refused with the line at fault', TWO_ORGS, async (srv) => {
    const text = fs.readFileSync(srv.cfg, 'utf8').replace('org = west', 'org = north');
    fs.writeFileSync(srv.cfg, text);
    await srv.stop();
    const check = await srv.admin(['user', 'list']);
    assert.notEqual(check.code, 0);
    assert.match(check.stderr, /chatd\.conf:\d+: topic youth_w names unknown org "north"/);
});
