/* alerts.test.mjs: contract v3 §2 with real clients: alerts with a life
 * (an id, one open alert a chat, taken and closed by a supervisor, closed
 * with their chat, kept for a reloaded board, at most 10 a worker an hour,
 * the no-first-reply alert to its own worker too, a flood that cannot
 * close a board tab), labels (short numbers per topic and day that go on
 * after a restart), `monitored` to the chat's worker, and canned replies
 * per language. */
import assert from 'node:assert/strict';
import {
    ALICE, ISO_TS, addWorker, advanceUntil, connect, request, scenario, spawnChatd, step, visitorHello, workerLogin,
    workerOnDutyAs,
} from './harness.mjs';

const CORA = { user: 'cora', password: 'cora-password-1', alias: 'Cora' };
const DAN = { user: 'dan', password: 'dan-password-1', alias: 'Dan' };

async function supervisor(srv, creds = CORA, role = 'coordinator') {
    await addWorker(srv, creds, role);
    return workerLogin(srv.port, creds.user, creds.password);
}

/* A visitor (hello extra: e.g. lang) who joins topic and is answered by w;
 * the worker's chat_started. */
async function answered(srv, w, { topic = 'youth', hello = {} } = {}) {
    const v = await visitorHello(srv.port, hello);
    assert.equal((await request(v, { type: 'join', topic })).type, 'queued');
    const started = await w.next('chat_started');
    await v.next('chat_started');
    return { v, started };
}

const alertOf = (id, pred = () => true) => {
    const m = (x) => x.type === 'alert' && x.alert === id && pred(x);
    m.label = `an alert ${id}`;
    return m;
};

