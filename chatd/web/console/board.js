/* board.js: the supervisors' live board in the console (contract v2 §3), as
 * Board. Coordinators and admins only: a worker's requests here are
 * forbidden by the daemon, and the console shows a worker none of this.
 *
 * The board is subscribed to once per login (`board` {on: true}) and kept on
 * while the supervisor looks at the other view, so that alerts still come.
 * Each pushed `board` frame replaces the tables: queues, workers and chats.
 * Its times are absolute, so the page ticks every age itself once a second,
 * in place (rebuilding a table would take the keyboard focus away); a chat
 * whose visitor has waited more than LATE_S for a reply is marked then, in
 * words and with a sign, not by colour alone.
 * Alerts have a life (contract v3 §2): each `alert` {alert, chat, label,
 * topic, worker, kind, note, at, taken_by} is one item of the list, with a
 * short tone and, where the user allowed them on a click, a desktop
 * notification when it is new (or newly raised again). A supervisor takes
 * it (`alert_take`: the worker is told who is coming, the list says
 * "Taken by Anna") and closes it (`alert_close`); the daemon closes it
 * itself when its chat ends; `alert_closed` takes it off every board. Every `board` frame carries the open alerts,
 * so a reloaded board shows them again and an ended chat's alert goes.
 * Chats are named by label and topic ("#12 · Youth chat"), never by id;
 * following an alert whose chat has ended says so plainly, not as an
 * error.
 *
 * A supervisor follows a chat with `monitor` {chat, on}: its `chat_started`
 * (monitoring: true, with the history, whispers included) opens a read-only
 * panel, and the chat's `msg`, `typing`, `whisper` and `chat_ended` follow.
 * From the panel it whispers to the worker (`whisper`, shown to staff only)
 * and may join the chat (`join_chat`), after which it writes to the visitor
 * under its own alias. After a reconnect the board, every followed chat and
 * every joined one are asked for again. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { following } from './follow.js';
import { boardTables } from './boardview.js';

var MAX_ALERTS = 50;

var t = I18N.t;
var $ = Chat.$;

/* ctx: sock; me() -> {alias, role} or null; topicTitle(id);
 * announce(text) (polite), alarm(text) (assertive); badge(n): alerts not
 * seen because another view is shown. */
function Board(ctx) {
  this.ctx = ctx;
  this.data = null;            /* the last board frame */
  this.mons = {};              /* chat id -> followed chat, see follow() */
  this.monOrder = [];
  this.refs = {};              /* ref -> {kind, chat} of board, monitor, join_chat */
  this.alerts = [];            /* open alerts, newest first, see alertOf() */
  this.counter = 0;
  this.visible = false;
  this.unseen = 0;
  this.timer = null;
  this.bind();
}

/* ---- wiring ---- */

Board.prototype.bind = function () {
  var self = this;
  $('board-notify').addEventListener('click', function () {
    if (!window.Notification || Notification.permission !== 'default') return;
    var asked = Notification.requestPermission(function () { self.renderNotify(); });
    if (asked && asked.then) asked.then(function () { self.renderNotify(); });
  });
  $('board-sound').addEventListener('change', function () {
    if ($('board-sound').checked) Staff.tone([660]);
  });
  this.renderNotify();
};

/* Logged in as a supervisor (again): subscribe and follow what was followed. */
Board.prototype.start = function () {
  var sock = this.ctx.sock;
  var ref = 'board' + sock.nextRef();
  this.refs[ref] = { kind: 'board' };
  sock.send({ type: 'board', on: true, ref: ref });
  for (var i = 0; i < this.monOrder.length; i++) {
    var mon = this.mons[this.monOrder[i]];
    if (!mon.ended) this.ask(mon.id, false);
  }
  if (!this.timer) this.timer = window.setInterval(this.tick.bind(this), 1000);
};

/* The connection is gone: followed chats wait for start() again. */
Board.prototype.lost = function () {
  for (var id in this.mons) {
    if (!Object.prototype.hasOwnProperty.call(this.mons, id)) continue;
    this.mons[id].conv.forgetTyping();
    this.mons[id].conv.failPending();
    this.controls(this.mons[id]);
  }
};

