/* wrapup.js: the wrap-up after each of the worker's chats (contract v2 §4),
 * as Wrapups.
 *
 * The daemon pushes `wrapup` {chat, until} when the worker's part of a chat
 * ends, and again to a tab that logs in while it is pending. The console
 * then shows a compact form for that chat: the kind of contact as radio
 * buttons, the categories of the welcome as checkboxes (labels in the page's
 * language), a countdown to `until`, Enter sends. It is answered with
 * `wrapup` {chat, kind, categories} -> ack. The form sits in the chat's panel
 * (opts.host(chat)) or, when there is none (a new tab, a closed panel), in
 * a panel of its own in opts.standalone, headed by the chat's label ("#12",
 * never its id). The kinds carry the statistics page's words (s.kind.*),
 * so a kind reads the same wherever it is shown. When the countdown ends the form
 * closes with a note: the daemon has given the slot back and takes no wrap-up
 * any more. Nothing of it is kept in the page after that either. */
import { I18N } from '../i18n.js';
import * as Staff from './staff.js';

var KINDS = ['counselling', 'information', 'silent', 'test', 'prank', 'abusive'];
/* The kinds in the statistics page's words: one label per kind on every page. */
var KIND_KEYS = {
  counselling: 's.kind.counselling',
  information: 's.kind.information',
  silent: 's.kind.silent',
  test: 's.kind.test',
  prank: 's.kind.prank',
  abusive: 's.kind.abusive'
};
var SOON_S = 30;                 /* "little time left" is said once, this long before the end */

var t = I18N.t;

/* opts: sock; categories() -> [{id, label}]; host(chat) -> the chat
 * panel's wrap-up slot or null; label(chat) -> the chat's label or null;
 * standalone: where forms without a panel
 * go; announce(text): a polite live region. */
function Wrapups(opts) {
  this.opts = opts;
  this.items = {};               /* chat id -> item, see open() */
  this.refs = {};                /* ref of a wrapup request -> chat id */
  this.counter = 0;
  this.timer = null;
}

/* A pushed wrapup {chat, until}: a form, or a new deadline for the one shown. */
Wrapups.prototype.open = function (m) {
  if (typeof m.chat !== 'string' || !m.chat) return;
  var until = Date.parse(m.until);
  if (isNaN(until)) return;
  var it = this.items[m.chat];
  if (it && it.state === 'open') {
    it.until = until;
    this.tick();
    return;
  }
  if (it) this.drop(it);
  this.counter += 1;
  var label = typeof m.label === 'string' && m.label ? m.label : this.opts.label(m.chat);
  it = { chat: m.chat, label: label, until: until, state: 'open', n: this.counter, box: null, form: null, warned: false };
  this.items[m.chat] = it;
  var host = this.opts.host(m.chat);
  var hadFocus = !document.activeElement || document.activeElement === document.body ||
    (host && host.closest('[data-chat]') && host.closest('[data-chat]').contains(document.activeElement));
  this.place(it, host);
  this.build(it);
  this.tick();
  if (!this.timer) this.timer = window.setInterval(this.tick.bind(this), 1000);
  this.opts.announce(t('wrapup.announce'));
  /* keyboard first: focus moves to the form unless the worker is busy elsewhere */
  if (hadFocus) it.form.querySelector('input').focus();
};

/* Puts it's box into host, or into a panel of its own. */
Wrapups.prototype.place = function (it, host) {
  var self = this;
  if (host) {
    it.box = document.createElement('div');
    it.box.className = 'wrapup';
    it.standalone = false;
    host.textContent = '';
    host.appendChild(it.box);
    return;
  }
  var sec = document.createElement('section');
  sec.className = 'panel wrapup wrapup-panel';
  sec.setAttribute('data-wrapup-chat', it.chat);
  sec.setAttribute('aria-labelledby', 'wu-' + it.n + '-title');
  var close = document.createElement('button');
  close.type = 'button';
  close.className = 'button small secondary wrapup-close';
  close.hidden = true;
  close.addEventListener('click', function () { self.drop(it); });
  sec.appendChild(close);
  it.box = sec;
  it.standalone = true;
  this.opts.standalone.appendChild(sec);
};

function option(type, name, id, value, label) {
  var row = document.createElement('div');
  row.className = 'check';
  var input = document.createElement('input');
  input.type = type;
  input.name = name;
  input.id = id;
  input.value = value;
  var lb = document.createElement('label');
  lb.htmlFor = id;
  lb.textContent = label;
  row.appendChild(input);
  row.appendChild(lb);
  return row;
}