scenario('an alert has an id, is raised again on its chat, taken, closed, and shown again to a reloaded board', async (srv) => {
    const sup = await supervisor(srv);
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const { started: s1 } = await answered(srv, w);
    const { started: s2 } = await answered(srv, w);
    assert.equal((await request(sup, { type: 'board', on: true })).type, 'board');
    let id;
    await step('a worker\'s alert: ack with its id, the board gets the whole alert', async () => {
        const ack = await request(w, { type: 'alert', chat: s1.chat, note: 'risk of harm' });
        assert.equal(ack.type, 'ack');
        assert.equal(ack.supervisors, 1);
        assert.equal(typeof ack.alert, 'string');
        id = ack.alert;
        const a = await sup.next(alertOf(id));
        assert.deepEqual({ chat: a.chat, label: a.label, topic: a.topic, worker: a.worker, kind: a.kind, note: a.note, taken_by: a.taken_by },
            { chat: s1.chat, label: s1.label, topic: 'youth', worker: 'Alice', kind: 'worker', note: 'risk of harm', taken_by: null });
        assert.match(a.at, ISO_TS);
    });
    await step('a second alert on the same chat updates it: same id, new note and time', async () => {
        await srv.advance(5);
        const ack = await request(w, { type: 'alert', chat: s1.chat, note: 'now please' });
        assert.equal(ack.alert, id);
        const a = await sup.next(alertOf(id));
        assert.equal(a.note, 'now please');
        const b = await sup.next((x) => x.type === 'board' && x.alerts.length === 1 && x.alerts[0].note === 'now please', { timeout: 2000 });
        assert.equal(b.alerts[0].alert, id);
    });
    let other;
    await step('an alert on another chat is another alert', async () => {
        const ack = await request(w, { type: 'alert', chat: s2.chat });
        other = ack.alert;
        assert.notEqual(other, id);
        const a = await sup.next(alertOf(other));
        assert.equal(a.note, null);
        assert.equal(a.label, s2.label);
        assert.notEqual(s1.label, s2.label, 'two chats of a topic have two labels');
    });
    await step('take: ack, the worker learns who is coming, the board shows it taken', async () => {
        assert.equal((await request(sup, { type: 'alert_take', alert: id })).type, 'ack');
        const t = await w.next('alert_taken');
        assert.deepEqual({ alert: t.alert, chat: t.chat, label: t.label, by: t.by }, { alert: id, chat: s1.chat, label: s1.label, by: 'Cora' });
        const a = await sup.next(alertOf(id, (x) => x.taken_by === 'Cora'));
        assert.equal(a.note, 'now please');
    });
    await step('a reloaded board (a new tab) shows both open alerts, one taken', async () => {
        const tab = await workerLogin(srv.port, CORA.user, CORA.password);
        const b = await request(tab, { type: 'board', on: true });
        assert.deepEqual(b.alerts.map((a) => [a.alert, a.taken_by]).sort(), [[id, 'Cora'], [other, null]].sort());
        const open = b.alerts.find((a) => a.alert === id);
        assert.deepEqual({ chat: open.chat, label: open.label, kind: open.kind, worker: open.worker }, { chat: s1.chat, label: s1.label, kind: 'worker', worker: 'Alice' });
        tab.close();
    });
    await step('close: ack, boards and the worker told, gone from the board', async () => {
        assert.equal((await request(sup, { type: 'alert_close', alert: id })).type, 'ack');
        const c = await sup.next((x) => x.type === 'alert_closed' && x.alert === id);
        assert.deepEqual({ by: c.by, reason: c.reason, chat: c.chat }, { by: 'Cora', reason: 'closed', chat: s1.chat });
        assert.equal((await w.next('alert_closed')).alert, id);
        const tab = await workerLogin(srv.port, CORA.user, CORA.password);
        const b = await request(tab, { type: 'board', on: true });
        assert.deepEqual(b.alerts.map((a) => a.alert), [other]);
        tab.close();
    });
    await step('taking or closing a closed alert: bad_state; an unknown one: not found', async () => {
        assert.equal((await request(sup, { type: 'alert_take', alert: id })).code, 'bad_state');
        assert.equal((await request(sup, { type: 'alert_close', alert: id })).code, 'bad_state');
        const unknown = await request(sup, { type: 'alert_take', alert: 'no-such-alert' });
        assert.equal(unknown.type, 'error');
        assert.match(unknown.message, /not found/);
        assert.ok(['bad_request', 'not_found'].includes(unknown.code), unknown.code);
    });
    await step('a new alert on the chat after its alert was closed has a new id', async () => {
        const ack = await request(w, { type: 'alert', chat: s1.chat, note: 'again' });
        assert.notEqual(ack.alert, id);
        id = ack.alert;
        await sup.next(alertOf(id));
    });
    await step('an alert closes by itself when its chat ends: boards and worker told', async () => {
        assert.equal((await request(w, { type: 'end', chat: s1.chat })).type, 'chat_ended');
        const c = await sup.next((x) => x.type === 'alert_closed' && x.alert === id);
        assert.deepEqual({ by: c.by, reason: c.reason }, { by: null, reason: 'chat_ended' });
        await w.next((x) => x.type === 'alert_closed' && x.alert === id);
        const b = await request(sup, { type: 'board', on: true });
        assert.deepEqual(b.alerts.map((a) => a.alert), [other]);
        assert.equal((await request(sup, { type: 'alert_take', alert: id })).code, 'bad_state');
    });
    await step('only supervisors take or close', async () => {
        assert.equal((await request(w, { type: 'alert_take', alert: other })).code, 'forbidden');
        assert.equal((await request(w, { type: 'alert_close', alert: other })).code, 'forbidden');
    });
});

scenario('the worker gets the no-first-reply alert of its own chat', { topics: { youth: { first_reply_s: 4 } } }, async (srv) => {
    const sup = await supervisor(srv);
    await request(sup, { type: 'board', on: true });
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const { started } = await answered(srv, w);
    const { msg: mine } = await advanceUntil(srv, w, (m) => m.type === 'alert', { max: 8 });
    assert.deepEqual({ chat: mine.chat, label: mine.label, kind: mine.kind, worker: mine.worker, note: mine.note },
        { chat: started.chat, label: started.label, kind: 'no_first_reply', worker: 'Alice', note: 'no first reply' });
    const theirs = await sup.next(alertOf(mine.alert));
    assert.equal(theirs.kind, 'no_first_reply');
    const ack = await request(w, { type: 'alert', chat: started.chat, note: 'help' });
    assert.equal(ack.alert, mine.alert, 'one open alert a chat: the worker\'s raises it again');
    assert.equal((await sup.next(alertOf(mine.alert))).kind, 'worker');
});

