/* board.js: the supervisors' live board in the console (contract v2 §3), as
 * window.Board. Coordinators and admins only: a worker's requests here are
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

var LATE_S = 180;              /* a visitor waiting this long for a reply stands out */
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
  mon.conv.system('board.ended.' + by);
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

/* ---- following a chat ---- */

/* Follows chat (a button's click): its panel, or the request for it. */
Board.prototype.follow = function (chat) {
  var mon = this.mons[chat];
  if (mon && !mon.ended) {
    mon.el.querySelector('.chat-title').focus();
    return;
  }
  if (mon) this.closeMon(mon);
  this.ask(chat, true);
};

Board.prototype.ask = function (chat, focus) {
  var sock = this.ctx.sock;
  var ref = 'monitor' + sock.nextRef();
  if (!sock.send({ type: 'monitor', chat: chat, on: true, ref: ref })) return;
  this.refs[ref] = { kind: 'monitor', chat: chat, focus: focus };
};

Board.prototype.unfollow = function (mon) {
  var sock = this.ctx.sock;
  if (!mon.ended) {
    var ref = 'unmonitor' + sock.nextRef();
    this.refs[ref] = { kind: 'unmonitor', chat: mon.id };
    sock.send({ type: 'monitor', chat: mon.id, on: false, ref: ref });
  }
  this.closeMon(mon);
  var next = this.monOrder.length ? this.mons[this.monOrder[this.monOrder.length - 1]].el.querySelector('.chat-title') : $('board-chats-heading');
  next.focus();
};

Board.prototype.closeMon = function (mon) {
  mon.conv.typingStop();
  if (mon.el.parentNode) mon.el.parentNode.removeChild(mon.el);
  delete this.mons[mon.id];
  this.monOrder = this.monOrder.filter(function (id) { return id !== mon.id; });
  $('monitors-none').hidden = this.monOrder.length > 0;
  this.renderChats();
};

Board.prototype.join = function (mon) {
  var sock = this.ctx.sock;
  var ref = 'join' + sock.nextRef();
  if (!sock.send({ type: 'join_chat', chat: mon.id, ref: ref })) return;
  this.refs[ref] = { kind: 'join', chat: mon.id };
  mon.joining = true;
  this.controls(mon);
};

Board.prototype.joined = function (chat) {
  var mon = this.mons[chat];
  if (!mon) return;
  var first = !mon.joined;
  mon.joined = true;
  mon.joining = false;
  if (first) mon.conv.system('board.mon.joined.line');
  this.renderMon(mon);
  this.controls(mon);
  if (first) mon.el.querySelector('.mon-input').focus();
};

/* The alias of the chat's worker, as the board has it. */
Board.prototype.workerOf = function (chat) {
  var c = this.boardChat(chat);
  return c ? c.worker : '';
};

Board.prototype.boardChat = function (chat) {
  var list = this.data ? this.data.chats : [];
  for (var i = 0; i < list.length; i++) {
    if (list[i].chat === chat) return list[i];
  }
  return null;
};

Board.prototype.newMon = function (m) {
  var self = this;
  this.counter += 1;
  var mon = {
    id: m.chat, topic: m.topic, n: this.counter, ended: false, joined: false, joining: false,
    urgent: false, away: false, typingFrom: null, el: null, conv: null
  };
  mon.el = this.buildMon(mon);
  mon.conv = new Staff.Conversation({
    log: mon.el.querySelector('.chat-log'),
    typingEl: mon.el.querySelector('.typing'),
    own: 'worker',
    selfIsWorker: false,
    self: function () { var me = self.ctx.me(); return me ? me.alias : ''; },
    workerAlias: function () { return self.workerOf(mon.id); },
    who: function (from) { return from === 'worker' ? t('board.who.you') : t('c.chat.visitor'); },
    typingText: function () {
      return mon.typingFrom === 'visitor' ? t('c.chat.typing') : t('board.typing.worker');
    },
    live: function () { return mon.joined && !mon.ended; },
    sock: this.ctx.sock,
    frame: function (obj) {
      obj.chat = mon.id;
      return obj;
    }
  });
  mon.conv.bind(mon.el.querySelector('.mon-form'), mon.el.querySelector('.mon-input'));
  this.mons[mon.id] = mon;
  this.monOrder.push(mon.id);
  $('monitors').appendChild(mon.el);
  $('monitors-none').hidden = true;
  this.renderChats();
  return mon;
};