/* Logged out: nothing of the shift stays on screen. */
Board.prototype.stop = function () {
  if (this.timer) window.clearInterval(this.timer);
  this.timer = null;
  for (var id in this.mons) {
    if (Object.prototype.hasOwnProperty.call(this.mons, id)) this.mons[id].conv.typingStop();
  }
  this.data = null;
  this.mons = {};
  this.monOrder = [];
  this.refs = {};
  this.alerts = [];
  this.unseen = 0;
  this.ctx.badge(0);
  $('monitors').textContent = '';
  this.render();
};

/* The board view is shown (on) or not. */
Board.prototype.show = function (on) {
  this.visible = on;
  if (on) {
    this.unseen = 0;
    this.ctx.badge(0);
    this.tick();
  }
};

/* ---- incoming ---- */

Board.prototype.onBoard = function (m) {
  if (m.ref !== undefined) delete this.refs[m.ref];
  this.data = {
    topics: Array.isArray(m.topics) ? m.topics : [],
    workers: Array.isArray(m.workers) ? m.workers : [],
    chats: Array.isArray(m.chats) ? m.chats : []
  };
  var self = this;
  if (Array.isArray(m.alerts)) {
    /* the open alerts, as the daemon keeps them */
    var old = this.alerts;
    this.alerts = m.alerts.map(function (x) { return self.alertOf(x, old); })
      .filter(function (a) { return a !== null; });
    this.sortAlerts();
  } else {
    /* a daemon without alerts in its board: an ended chat's alerts go */
    this.alerts = this.alerts.filter(function (a) { return self.boardChat(a.chat) !== null; });
  }
  this.render();
};

/* An alert frame or board.alerts item as the list keeps it (its number
 * n kept from an item with the same id in old), or null. A daemon of v2
 * sends no id, kind or at: its alerts get a number of their own and
 * cannot be taken or closed. */
Board.prototype.alertOf = function (m, old) {
  if (!m || typeof m !== 'object' || typeof m.chat !== 'string') return null;
  var id = typeof m.alert === 'string' && m.alert ? m.alert : (typeof m.alert === 'number' ? String(m.alert) : null);
  var prev = null;
  var list = id !== null && old ? old : [];
  for (var i = 0; i < list.length; i++) {
    if (list[i].id === id) prev = list[i];
  }
  if (!prev) this.counter += 1;
  var legacyNoReply = m.note === 'no first reply';
  return {
    id: id,
    n: prev ? prev.n : this.counter,
    chat: m.chat,
    label: typeof m.label === 'string' || typeof m.label === 'number' ? String(m.label) : null,
    topic: m.topic,
    worker: typeof m.worker === 'string' ? m.worker : '',
    kind: m.kind === 'no_first_reply' || legacyNoReply ? 'no_first_reply' : 'worker',
    note: typeof m.note === 'string' && !legacyNoReply ? m.note : '',
    at: typeof m.at === 'string' ? m.at : m.ts,
    taken_by: typeof m.taken_by === 'string' && m.taken_by ? m.taken_by : null
  };
};

Board.prototype.sortAlerts = function () {
  this.alerts.sort(function (a, b) { return String(b.at).localeCompare(String(a.at)) || b.n - a.n; });
  if (this.alerts.length > MAX_ALERTS) this.alerts.length = MAX_ALERTS;
};

Board.prototype.findAlert = function (id) {
  if (id === null || id === undefined) return null;
  for (var i = 0; i < this.alerts.length; i++) {
    if (this.alerts[i].id === id) return this.alerts[i];
  }
  return null;
};

/* A pushed alert: new (a tone, a notification, the badge), raised again
 * (the same), taken (words only) or closed (m.closed: it goes). */