/* pings an hour apart: one advance moves the clock past the hour */
scenario('at most 10 alerts a worker an hour on the test clock, raised again or not', { server: { ping_interval_s: 3600, idle_timeout_s: 7200 } }, async (srv) => {
    const sup = await supervisor(srv);
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const { started: a } = await answered(srv, w);
    const { started: b } = await answered(srv, w);
    await request(sup, { type: 'board', on: true });
    for (let i = 1; i <= 10; i++) {
        const ack = await request(w, { type: 'alert', chat: i % 2 ? a.chat : b.chat, note: `n${i}` });
        assert.equal(ack.type, 'ack', `alert ${i}: ${JSON.stringify(ack)}`);
    }
    assert.equal((await request(w, { type: 'alert', chat: a.chat, note: 'n11' })).code, 'rate_limited');
    await srv.advance(3601);
    assert.equal((await request(w, { type: 'alert', chat: a.chat, note: 'n12' })).type, 'ack');
});

scenario('30,000 alerts in a moment cannot close a supervisor\'s board tab', { timeout: 120000 }, async (srv) => {
    const sup = await supervisor(srv);
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const { started } = await answered(srv, w);
    assert.equal((await request(sup, { type: 'board', on: true })).type, 'board');
    const frame = JSON.stringify({ type: 'alert', chat: started.chat, note: 'x'.repeat(200) });
    for (let i = 0; i < 30000; i++) w.ws.send(frame);
    /* chatd has read them all when it answers the ping behind them (or
     * hung up on the flooder, which it may) */
    w.send({ type: 'ping', ref: 'after-the-flood' });
    await Promise.race([w.closed, w.next((m) => m.ref === 'after-the-flood', { timeout: 90000 })]);
    await sup.roundTrip();
    assert.equal(sup.closeInfo, null, 'the board tab is open');
    const alerts = sup.buffer.filter((m) => m.type === 'alert');
    assert.ok(alerts.length >= 1 && alerts.length <= 10, `${alerts.length} alert frames`);
    const b = await request(sup, { type: 'board', on: true });
    assert.equal(b.alerts.length, 1, 'one open alert for the chat');
});

scenario('labels: short numbers per topic and day, the same on every frame, going on after a restart',
    { topics: { youth: {}, parents: { audience: 'parent' } } }, async (srv) => {
        const sup = await supervisor(srv);
        const w = await workerOnDutyAs(srv.port, ALICE, ['youth', 'parents'], 5);
        const youth = [];
        for (let i = 0; i < 3; i++) youth.push(await answered(srv, w));
        const parents = await answered(srv, w, { topic: 'parents' });
        await step('sequential in a topic, from 1; another topic counts on its own', async () => {
            assert.deepEqual(youth.map((c) => c.started.label), ['1', '2', '3']);
            assert.equal(parents.started.label, '1');
        });
        await step('the board names each chat by its label', async () => {
            const b = await request(sup, { type: 'board', on: true });
            const labels = Object.fromEntries(b.chats.map((c) => [c.chat, `${c.topic}#${c.label}`]));
            assert.deepEqual(labels, {
                [youth[0].started.chat]: 'youth#1', [youth[1].started.chat]: 'youth#2', [youth[2].started.chat]: 'youth#3',
                [parents.started.chat]: 'parents#1',
            });
        });
        await step('a monitor sees the label too', async () => {
            const m = await request(sup, { type: 'monitor', chat: youth[1].started.chat, on: true });
            assert.equal(m.label, '2');
        });
        assert.equal((await request(w, { type: 'end', chat: youth[2].started.chat })).type, 'chat_ended');
        await srv.kill();
        const d = spawnChatd(srv.cfg);
        srv.port = await d.ready;
        try {
            const w2 = await connect(srv.port, 'worker.v1');
            await step('a chat in progress keeps its label over the restart', async () => {
                assert.equal((await request(w2, { type: 'login', token: w.welcome.token })).type, 'welcome');
                const back = [await w2.next('chat_started'), await w2.next('chat_started'), await w2.next('chat_started')];
                assert.deepEqual(Object.fromEntries(back.map((s) => [s.chat, s.label])), {
                    [youth[0].started.chat]: '1', [youth[1].started.chat]: '2', [parents.started.chat]: '1',
                });
            });
            await step('numbers go on after the restart', async () => {
                assert.equal((await request(w2, { type: 'duty', on: true, topics: ['youth', 'parents'], capacity: 5 })).type, 'duty');
                const { started } = await answered(srv, w2);
                assert.equal(started.label, '4', 'numbers go on after the restart (3 was given before it)');
                const p = await answered(srv, w2, { topic: 'parents' });
                assert.equal(p.started.label, '2');
            });
        } finally {
            await d.stop();
        }
    });

