/* conversation.js: one chat on screen, as the visitor page and the console
 * (staff.js builds on it) show it: its message log, where own messages stay
 * "sending" until the ack with their ref and show "not sent" when the
 * connection or the daemon fails them, system lines, and typing both ways
 * (ours ends TYPING_IDLE_MS after the last key; theirs is forgotten after
 * TYPING_SHOW_MS should its "off" be lost). */
import { I18N } from './i18n.js';

var TYPING_IDLE_MS = 4000;     /* our "typing" ends this long after the last key */
var TYPING_SHOW_MS = 15000;    /* a lost "off" must not leave the indicator on forever */

var t = I18N.t;

/* One chat as this side sees it. opts:
 *   log, typingEl   the message log and the other side's typing line;
 *   own             'visitor' or 'worker': which messages are ours;
 *   who(from, rec)  the name over a message from that side (rec.alias:
 *                   the name the line was written under, or null);
 *   typingText()    the typing line's text;
 *   live()          whether the chat takes messages now;
 *   sock            the Socket; frame(obj), optional, adds what the
 *                   protocol needs to each request (the console's chat id).
 * Records: {kind: 'msg', from, alias, text, ts, seq, status, el} with status
 * 'ok' | 'pending' | 'failed', or {kind: 'system', key, el}. */
function Conversation(opts) {
  this.opts = opts;
  this.records = [];
  this.pending = {};           /* ref -> record waiting for its ack */
  this.typingOn = false;
  this.typingTimer = null;
  this.othersTyping = false;
  this.showTimer = null;
}

Conversation.prototype.frame = function (obj) {
  return this.opts.frame ? this.opts.frame(obj) : obj;
};

/* Empties the log (a chat starting or coming back with its history). */
Conversation.prototype.clear = function () {
  this.records = [];
  this.pending = {};
  this.opts.log.textContent = '';
};

/* Whether a message with this seq is shown already. */
Conversation.prototype.seen = function (seq) {
  if (seq === undefined) return false;
  for (var i = 0; i < this.records.length; i++) {
    if (this.records[i].seq === seq) return true;
  }
  return false;
};

/* Our messages not (yet) confirmed by the daemon. */
Conversation.prototype.unconfirmed = function () {
  return this.records.filter(function (r) { return r.kind === 'msg' && r.status !== 'ok'; });
};

/* Shows a message frame {from, text, ts, seq} with the given status. */
Conversation.prototype.add = function (m, status) {
  var own = this.opts.own;
  var rec = {
    kind: 'msg',
    from: m.from === own ? own : (own === 'visitor' ? 'worker' : 'visitor'),
    alias: typeof m.alias === 'string' && m.alias ? m.alias : null,
    text: typeof m.text === 'string' ? m.text : '',
    ts: m.ts || null,
    seq: m.seq,
    status: status,
    el: null
  };
  this.append(rec);
  return rec;
};

/* A line from the page itself (an i18n key), e.g. "The visitor is back." */
Conversation.prototype.system = function (key) {
  this.append({ kind: 'system', key: key, el: null });
};

/* Builds the record's element and adds it at the end of the log. */
Conversation.prototype.append = function (rec) {
  var el;
  if (rec.kind === 'system') {
    el = document.createElement('p');
    el.className = 'msg msg-system';
  } else {
    el = document.createElement('div');
    el.className = 'msg ' + (rec.from === this.opts.own ? 'msg-own' : 'msg-other');
    var meta = document.createElement('p');
    meta.className = 'msg-meta';
    ['msg-who', 'msg-time', 'msg-state'].forEach(function (cls) {
      var s = document.createElement('span');
      s.className = cls;
      meta.appendChild(s);
    });
    var body = document.createElement('p');
    body.className = 'msg-text';
    body.dir = 'auto';   /* the writer's direction, whatever the page's */
    body.textContent = rec.text;
    el.appendChild(meta);
    el.appendChild(body);
  }
  rec.el = el;
  this.records.push(rec);
  this.render(rec);
  var log = this.opts.log;
  log.appendChild(el);
  log.scrollTop = log.scrollHeight;
};

