/* follow.js: a supervisor following a chat from the board (contract v2
 * §3), as methods of board.js's Board: `monitor` {chat, on} asks for it,
 * its `chat_started` (monitoring: true, with the history, whispers
 * included) opens a read-only panel, and the chat's frames follow. From the
 * panel the supervisor whispers to the worker (`whisper`, shown to staff
 * only) and may join the chat (`join_chat`), after which it writes to the
 * visitor under its own alias. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';

var t = I18N.t;
var $ = Chat.$;

var following = {};

/* ---- following a chat ---- */

/* Follows chat (a button's click): its panel, or the request for it. */
following.follow = function (chat) {
  var mon = this.mons[chat];
  if (mon && !mon.ended) {
    mon.el.querySelector('.chat-title').focus();
    return;
  }
  if (mon) this.closeMon(mon);
  this.ask(chat, true);
};

following.ask = function (chat, focus) {
  var sock = this.ctx.sock;
  var ref = 'monitor' + sock.nextRef();
  if (!sock.send({ type: 'monitor', chat: chat, on: true, ref: ref })) return;
  this.refs[ref] = { kind: 'monitor', chat: chat, focus: focus };
};

following.unfollow = function (mon) {
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

following.closeMon = function (mon) {
  mon.conv.typingStop();
  if (mon.el.parentNode) mon.el.parentNode.removeChild(mon.el);
  delete this.mons[mon.id];
  this.monOrder = this.monOrder.filter(function (id) { return id !== mon.id; });
  $('monitors-none').hidden = this.monOrder.length > 0;
  this.renderChats();
};

following.join = function (mon) {
  var sock = this.ctx.sock;
  var ref = 'join' + sock.nextRef();
  if (!sock.send({ type: 'join_chat', chat: mon.id, ref: ref })) return;
  this.refs[ref] = { kind: 'join', chat: mon.id };
  mon.joining = true;
  this.controls(mon);
};

following.joined = function (chat) {
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
following.workerOf = function (chat) {
  var c = this.boardChat(chat);
  return c ? c.worker : '';
};

following.boardChat = function (chat) {
  var list = this.data ? this.data.chats : [];
  for (var i = 0; i < list.length; i++) {
    if (list[i].chat === chat) return list[i];
  }
  return null;
};

following.newMon = function (m) {
  var self = this;
  this.counter += 1;
  var mon = {
    id: m.chat, label: null, topic: m.topic, n: this.counter, ended: false, joined: false, joining: false,
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
    supervisors: function () {
      var bc = self.boardChat(mon.id);
      return bc && Array.isArray(bc.monitors) ? bc.monitors : [];
    },
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

following.buildMon = function (mon) {
  var self = this;
  var base = 'mon-' + mon.n;
  var p = Staff.panelHead(base, 'chat-panel monitor-panel', 'data-monitor', mon.id);
  var sec = p.sec, head = p.head;
  p.title.tabIndex = -1;
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

following.renderMon = function (mon) {
  var el = mon.el;
  var bc = this.boardChat(mon.id);
  if (bc) {
    mon.urgent = bc.urgent === true;
    mon.away = bc.visitor_away === true;
  }
  var worker = this.workerOf(mon.id);
  var title = this.chatName({ chat: mon.id, label: mon.label, topic: mon.topic });
  el.querySelector('.chat-topic').textContent = worker ? t('board.mon.title', { topic: title, worker: worker }) : title;
  el.querySelector('.chat-urgent').hidden = !mon.urgent;
  el.querySelector('.chat-urgent .urgent-text').textContent = t('c.chat.urgent');
  el.classList.toggle('urgent', mon.urgent);
  var me = this.ctx.me();
  el.querySelector('.mon-meta').textContent = t(mon.joined ? 'board.mon.joined' : 'board.mon.readonly');
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

following.controls = function (mon) {
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

export { following };
