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
 * words and with a sign, not by colour alone. `alert` frames go into a list,
 * with a short tone and, where the user allowed them on a click, a desktop
 * notification.
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
  this.alerts = [];
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
  this.render();
};

Board.prototype.onAlert = function (m) {
  this.counter += 1;
  this.alerts.unshift({ n: this.counter, chat: m.chat, topic: m.topic, worker: m.worker, note: m.note, ts: m.ts });
  if (this.alerts.length > MAX_ALERTS) this.alerts.length = MAX_ALERTS;
  this.renderAlerts();
  var text = this.alertText(this.alerts[0]);
  this.ctx.alarm(text);
  if ($('board-sound').checked) Staff.tone([880, 660, 880]);
  Staff.notify(t('board.notify.title'), text);
  if (!this.visible) {
    this.unseen += 1;
    this.ctx.badge(this.unseen);
  }
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
  if (r.kind === 'monitor' && m.code === 'bad_state') {
    /* the chat is over: a followed one is marked so, a new one is not shown */
    if (mon) this.onEnded({ chat: r.chat, by: 'server' });
    else Chat.showError(t('board.follow.gone'), m.code);
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
