/* ask.js: "Ask a supervisor" under each of the worker's chats (contract v2
 * §3), as Asks.
 *
 * A button opens a short form: a note of up to 200 characters (optional),
 * sent as `alert` {chat, note}. The daemon marks the chat urgent and answers
 * `ack` {supervisors}: how many supervisors with the board on got it. The
 * worker is told at once, in words, when that is 0: nobody is there to come.
 * Escape or Cancel closes the form and gives the focus back to the button. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';

var NOTE_MAX = 200;

var t = I18N.t;

function Asks(sock) {
  this.sock = sock;
  this.items = {};               /* chat id -> {open, form, input, send, said, key, n} */
  this.refs = {};                /* ref of an alert request -> chat id */
  this.alerts = {};              /* alert id -> chat id, for alert_taken */
}

/* The chat of alert id, as far as this page knows it, or null. */
Asks.prototype.chatOf = function (id) {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(this.alerts, id) ? this.alerts[id] : null;
};

Asks.prototype.remember = function (id, chat) {
  if (typeof id === 'string' && id) this.alerts[id] = chat;
};

/* A supervisor took the chat's alert: the answer line says who is coming. */
Asks.prototype.taken = function (chat, by) {
  var it = this.items[chat];
  if (it) this.say(it, 'c.alert.taken', 0, { by: by });
};

/* The button and the form (with its answer line) for chat; base makes
 * the ids unique. Returns {button, box}. */
Asks.prototype.build = function (chat, base) {
  var self = this;
  var open = Staff.button('button small secondary chat-ask-open', 'button', 'console.ask');
  open.setAttribute('aria-expanded', 'false');
  open.setAttribute('aria-controls', base + '-ask');
  var form = document.createElement('form');
  form.className = 'chat-ask';
  form.id = base + '-ask';
  form.noValidate = true;
  form.hidden = true;
  var lb = document.createElement('label');
  lb.htmlFor = base + '-ask-note';
  lb.setAttribute('data-i18n', 'console.ask.note');
  lb.textContent = t('console.ask.note');
  var input = document.createElement('input');
  input.type = 'text';
  input.id = base + '-ask-note';
  input.className = 'chat-ask-note';
  input.maxLength = NOTE_MAX;
  input.setAttribute('autocomplete', 'off');
  var actions = document.createElement('div');
  actions.className = 'actions';
  var send = Staff.button('button small chat-ask-send', 'submit', 'console.ask.send');
  var cancel = Staff.button('button small secondary chat-ask-cancel', 'button', 'console.ask.cancel');
  actions.appendChild(send);
  actions.appendChild(cancel);
  form.appendChild(lb);
  form.appendChild(input);
  form.appendChild(actions);
  var said = document.createElement('p');
  said.className = 'chat-ask-status';
  said.setAttribute('role', 'alert');
  var it = { open: open, form: form, input: input, send: send, said: said, key: null, n: 0 };
  this.items[chat] = it;

  open.addEventListener('click', function () {
    self.say(it, null);
    self.show(it, it.form.hidden);
  });
  cancel.addEventListener('click', function () {
    self.show(it, false);
    open.focus();
  });
  form.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      self.show(it, false);
      open.focus();
    }
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    self.send(chat, it);
  });
  var box = document.createElement('div');
  box.className = 'chat-ask-box';
  box.appendChild(form);
  box.appendChild(said);
  return { button: open, box: box };
};

Asks.prototype.show = function (it, on) {
  it.form.hidden = !on;
  it.open.setAttribute('aria-expanded', on ? 'true' : 'false');
  if (on) it.input.focus();
};

Asks.prototype.send = function (chat, it) {
  var note = it.input.value.replace(/^\s+|\s+$/g, '');
  var ref = 'alert' + this.sock.nextRef();
  var req = { type: 'alert', chat: chat, ref: ref };
  if (note) req.note = note.slice(0, NOTE_MAX);
  if (!this.sock.send(req)) return;
  this.refs[ref] = chat;
  it.send.disabled = true;
};

/* The answer line: key 'sent' (console.ask.sent.*, in its plural forms),
 * 'console.ask.nobody' or 'c.alert.taken' (vars.by), or none. */
Asks.prototype.say = function (it, key, n, vars) {
  it.key = key;
  it.n = n || 0;
  it.vars = vars || {};
  it.said.className = 'chat-ask-status' + (key ? (key === 'console.ask.nobody' ? ' ask-nobody' : ' ask-sent') : '');
  if (!key) it.said.textContent = '';
  else if (key === 'sent') it.said.textContent = Staff.plural(it.n, 'console.ask.sent.one', 'console.ask.sent.other');
  else it.said.textContent = t(key, it.vars);
};

/* An ack or error answering an alert; false when m answers something else. */
Asks.prototype.answer = function (m) {
  if (m.ref === undefined || !Object.prototype.hasOwnProperty.call(this.refs, m.ref)) return false;
  var chat = this.refs[m.ref];
  var it = this.items[chat];
  delete this.refs[m.ref];
  if (!it) return true;
  it.send.disabled = false;
  if (m.type === 'error') {
    Chat.showErrorFrame(m);
    return true;
  }
  var n = typeof m.supervisors === 'number' ? m.supervisors : 0;
  this.remember(m.alert, chat);
  this.show(it, false);
  it.input.value = '';
  this.say(it, n ? 'sent' : 'console.ask.nobody', n);
  it.open.focus();
  return true;
};

/* The chat's controls: usable while live, gone once the chat ended. */
Asks.prototype.controls = function (chat, live, ended) {
  var it = this.items[chat];
  if (!it) return;
  it.open.hidden = ended;
  it.open.disabled = !live;
  it.send.disabled = !live;
  if (ended) this.show(it, false);
};

/* Texts again, in another language. */
Asks.prototype.render = function () {
  for (var id in this.items) {
    if (!Object.prototype.hasOwnProperty.call(this.items, id)) continue;
    var it = this.items[id];
    if (it.key) this.say(it, it.key, it.n, it.vars);
  }
};

Asks.prototype.forget = function (chat) {
  delete this.items[chat];
};

export { Asks };