function textForm(base, cls, labelKey, rows) {
  var form = document.createElement('form');
  form.className = cls;
  form.noValidate = true;
  var lb = document.createElement('label');
  lb.htmlFor = base;
  var ta = document.createElement('textarea');
  ta.id = base;
  ta.rows = rows;
  ta.maxLength = 4000;
  ta.setAttribute('autocomplete', 'off');
  if (labelKey) lb.setAttribute('data-i18n', labelKey);
  form.appendChild(lb);
  form.appendChild(ta);
  return form;
}

Board.prototype.buildMon = function (mon) {
  var self = this;
  var base = 'mon-' + mon.n;
  var sec = document.createElement('section');
  sec.className = 'chat-panel monitor-panel';
  sec.setAttribute('data-monitor', mon.id);
  sec.setAttribute('aria-labelledby', base + '-title');

  var head = document.createElement('div');
  head.className = 'chat-head';
  var h = document.createElement('h3');
  h.id = base + '-title';
  h.className = 'chat-title';
  h.tabIndex = -1;
  var topic = document.createElement('span');
  topic.className = 'chat-topic';
  h.appendChild(topic);
  var mark = Staff.mark('chat-urgent', '\u26a0', t('c.chat.urgent'));
  mark.hidden = true;
  h.appendChild(document.createTextNode(' '));
  h.appendChild(mark);
  head.appendChild(h);
  var stop = Staff.button('button small secondary mon-stop', 'button', 'board.mon.stop');
  stop.addEventListener('click', function () { self.unfollow(mon); });
  head.appendChild(stop);
  sec.appendChild(head);

  var meta = document.createElement('p');
  meta.className = 'chat-meta mon-meta';
  sec.appendChild(meta);
  Staff.chatBody(sec);

  /* whisper: to the worker (and other supervisors), never the visitor */
  var wf = textForm(base + '-whisper', 'whisper-form', null, 2);   /* labelled in renderMon() */
  var wta = wf.querySelector('textarea');
  wta.className = 'whisper-input';
  var wact = document.createElement('div');
  wact.className = 'actions';
  wact.appendChild(Staff.button('button secondary whisper-send', 'submit', 'board.mon.whisper.send'));
  wf.appendChild(wact);
  wf.addEventListener('submit', function (ev) {
    ev.preventDefault();
    mon.conv.whisperFrom(wta);
  });
  wta.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      mon.conv.whisperFrom(wta);
    }
  });
  sec.appendChild(wf);

  /* join: then a message form that writes to the visitor */
  var jbox = document.createElement('div');
  jbox.className = 'mon-join';
  var jhint = document.createElement('p');
  jhint.className = 'hint mon-join-hint';
  jbox.appendChild(jhint);
  var jb = Staff.button('button secondary mon-join-button', 'button', 'board.mon.join');
  jb.addEventListener('click', function () { self.join(mon); });
  jbox.appendChild(jb);
  sec.appendChild(jbox);

  var mf = textForm(base + '-input', 'chat-form mon-form', 'board.mon.msg.label', 2);
  mf.querySelector('textarea').className = 'chat-input mon-input';
  var mact = document.createElement('div');
  mact.className = 'actions';
  mact.appendChild(Staff.button('button mon-send', 'submit', 'c.chat.send'));
  mf.appendChild(mact);
  mf.hidden = true;
  sec.appendChild(mf);

  var close = Staff.button('button secondary mon-close', 'button', 'c.chat.close');
  close.hidden = true;
  close.addEventListener('click', function () { self.unfollow(mon); });
  sec.appendChild(close);
  I18N.apply(sec);
  return sec;
};

