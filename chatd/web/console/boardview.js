/* boardview.js: the board's tables, as methods of board.js's Board:
 * queues, workers and chats now from the last `board` frame (chats named
 * "#12 · Youth chat"), the open alerts with Take, Follow and Close,
 * and the tick that rewrites every age in place once a second (rebuilding
 * a table would take the keyboard focus away). A chat whose visitor has
 * waited more than LATE_S for a reply is marked in words and with a sign,
 * not by colour alone. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';

var LATE_S = 180;              /* a visitor waiting this long for a reply stands out */

var t = I18N.t;
var $ = Chat.$;

var boardTables = {};

/* ---- rendering the board ---- */

boardTables.render = function () {
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

boardTables.renderQueues = function () {
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

boardTables.renderWorkers = function () {
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
    load.textContent = Staff.plural(Number(w.capacity) || 0, 'board.w.load.one', 'board.w.load.other',
      { chats: Number(w.chats) || 0, capacity: Number(w.capacity) || 0 });
    if (Number(w.wrapups) > 0) {
      var wu = document.createElement('span');
      wu.className = 'w-wrapups';
      wu.textContent = Staff.plural(Number(w.wrapups), 'board.w.wrapups.one', 'board.w.wrapups.other');
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

boardTables.renderChats = function () {
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
    th.appendChild(document.createTextNode(self.chatName(c)));
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
      { topic: self.chatName(c), worker: c.worker || t('board.chat.queued') }));
    b.addEventListener('click', function () { self.follow(c.chat); });
    act.appendChild(b);
    tr.appendChild(act);
    body.appendChild(tr);
  });
  rebuild(box, list.length ? tb : none('board.chats.none'));
  this.tick();
};

/* "#12 · Youth chat · Alice: note" for the alarm and the notification. */
boardTables.alertText = function (a) {
  var who = t('board.alert.who', { topic: this.chatName(a), worker: a.worker || t('board.chat.queued') });
  var what = a.kind === 'no_first_reply' ? t('board.alert.noreply') : (a.note || t('board.alert.nonote'));
  return who + ': ' + what;
};

function para(cls, text) {
  var p = document.createElement('p');
  p.className = cls;
  p.textContent = text;
  return p;
}

/* One alert: who and when, what kind, the note, who took it; Take, Close
 * and Follow (each labelled with the chat, for a screen reader's list of
 * buttons). */
boardTables.alertItem = function (a) {
  var self = this;
  var me = this.ctx.me();
  var name = this.chatName(a);
  var li = document.createElement('li');
  li.className = 'alert-item' + (a.taken_by ? ' alert-taken' : '');
  li.setAttribute('data-chat', a.chat);
  if (a.id !== null) li.setAttribute('data-alert', a.id);
  var head = document.createElement('p');
  head.className = 'alert-head';
  head.appendChild(Staff.mark('alert-sign', '\u2691', t('board.alert')));
  var when = document.createElement('span');
  when.className = 'alert-time';
  when.textContent = I18N.formatTime(a.at, false);
  head.appendChild(document.createTextNode(' '));
  head.appendChild(when);
  li.appendChild(head);
  li.appendChild(para('alert-who', t('board.alert.who', { topic: name, worker: a.worker || t('board.chat.queued') })));
  li.appendChild(para('alert-kind', t(a.kind === 'no_first_reply' ? 'board.alert.noreply' : 'board.alert.nonote')));
  if (a.note) {
    var note = para('alert-note', t('board.alert.note', { note: a.note }));
    note.dir = 'auto';
    li.appendChild(note);
  }
  var mine = !!(a.taken_by && me && a.taken_by === me.alias);
  if (a.id !== null) {
    var state = para('alert-state', '');
    state.appendChild(Staff.mark('alert-state-mark', a.taken_by ? '\u2713' : '\u25cb',
      mine ? t('board.alert.taken.you') : (a.taken_by ? t('board.alert.taken', { by: a.taken_by }) : t('board.alert.open'))));
    li.appendChild(state);
  }
  var acts = document.createElement('div');
  acts.className = 'actions alert-actions';
  if (a.id !== null) {
    var take = Staff.button('button small alert-take', 'button', 'board.alert.take');
    take.setAttribute('data-key', 'take-' + a.n);
    take.setAttribute('aria-label', t('board.alert.take.label', { chat: name }));
    take.hidden = mine;
    take.addEventListener('click', function () { self.alertAct(a, 'take'); });
    acts.appendChild(take);
  }
  var b = Staff.button('button small secondary alert-follow', 'button', 'board.chat.follow');
  b.setAttribute('data-key', 'alert-' + a.n);
  b.setAttribute('aria-label', t('board.chat.follow.label', { topic: name, worker: a.worker || t('board.chat.queued') }));
  b.addEventListener('click', function () { self.followAlert(a); });
  acts.appendChild(b);
  if (a.id !== null) {
    var close = Staff.button('button small secondary alert-close', 'button', 'board.alert.close');
    close.setAttribute('data-key', 'close-' + a.n);
    close.setAttribute('aria-label', t('board.alert.close.label', { chat: name }));
    close.addEventListener('click', function () { self.alertAct(a, 'close'); });
    acts.appendChild(close);
  }
  li.appendChild(acts);
  return li;
};

boardTables.renderAlerts = function () {
  var self = this;
  var ol = $('board-alerts');
  var a0 = document.activeElement;
  var key = a0 && ol.contains(a0) ? a0.getAttribute('data-key') : null;
  ol.textContent = '';
  this.alerts.forEach(function (a) { ol.appendChild(self.alertItem(a)); });
  $('board-alerts-none').hidden = this.alerts.length > 0;
  if (key) {
    var again = ol.querySelector('[data-key="' + key + '"]:not([hidden])');
    if (!again && /^take-/.test(key)) again = ol.querySelector('[data-key="close-' + key.slice(5) + '"]');
    if (!again) again = ol.querySelector('li.alert-item button:not([hidden])') || $('board-alerts-heading');
    again.focus();   /* the alert went (closed elsewhere, its chat ended): the keyboard stays in the list */
  }
};

boardTables.renderNotify = function () {
  var b = $('board-notify');
  var st = $('board-notify-state');
  var perm = window.Notification ? Notification.permission : 'none';
  var state = { granted: 'on', denied: 'blocked' }[perm] || 'none';
  b.hidden = perm !== 'default';
  st.hidden = perm === 'default';
  st.textContent = t('board.notify.' + state);   /* hidden while the user may still be asked */
};

/* Once a second: every age, and the chats whose visitor waits for a reply. */
boardTables.tick = function () {
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

export { boardTables };