Wrapups.prototype.build = function (it) {
  var self = this;
  var base = 'wu-' + it.n;
  var form = document.createElement('form');
  form.className = 'wrapup-form';
  form.noValidate = true;
  form.setAttribute('data-wrapup', it.chat);
  form.setAttribute('aria-labelledby', base + '-title');

  var head = document.createElement('div');
  head.className = 'wrapup-head';
  var h = document.createElement(it.standalone ? 'h3' : 'h4');
  h.id = base + '-title';
  h.className = 'wrapup-title';
  head.appendChild(h);
  var left = document.createElement('p');
  left.className = 'wrapup-left';
  left.id = base + '-left';
  head.appendChild(left);
  form.appendChild(head);

  var kinds = document.createElement('fieldset');
  kinds.className = 'wrapup-kinds';
  var kl = document.createElement('legend');
  kinds.appendChild(kl);
  var kbox = document.createElement('div');
  kbox.className = 'wrapup-options';
  for (var i = 0; i < KINDS.length; i++) {
    kbox.appendChild(option('radio', base + '-kind', base + '-kind-' + KINDS[i], KINDS[i], ''));
  }
  kinds.appendChild(kbox);
  form.appendChild(kinds);

  var cats = this.opts.categories();
  var cf = document.createElement('fieldset');
  cf.className = 'wrapup-cats';
  var cl = document.createElement('legend');
  cf.appendChild(cl);
  var cbox = document.createElement('div');
  cbox.className = 'wrapup-options';
  for (var j = 0; j < cats.length; j++) {
    var row = option('checkbox', base + '-cat', base + '-cat-' + cats[j].id, cats[j].id, '');
    row.setAttribute('data-category', cats[j].id);
    cbox.appendChild(row);
  }
  cf.appendChild(cbox);
  cf.hidden = cats.length === 0;
  form.appendChild(cf);

  var hint = document.createElement('p');
  hint.className = 'hint wrapup-hint';
  hint.id = base + '-hint';
  form.appendChild(hint);
  form.setAttribute('aria-describedby', base + '-left ' + base + '-hint');

  var actions = document.createElement('div');
  actions.className = 'actions';
  var send = document.createElement('button');
  send.type = 'submit';
  send.className = 'button wrapup-send';
  actions.appendChild(send);
  form.appendChild(actions);

  var err = document.createElement('p');
  err.className = 'wrapup-error';
  err.setAttribute('role', 'alert');
  form.appendChild(err);

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    self.submit(it);
  });
  /* Enter sends from a radio button or a checkbox too (keyboard first) */
  form.addEventListener('keydown', function (ev) {
    var el = ev.target;
    if (ev.key === 'Enter' && el.tagName === 'INPUT' && !ev.isComposing) {
      ev.preventDefault();
      self.submit(it);
    }
  });
  it.form = form;
  it.box.insertBefore(form, it.box.firstChild);
  this.renderItem(it);
};

/* Writes the texts of an item (again, in another language). */
Wrapups.prototype.renderItem = function (it) {
  var base = 'wu-' + it.n;
  var box = it.box;
  if (it.form) {
    var f = it.form;
    f.querySelector('.wrapup-title').textContent = it.standalone && it.label ?
      t('wrapup.heading.chat', { chat: t('c.chat.label', { label: it.label }) }) : t('wrapup.heading');
    f.querySelector('.wrapup-kinds legend').textContent = t('wrapup.kind.legend');
    for (var i = 0; i < KINDS.length; i++) {
      f.querySelector('label[for="' + base + '-kind-' + KINDS[i] + '"]').textContent = t(KIND_KEYS[KINDS[i]]);
    }
    f.querySelector('.wrapup-cats legend').textContent = t('wrapup.cats.legend');
    var cats = this.opts.categories();
    for (var j = 0; j < cats.length; j++) {
      var lb = f.querySelector('label[for="' + base + '-cat-' + cats[j].id + '"]');
      if (lb) lb.textContent = I18N.pick(cats[j].label, cats[j].id);
    }
    f.querySelector('.wrapup-hint').textContent = t('wrapup.hint');
    f.querySelector('.wrapup-send').textContent = t('wrapup.send');
    if (it.error) f.querySelector('.wrapup-error').textContent = it.error();
  }
  var note = box.querySelector('.wrapup-note');
  if (note) note.textContent = t(it.noteKey);
  var close = box.querySelector('.wrapup-close');
  if (close) {
    close.textContent = t('c.chat.close');
    close.setAttribute('aria-label', it.label ? t('wrapup.close', { chat: t('c.chat.label', { label: it.label }) }) : t('wrapup.close.plain'));
  }
  this.tickItem(it, Date.now());
};

Wrapups.prototype.render = function () {
  for (var id in this.items) {
    if (Object.prototype.hasOwnProperty.call(this.items, id)) this.renderItem(this.items[id]);
  }
};

/* The countdowns; a form whose time ran out closes. */
Wrapups.prototype.tick = function () {
  var now = Date.now();
  var open = 0;
  for (var id in this.items) {
    if (!Object.prototype.hasOwnProperty.call(this.items, id)) continue;
    if (this.items[id].state === 'open' && this.tickItem(this.items[id], now)) open += 1;
  }
  if (!open && this.timer) {
    window.clearInterval(this.timer);
    this.timer = null;
  }
};

/* Shows it's time left; false once it has closed. */
Wrapups.prototype.tickItem = function (it, now) {
  if (it.state !== 'open' || !it.form) return false;
  var left = Math.ceil((it.until - now) / 1000);
  if (left <= 0) {
    this.close(it, 'expired', 'wrapup.expired');
    return false;
  }
  var el = it.form.querySelector('.wrapup-left');
  el.textContent = t('wrapup.left', { time: Staff.clock(left) });
  el.classList.toggle('wrapup-soon', left <= SOON_S);
  if (left <= SOON_S && !it.warned) {
    it.warned = true;
    this.opts.announce(t('wrapup.soon'));
  }
  return true;
};