Board.prototype.renderMon = function (mon) {
  var el = mon.el;
  var bc = this.boardChat(mon.id);
  if (bc) {
    mon.urgent = bc.urgent === true;
    mon.away = bc.visitor_away === true;
  }
  var worker = this.workerOf(mon.id);
  var title = this.ctx.topicTitle(mon.topic);
  el.querySelector('.chat-topic').textContent = worker ? t('board.mon.title', { topic: title, worker: worker }) : title;
  el.querySelector('.chat-urgent').hidden = !mon.urgent;
  el.querySelector('.chat-urgent .urgent-text').textContent = t('c.chat.urgent');
  el.classList.toggle('urgent', mon.urgent);
  var me = this.ctx.me();
  el.querySelector('.mon-meta').textContent = t(mon.joined ? 'board.mon.joined' : 'board.mon.readonly', { chat: mon.id });
  el.querySelector('.mon-join-hint').textContent = t('board.mon.join.hint', { alias: me ? me.alias : '' });
  el.querySelector('.chat-log').setAttribute('aria-label', t('c.chat.log', { topic: title }));
  el.querySelector('.whisper-form label').textContent = worker ?
    t('board.mon.whisper.label', { worker: worker }) : t('board.mon.whisper.label.none');
  var st = '';
  if (mon.ended) st = t('c.chat.ended');
  else if (bc && !bc.worker) st = t('board.chat.requeued');
  else if (mon.away) st = t('board.chat.away');
  el.querySelector('.chat-status').textContent = st;
  mon.conv.renderAll();
};

Board.prototype.controls = function (mon) {
  var el = mon.el;
  var up = this.ctx.sock.connected();
  el.classList.toggle('ended', mon.ended);
  el.querySelector('.whisper-form').hidden = mon.ended;
  el.querySelector('.whisper-send').disabled = !up;
  el.querySelector('.mon-join').hidden = mon.ended || mon.joined;
  el.querySelector('.mon-join-button').disabled = !up || mon.joining;
  el.querySelector('.mon-form').hidden = mon.ended || !mon.joined;
  el.querySelector('.mon-send').disabled = !up;
  el.querySelector('.mon-stop').hidden = mon.ended;
  el.querySelector('.mon-close').hidden = !mon.ended;
};

/* ---- rendering the board ---- */

Board.prototype.render = function () {
  this.renderQueues();
  this.renderWorkers();
  this.renderChats();
  this.renderAlerts();
  this.renderNotify();
  for (var i = 0; i < this.monOrder.length; i++) {
    this.renderMon(this.mons[this.monOrder[i]]);
    this.controls(this.mons[this.monOrder[i]]);
  }
  $('board-updated').textContent = this.data ? '' : t('board.loading');
};

function cell(tag, text, cls) {
  var c = document.createElement(tag);
  if (text !== undefined && text !== null) c.textContent = text;
  if (cls) c.className = cls;
  if (tag === 'th') c.scope = 'row';
  return c;
}

/* An age that ticks: a span the tick rewrites from the absolute time. */
function ticking(iso, cls) {
  var s = document.createElement('span');
  s.className = 'tick ' + (cls || '');
  if (iso) s.setAttribute('data-since', iso);
  s.textContent = iso ? Staff.clock(Staff.ago(iso)) : t('board.none');
  return s;
}

/* A table with a caption and column headers (i18n keys). */
function table(captionKey, cols, cls) {
  var tb = document.createElement('table');
  tb.className = 'board-table ' + cls;
  var cap = document.createElement('caption');
  cap.className = 'visually-hidden';
  cap.textContent = t(captionKey);
  tb.appendChild(cap);
  var thead = document.createElement('thead');
  var tr = document.createElement('tr');
  for (var i = 0; i < cols.length; i++) {
    var th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t(cols[i]);
    tr.appendChild(th);
  }
  thead.appendChild(tr);
  tb.appendChild(thead);
  tb.appendChild(document.createElement('tbody'));
  return tb;
}