Board.prototype.onAlert = function (m) {
  var a = this.alertOf(m, this.alerts);
  if (!a) return;
  var prev = this.findAlert(a.id);
  if (m.closed === true || m.state === 'closed') {
    if (prev) this.dropAlert(prev);
    return;
  }
  var raised = !prev || prev.at !== a.at;
  if (prev) this.alerts.splice(this.alerts.indexOf(prev), 1);
  this.alerts.push(a);
  this.sortAlerts();
  this.renderAlerts();
  if (!raised) return;
  var text = this.alertText(a);
  this.ctx.alarm(text);
  if ($('board-sound').checked) Staff.tone([880, 660, 880]);
  Staff.notify(t('board.notify.title'), text);
  if (!this.visible) {
    this.unseen += 1;
    this.ctx.badge(this.unseen);
  }
};

/* `alert_closed` {alert, chat, label, by, reason}: closed by a supervisor
 * (by) or with its chat (reason chat_ended): it goes from the list. */
Board.prototype.onAlertClosed = function (m) {
  var a = this.findAlert(typeof m.alert === 'string' ? m.alert : null);
  if (a) this.dropAlert(a);
};

/* Takes the alert (the worker is told we are coming) or closes it. */
Board.prototype.alertAct = function (a, kind) {
  var sock = this.ctx.sock;
  var ref = kind + sock.nextRef();
  if (!sock.send({ type: kind === 'take' ? 'alert_take' : 'alert_close', alert: a.id, ref: ref })) return;
  this.refs[ref] = { kind: kind, alert: a.id };
};

Board.prototype.alertDone = function (r) {
  var a = this.findAlert(r.alert);
  if (!a) return;
  if (r.kind === 'take') {
    var me = this.ctx.me();
    a.taken_by = me ? me.alias : a.taken_by;
    this.renderAlerts();
    this.say(t('board.alert.took', { chat: this.chatName(a) }));
  } else {
    this.say(t('board.alert.closed', { chat: this.chatName(a) }));
    this.dropAlert(a, true);
  }
};

/* The alert goes from the list; with focus, the keyboard goes on to the
 * next alert's first button, or to the alerts' heading. */
Board.prototype.dropAlert = function (a, focus) {
  var at = this.alerts.indexOf(a);
  if (at < 0) return;
  var ol = $('board-alerts');
  var had = focus || ol.contains(document.activeElement);
  this.alerts.splice(at, 1);
  this.renderAlerts();
  if (!had) return;
  var items = ol.querySelectorAll('li.alert-item');
  var next = items[Math.min(at, items.length - 1)];
  var b = next ? next.querySelector('button:not([hidden])') : null;
  if (b) b.focus();
  else $('board-alerts-heading').focus();
};

/* A plain word in the alerts' status line (not an error). */
Board.prototype.say = function (text) {
  $('board-said').textContent = text;
};

/* Follow from an alert: an ended chat is said plainly, and its alert goes. */
Board.prototype.followAlert = function (a) {
  if (this.data && this.boardChat(a.chat) === null) {
    this.say(t('board.alert.ended'));
    this.dropAlert(a, true);
    return;
  }
  this.follow(a.chat);
};

/* "#12 · Youth chat · sv": a chat (or an alert) in words, never its id. */
Board.prototype.chatName = function (x) {
  var bc = x.chat ? this.boardChat(x.chat) : null;
  var label = x.label || (bc && bc.label !== undefined && bc.label !== null ? String(bc.label) : null);
  var lang = x.lang || (bc && typeof bc.lang === 'string' ? bc.lang : null);
  var parts = [];
  if (label) parts.push(t('c.chat.label', { label: label }));
  parts.push(this.ctx.topicTitle(x.topic));
  if (lang) parts.push(lang);
  return parts.join(' · ');
};

/* Whether chat is followed here (its frames belong to this board). */
Board.prototype.has = function (chat) {
  return Object.prototype.hasOwnProperty.call(this.mons, chat);
};