Wrapups.prototype.submit = function (it) {
  if (it.state !== 'open' || it.sending) return;
  var f = it.form;
  var kind = f.querySelector('.wrapup-kinds input:checked');
  if (!kind) {
    this.showError(it, function () { return t('wrapup.nokind'); });
    f.querySelector('.wrapup-kinds input').focus();
    return;
  }
  var cats = [];
  var boxes = f.querySelectorAll('.wrapup-cats input:checked');
  for (var i = 0; i < boxes.length; i++) cats.push(boxes[i].value);
  var ref = 'wrapup' + this.opts.sock.nextRef();
  if (!this.opts.sock.send({ type: 'wrapup', chat: it.chat, kind: kind.value, categories: cats, ref: ref })) {
    this.showError(it, function () { return t('wrapup.offline'); });
    return;
  }
  this.refs[ref] = it.chat;
  it.sending = true;
  f.querySelector('.wrapup-send').disabled = true;
  this.showError(it, null);
};

Wrapups.prototype.showError = function (it, text) {
  it.error = text;
  it.form.querySelector('.wrapup-error').textContent = text ? text() : '';
};

/* The answer to a wrapup request (an ack or an error frame); false when
 * m answers something else. */
Wrapups.prototype.answer = function (m) {
  if (m.ref === undefined || !Object.prototype.hasOwnProperty.call(this.refs, m.ref)) return false;
  var it = this.items[this.refs[m.ref]];
  delete this.refs[m.ref];
  if (!it || it.state !== 'open') return true;
  it.sending = false;
  if (m.type === 'ack') {
    this.close(it, 'sent', 'wrapup.sent');
  } else if (m.code === 'bad_state') {
    /* sent from another tab, or its time ran out on the daemon's clock */
    this.close(it, 'expired', 'wrapup.gone');
  } else {
    it.form.querySelector('.wrapup-send').disabled = false;
    var code = typeof m.code === 'string' ? m.code : 'error';
    var friendly = I18N.has('err.' + code) ? 'err.' + code : 'err.generic';
    this.showError(it, function () { return t('wrapup.failed', { why: t(friendly) }) + ' (' + code + ')'; });
  }
  return true;
};

/* Replaces the form by a note (key); focus follows when it was in the form. */
Wrapups.prototype.close = function (it, state, key) {
  var hadFocus = it.form && it.form.contains(document.activeElement);
  it.state = state;
  it.noteKey = key;
  if (it.form && it.form.parentNode) it.form.parentNode.removeChild(it.form);
  it.form = null;
  var note = document.createElement('p');
  note.className = 'wrapup-note' + (state === 'sent' ? ' wrapup-done' : ' wrapup-late');
  note.setAttribute('role', 'status');
  note.tabIndex = -1;
  it.box.insertBefore(note, it.box.firstChild);
  var close = it.box.querySelector('.wrapup-close');
  if (close) close.hidden = false;
  this.renderItem(it);
  if (hadFocus) (close || note).focus();
};

Wrapups.prototype.drop = function (it) {
  if (it.box && it.box.parentNode) it.box.parentNode.removeChild(it.box);
  if (this.items[it.chat] === it) delete this.items[it.chat];
};

/* Whether the chat's wrap-up is still to be sent. */
Wrapups.prototype.pending = function (chat) {
  var it = this.items[chat];
  return !!it && it.state === 'open';
};

/* The chat's panel is closing: a pending form moves to a panel of its
 * own, anything else about it goes. */
Wrapups.prototype.detach = function (chat) {
  var it = this.items[chat];
  if (!it) return;
  if (it.state !== 'open') {
    this.drop(it);
    return;
  }
  var form = it.form;
  var kept = form.contains(document.activeElement);
  if (it.box.parentNode) it.box.parentNode.removeChild(it.box);
  this.place(it, null);
  it.box.insertBefore(form, it.box.firstChild);
  var h = form.querySelector('.wrapup-title');
  var h3 = document.createElement('h3');
  h3.id = h.id;
  h3.className = h.className;
  h.parentNode.replaceChild(h3, h);
  this.renderItem(it);
  if (kept) form.querySelector('input').focus();
};

/* The socket is up (on) or down: a form can be sent only when it is up. */
Wrapups.prototype.connected = function (on) {
  for (var id in this.items) {
    if (!Object.prototype.hasOwnProperty.call(this.items, id)) continue;
    var it = this.items[id];
    if (it.form) it.form.querySelector('.wrapup-send').disabled = !on || !!it.sending;
    if (!on) it.sending = false;
  }
};

/* Logged out: every form goes. */
Wrapups.prototype.clear = function () {
  for (var id in this.items) {
    if (Object.prototype.hasOwnProperty.call(this.items, id)) this.drop(this.items[id]);
  }
  this.items = {};
  this.refs = {};
};

Wrapups.KINDS = KINDS;
export { Wrapups };