/* Replaces box's content by build()'s, keeping the focus on the control
 * with the same data-key. */
function rebuild(box, node) {
  var a = document.activeElement;
  var key = a && box.contains(a) ? a.getAttribute('data-key') : null;
  box.textContent = '';
  box.appendChild(node);
  if (key) {
    var again = box.querySelector('[data-key="' + key + '"]');
    if (again) again.focus();
  }
}

function none(key) {
  var p = document.createElement('p');
  p.className = 'muted';
  p.textContent = t(key);
  return p;
}

Board.prototype.renderQueues = function () {
  var box = $('board-queues');
  if (!this.data) {
    box.textContent = '';
    return;
  }
  var tb = table('board.queues.caption', ['board.col.topic', 'board.col.state', 'board.col.waiting',
    'board.col.urgent', 'board.col.oldest'], 'board-queues');
  var body = tb.tBodies[0];
  for (var i = 0; i < this.data.topics.length; i++) {
    var q = this.data.topics[i];
    var tr = document.createElement('tr');
    tr.setAttribute('data-topic', q.id);
    var waiting = Number(q.waiting) || 0;
    var urgent = Number(q.urgent_waiting) || 0;
    if (waiting > 0) tr.className = 'has-waiting';
    tr.appendChild(cell('th', this.ctx.topicTitle(q.id)));
    var st = cell('td', null, 'q-state');
    st.textContent = (q.open ? t('board.q.open') : t('board.q.closed')) + ', ' +
      (q.staffed ? t('board.q.staffed') : t('board.q.nobody'));
    tr.appendChild(st);
    tr.appendChild(cell('td', String(waiting), 'q-waiting num'));
    var ut = cell('td', null, 'q-urgent num');
    if (urgent > 0) ut.appendChild(Staff.mark('', '\u26a0', String(urgent)));
    else ut.textContent = '0';
    tr.appendChild(ut);
    var ot = cell('td', null, 'q-oldest');
    ot.appendChild(ticking(waiting > 0 ? q.oldest_join : null));
    tr.appendChild(ot);
    body.appendChild(tr);
  }
  rebuild(box, this.data.topics.length ? tb : none('board.queues.none'));
};

Board.prototype.renderWorkers = function () {
  var box = $('board-workers');
  if (!this.data) {
    box.textContent = '';
    return;
  }
  var tb = table('board.workers.caption', ['board.col.worker', 'board.col.load', 'board.col.idle'], 'board-workers');
  var body = tb.tBodies[0];
  var self = this;
  for (var i = 0; i < this.data.workers.length; i++) {
    var w = this.data.workers[i];
    var tr = document.createElement('tr');
    tr.setAttribute('data-worker', w.alias);
    var th = cell('th', null, 'w-who');
    var name = document.createElement('span');
    name.className = 'w-alias';
    name.textContent = w.alias;
    th.appendChild(name);
    var how = document.createElement('span');
    how.className = 'w-state';
    var says = [w.on_duty ? t('board.w.on') : t('board.w.off')];
    if (!w.connected) says.push(t('board.w.gone'));
    if (w.on_duty && Array.isArray(w.topics) && w.topics.length) says.push(w.topics.map(self.ctx.topicTitle).join(', '));
    how.textContent = says.join(' · ');
    th.appendChild(how);
    if (!w.connected) tr.className = 'w-disconnected';
    tr.appendChild(th);
    var load = cell('td', null, 'w-load');
    load.textContent = t('board.w.load', { chats: Number(w.chats) || 0, capacity: Number(w.capacity) || 0 });
    if (Number(w.wrapups) > 0) {
      var wu = document.createElement('span');
      wu.className = 'w-wrapups';
      wu.textContent = t('board.w.wrapups', { n: Number(w.wrapups) });
      load.appendChild(document.createTextNode(' '));
      load.appendChild(wu);
    }
    tr.appendChild(load);
    var idle = cell('td', null, 'w-idle');
    idle.appendChild(ticking(w.idle_since));
    tr.appendChild(idle);
    body.appendChild(tr);
  }
  rebuild(box, this.data.workers.length ? tb : none('board.workers.none'));
};