scenario('monitored: the worker is told who follows its chat whenever that changes', async (srv) => {
    const cora = await supervisor(srv);
    const dan = await supervisor(srv, DAN, 'admin');
    const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 2);
    const { started } = await answered(srv, w);
    const id = started.chat;
    const told = async (by) => {
        const m = await w.next('monitored');
        assert.deepEqual({ chat: m.chat, label: m.label, by: m.by }, { chat: id, label: started.label, by });
    };
    await step('monitor on', async () => {
        assert.equal((await request(cora, { type: 'monitor', chat: id, on: true })).type, 'chat_started');
        await told(['Cora']);
    });
    await step('a console tab opened later reads it in chat_started', async () => {
        const tab = await workerLogin(srv.port);
        const s = await tab.next('chat_started');
        assert.deepEqual(s.monitored_by, ['Cora']);
        tab.close();
        await tab.closed;
    });
    await step('a second supervisor', async () => {
        await request(dan, { type: 'monitor', chat: id, on: true });
        await told(['Cora', 'Dan']);
    });
    await step('a second tab of the same supervisor changes nothing', async () => {
        const again = await workerLogin(srv.port, DAN.user, DAN.password);
        await request(again, { type: 'monitor', chat: id, on: true });
        await w.expectNone('monitored');
        again.close();
        await again.closed;
        await w.expectNone('monitored');
    });
    await step('join_chat keeps the list (a joined supervisor follows it)', async () => {
        assert.equal((await request(cora, { type: 'join_chat', chat: id })).type, 'ack');
        await w.expectNone('monitored');
    });
    await step('monitor off', async () => {
        assert.equal((await request(dan, { type: 'monitor', chat: id, on: false })).type, 'ack');
        await told(['Cora']);
    });
    await step('the monitoring tab closes: Cora joined and still writes, so she stays', async () => {
        cora.close();
        await cora.closed;
        await w.expectNone('monitored');
    });
    await step('a tab that only monitored closes: nobody follows', async () => {
        const tab = await workerLogin(srv.port, DAN.user, DAN.password);
        await request(tab, { type: 'monitor', chat: id, on: true });
        await told(['Cora', 'Dan']);
        tab.close();
        await tab.closed;
        await told(['Cora']);
    });
});

scenario('canned replies per language: the worker is offered those of the chat\'s language',
    { extra: '[canned]\nreply = Hei, miten voin auttaa?\n\n[canned sv]\nreply = Hej, hur kan jag hjälpa?\nreply = Tack för att du skrev.\n' },
    async (srv) => {
        const w = await workerOnDutyAs(srv.port, ALICE, ['youth'], 3);
        await step('the welcome keeps the [canned] list and adds each language\'s', async () => {
            assert.deepEqual(w.welcome.canned, ['Hei, miten voin auttaa?']);
            assert.deepEqual(w.welcome.canned_langs, { sv: ['Hej, hur kan jag hjälpa?', 'Tack för att du skrev.'] });
        });
        await step('a Swedish chat: the Swedish list', async () => {
            const { started } = await answered(srv, w, { hello: { lang: 'sv' } });
            assert.equal(started.lang, 'sv');
            assert.deepEqual(started.canned, ['Hej, hur kan jag hjälpa?', 'Tack för att du skrev.']);
        });
        await step('a language without its own list, or none: the [canned] list', async () => {
            const { started: en } = await answered(srv, w, { hello: { lang: 'en' } });
            assert.deepEqual(en.canned, ['Hei, miten voin auttaa?']);
            const { started: none } = await answered(srv, w);
            assert.deepEqual(none.canned, ['Hei, miten voin auttaa?']);
        });
    });