/* chat_started with monitoring: true. */
Board.prototype.onStarted = function (m) {
  var wanted = m.ref !== undefined && this.refs[m.ref] && this.refs[m.ref].kind === 'monitor';
  var focus = wanted && this.refs[m.ref].focus;
  if (m.ref !== undefined) delete this.refs[m.ref];
  var mon = this.mons[m.chat];
  if (!mon) {
    if (!wanted) return;    /* stopped following meanwhile */
    mon = this.newMon(m);
  } else {
    mon.conv.clear();
    mon.ended = false;
  }
  mon.topic = m.topic || mon.topic;
  if (typeof m.label === 'string' || typeof m.label === 'number') mon.label = String(m.label);
  mon.urgent = m.urgent === true;
  mon.away = m.visitor_away === true;
  mon.conv.addHistory(Array.isArray(m.history) ? m.history : []);
  if (mon.joined) this.join(mon);     /* after a reconnect: write again */
  this.renderMon(mon);
  this.controls(mon);
  if (focus) mon.el.querySelector('.chat-title').focus();
};

Board.prototype.onMsg = function (m) {
  var mon = this.mons[m.chat];
  if (!mon || mon.conv.seen(m.seq)) return;
  mon.conv.setOthersTyping(false);
  mon.conv.add(m, 'ok');
};

Board.prototype.onWhisper = function (m) {
  var mon = this.mons[m.chat];
  if (mon) mon.conv.addWhisper(m);
};

Board.prototype.onTyping = function (m) {
  var mon = this.mons[m.chat];
  if (!mon) return;
  mon.typingFrom = m.from;
  mon.conv.setOthersTyping(!!m.on);
};

Board.prototype.onEnded = function (m) {
  var mon = this.mons[m.chat];
  if (!mon || mon.ended) return;
  mon.ended = true;
  mon.conv.typingStop();
  mon.conv.setOthersTyping(false);
  mon.conv.failPending();
  var by = ['visitor', 'worker', 'timeout'].indexOf(m.by) >= 0 ? m.by : 'server';
  mon.conv.system(by === 'visitor' && m.quick === true ? 'c.ended.quick' : 'board.ended.' + by);
  this.renderMon(mon);
  this.controls(mon);
};

/* An ack or error that answers one of the board's requests; false when
 * it answers something else. */
Board.prototype.answer = function (m) {
  if (m.ref === undefined) return false;
  var r = this.refs[m.ref];
  if (r) {
    delete this.refs[m.ref];
    if (m.type === 'error') this.refused(r, m);
    else if (r.kind === 'join') this.joined(r.chat);
    else if (r.kind === 'take' || r.kind === 'close') this.alertDone(r);
    return true;
  }
  for (var id in this.mons) {
    if (!Object.prototype.hasOwnProperty.call(this.mons, id)) continue;
    var conv = this.mons[id].conv;
    if (!conv.pending[m.ref]) continue;
    if (m.type === 'ack') {
      conv.ack(m.ref, m.seq);
    } else {
      conv.fail(m.ref);
      Chat.showErrorFrame(m);
    }
    return true;
  }
  return false;
};

Board.prototype.refused = function (r, m) {
  var mon = r.chat ? this.mons[r.chat] : null;
  if (r.kind === 'monitor' && (m.code === 'bad_state' || m.code === 'not_found')) {
    /* the chat is over: a followed one is marked so, a new one is not
     * shown; said plainly, it is no error of the supervisor's */
    if (mon) this.onEnded({ chat: r.chat, by: 'server' });
    else this.say(t('board.follow.gone'));
    var self = this;
    this.alerts.filter(function (a) { return a.chat === r.chat; }).forEach(function (a) { self.dropAlert(a); });
    return;
  }
  if ((r.kind === 'take' || r.kind === 'close') && (m.code === 'bad_state' || m.code === 'not_found')) {
    var a = this.findAlert(r.alert);
    this.say(t('board.alert.gone'));
    if (a) this.dropAlert(a, true);
    return;
  }
  if (r.kind === 'join' && mon) {
    mon.joining = false;
    this.controls(mon);
  }
  Chat.showErrorFrame(m);
};

/* following a chat (follow.js) and the board's tables (boardview.js) */
Object.assign(Board.prototype, following, boardTables);

export { Board };