/* Whether the visitor has waited over LATE_S for a reply: the seconds, or -1. */
function lateFor(c, now) {
  var lv = c.last_visitor_msg ? Date.parse(c.last_visitor_msg) : NaN;
  if (isNaN(lv)) return -1;
  var lw = c.last_worker_msg ? Date.parse(c.last_worker_msg) : NaN;
  if (!isNaN(lw) && lw >= lv) return -1;
  var s = Math.floor((now - lv) / 1000);
  return s > LATE_S ? s : -1;
}

Board.prototype.renderChats = function () {
  var box = $('board-chats');
  if (!this.data) {
    box.textContent = '';
    return;
  }
  var self = this;
  var list = this.data.chats.slice().sort(function (a, b) {
    if (!!a.urgent !== !!b.urgent) return a.urgent ? -1 : 1;
    return String(a.started).localeCompare(String(b.started));
  });
  var tb = table('board.chats.caption', ['board.col.chat', 'board.col.worker', 'board.col.age',
    'board.col.visitor', 'board.col.workermsg', 'board.col.notes', 'board.col.action'], 'board-chats');
  var body = tb.tBodies[0];
  list.forEach(function (c) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-chat', c.chat);
    tr.setAttribute('data-last-visitor', c.last_visitor_msg || '');
    tr.setAttribute('data-last-worker', c.last_worker_msg || '');
    var th = cell('th', null, 'c-topic');
    th.appendChild(document.createTextNode(self.ctx.topicTitle(c.topic)));
    if (c.urgent) {
      tr.classList.add('urgent');
      th.appendChild(document.createTextNode(' '));
      th.appendChild(Staff.mark('c-urgent', '\u26a0', t('c.chat.urgent')));
    }
    tr.appendChild(th);
    tr.appendChild(cell('td', c.worker || t('board.chat.queued'), 'c-worker'));
    var age = cell('td', null, 'c-age');
    age.appendChild(ticking(c.started));
    tr.appendChild(age);
    var lv = cell('td', null, 'c-visitor');
    lv.appendChild(ticking(c.last_visitor_msg));
    tr.appendChild(lv);
    var lw = cell('td', null, 'c-workermsg');
    lw.appendChild(ticking(c.last_worker_msg));
    tr.appendChild(lw);
    var notes = cell('td', null, 'c-notes');
    var late = Staff.mark('c-late', '\u25d4', '');
    late.hidden = true;
    notes.appendChild(late);
    var says = [];
    if (!c.worker) says.push(t('board.chat.requeued'));
    if (c.visitor_away) says.push(t('board.chat.away'));
    if (Array.isArray(c.monitors) && c.monitors.length) says.push(t('board.chat.monitors', { who: c.monitors.join(', ') }));
    if (says.length) {
      var p = document.createElement('span');
      p.className = 'c-says';
      p.textContent = says.join(' · ');
      notes.appendChild(p);
    }
    tr.appendChild(notes);
    var act = cell('td', null, 'c-action');
    var followed = self.has(c.chat) && !self.mons[c.chat].ended;
    var b = Staff.button('button small secondary c-follow', 'button', followed ? 'board.chat.goto' : 'board.chat.follow');
    b.setAttribute('data-key', 'follow-' + c.chat);
    b.setAttribute('aria-label', t(followed ? 'board.chat.goto.label' : 'board.chat.follow.label',
      { topic: self.ctx.topicTitle(c.topic), worker: c.worker || t('board.chat.queued') }));
    b.addEventListener('click', function () { self.follow(c.chat); });
    act.appendChild(b);
    tr.appendChild(act);
    body.appendChild(tr);
  });
  rebuild(box, list.length ? tb : none('board.chats.none'));
  this.tick();
};