/* Writes a record's texts (again, e.g. in another language). */
Conversation.prototype.render = function (rec) {
  var el = rec.el;
  if (!el) return;
  if (rec.kind === 'system') {
    el.textContent = t(rec.key);
    return;
  }
  el.classList.toggle('msg-pending', rec.status === 'pending');
  el.classList.toggle('msg-failed', rec.status === 'failed');
  el.querySelector('.msg-who').textContent = this.opts.who(rec.from, rec);
  el.querySelector('.msg-time').textContent = rec.ts ? I18N.formatTime(rec.ts, false) : '';
  var st = '';
  if (rec.status === 'pending') st = t('v.chat.sending');
  else if (rec.status === 'failed') st = t('v.chat.failed');
  el.querySelector('.msg-state').textContent = st;
};

Conversation.prototype.renderAll = function () {
  for (var i = 0; i < this.records.length; i++) this.render(this.records[i]);
  if (this.othersTyping) this.opts.typingEl.textContent = this.opts.typingText();
};

/* Sends the text of input (trimmed) as our message; it shows as "sending"
 * until its ack. The ref sent, or null when nothing was sent. */
Conversation.prototype.sendFrom = function (input) {
  var text = input.value.replace(/^\s+|\s+$/g, '');
  var sock = this.opts.sock;
  if (!this.opts.live() || text === '' || !sock.connected()) return null;
  var ref = sock.nextRef();
  this.pending[ref] = this.add({ from: this.opts.own, text: text, ts: new Date().toISOString() }, 'pending');
  this.typingStop();
  sock.send(this.frame({ type: 'msg', text: text, ref: ref }));
  input.value = '';
  input.focus();
  return ref;
};

/* The ack of our message ref (with its seq); false if ref is not ours. */
Conversation.prototype.ack = function (ref, seq) {
  var rec = this.pending[ref];
  if (!rec) return false;
  delete this.pending[ref];
  rec.status = 'ok';
  if (seq !== undefined) rec.seq = seq;
  this.render(rec);
  return true;
};

/* Our message ref was refused; false if ref is not ours. */
Conversation.prototype.fail = function (ref) {
  var rec = this.pending[ref];
  if (!rec) return false;
  delete this.pending[ref];
  rec.status = 'failed';
  this.render(rec);
  return true;
};

/* Every message still waiting for its ack is marked "not sent". */
Conversation.prototype.failPending = function () {
  for (var ref in this.pending) {
    if (Object.prototype.hasOwnProperty.call(this.pending, ref)) this.fail(ref);
  }
};

/* Wires our message form: Enter or the send button sends, Shift+Enter is
 * a new line, typing is announced. */
Conversation.prototype.bind = function (form, input) {
  var self = this;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    self.sendFrom(input);
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      self.sendFrom(input);
    }
  });
  input.addEventListener('input', function () { self.typingInput(); });
};

/* On each input in our message box: "typing on" once, "off" after a pause. */
Conversation.prototype.typingInput = function () {
  var self = this;
  if (!this.opts.live() || !this.opts.sock.connected()) return;
  if (!this.typingOn) {
    this.typingOn = true;
    this.opts.sock.send(this.frame({ type: 'typing', on: true }));
  }
  if (this.typingTimer) window.clearTimeout(this.typingTimer);
  this.typingTimer = window.setTimeout(function () { self.typingStop(); }, TYPING_IDLE_MS);
};

Conversation.prototype.typingStop = function () {
  if (this.typingTimer) window.clearTimeout(this.typingTimer);
  this.typingTimer = null;
  if (this.typingOn) {
    this.typingOn = false;
    this.opts.sock.send(this.frame({ type: 'typing', on: false }));
  }
};

/* The connection is gone, and with it the daemon's idea that we type. */
Conversation.prototype.forgetTyping = function () {
  this.typingOn = false;
};

/* The other side's typing line, on or off. */
Conversation.prototype.setOthersTyping = function (on) {
  var self = this;
  var el = this.opts.typingEl;
  this.othersTyping = on;
  if (this.showTimer) window.clearTimeout(this.showTimer);
  this.showTimer = null;
  if (on) {
    el.textContent = this.opts.typingText();
    el.hidden = false;
    this.showTimer = window.setTimeout(function () { self.setOthersTyping(false); }, TYPING_SHOW_MS);
  } else {
    el.textContent = '';
    el.hidden = true;
  }
};

export { Conversation };