Board.prototype.alertText = function (a) {
  var note = a.note === 'no first reply' ? t('board.alert.noreply') : a.note;
  var who = t('board.alert.who', { topic: this.ctx.topicTitle(a.topic), worker: a.worker || t('board.chat.queued') });
  return note ? who + ': ' + note : who;
};

Board.prototype.renderAlerts = function () {
  var self = this;
  var ol = $('board-alerts');
  var a0 = document.activeElement;
  var key = a0 && ol.contains(a0) ? a0.getAttribute('data-key') : null;
  ol.textContent = '';
  this.alerts.forEach(function (a) {
    var li = document.createElement('li');
    li.className = 'alert-item';
    li.setAttribute('data-chat', a.chat);
    var head = document.createElement('p');
    head.className = 'alert-head';
    head.appendChild(Staff.mark('alert-sign', '\u2691', t('board.alert')));
    var when = document.createElement('span');
    when.className = 'alert-time';
    when.textContent = I18N.formatTime(a.ts, false);
    head.appendChild(document.createTextNode(' '));
    head.appendChild(when);
    li.appendChild(head);
    var who = document.createElement('p');
    who.className = 'alert-who';
    who.textContent = t('board.alert.who', { topic: self.ctx.topicTitle(a.topic), worker: a.worker || t('board.chat.queued') });
    li.appendChild(who);
    var note = document.createElement('p');
    note.className = 'alert-note';
    note.dir = 'auto';
    if (a.note === 'no first reply') note.textContent = t('board.alert.noreply');
    else if (a.note) note.textContent = t('board.alert.note', { note: a.note });
    else note.textContent = t('board.alert.nonote');
    li.appendChild(note);
    var b = Staff.button('button small secondary alert-follow', 'button', 'board.chat.follow');
    b.setAttribute('data-key', 'alert-' + a.n);
    b.setAttribute('aria-label', t('board.chat.follow.label', { topic: self.ctx.topicTitle(a.topic), worker: a.worker }));
    b.addEventListener('click', function () { self.follow(a.chat); });
    li.appendChild(b);
    ol.appendChild(li);
  });
  $('board-alerts-none').hidden = this.alerts.length > 0;
  if (key) {
    var again = ol.querySelector('[data-key="' + key + '"]');
    if (again) again.focus();
  }
};

Board.prototype.renderNotify = function () {
  var b = $('board-notify');
  var st = $('board-notify-state');
  var perm = window.Notification ? Notification.permission : 'none';
  var state = { granted: 'on', denied: 'blocked' }[perm] || 'none';
  b.hidden = perm !== 'default';
  st.hidden = perm === 'default';
  st.textContent = t('board.notify.' + state);   /* hidden while the user may still be asked */
};

/* Once a second: every age, and the chats whose visitor waits for a reply. */
Board.prototype.tick = function () {
  if (!this.visible) return;
  var now = Date.now();
  var view = $('board-view');
  var ticks = view.querySelectorAll('.tick[data-since]');
  for (var i = 0; i < ticks.length; i++) {
    ticks[i].textContent = Staff.clock(Staff.ago(ticks[i].getAttribute('data-since'), now));
  }
  var rows = view.querySelectorAll('#board-chats tr[data-chat]');
  for (var j = 0; j < rows.length; j++) {
    var s = lateFor({
      last_visitor_msg: rows[j].getAttribute('data-last-visitor'),
      last_worker_msg: rows[j].getAttribute('data-last-worker')
    }, now);
    var mark = rows[j].querySelector('.c-late');
    rows[j].classList.toggle('late', s >= 0);
    mark.hidden = s < 0;
    if (s >= 0) mark.querySelector('.urgent-text').textContent = t('board.late', { time: Staff.clock(s) });
  }
};

Board.LATE_S = LATE_S;
export { Board };
