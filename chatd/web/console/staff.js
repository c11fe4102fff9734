/* staff.js: what the parts of the worker console share (the chat panels,
 * the queues, the supervisors' board and the wrap-ups).
 *
 * - Conversation: Chat.Conversation as staff see a chat (contract v2 §3).
 *   Besides the visitor and "us" a chat has other writers, named by their
 *   alias: a supervisor who joined it, or, in a supervisor's view, the
 *   chat's own worker. Whispers are lines only staff see; they are numbered
 *   apart from the chat's messages (their number never takes part in
 *   seen()), and are marked as whispers in words, not by colour alone.
 *   opts as Chat.Conversation, plus self() (our alias) and selfIsWorker
 *   (true in the worker's own panels: a worker line without alias is ours;
 *   false for a supervisor, where such a line is the chat's worker's, named
 *   by workerAlias()), and optionally supervisors() (aliases known to
 *   follow the chat, from the board).
 *   Every worker-side line carries its writer's alias (contract v3 §1), but
 *   not whether the writer was a supervisor who joined or a worker who had
 *   the chat before a transfer. A line that comes live from another alias
 *   than ours (and, for a supervisor, than the chat's worker) is a
 *   supervisor's; so is an alias the board lists as following the chat. Any
 *   other writer of an earlier line is named by alias alone, which is true
 *   either way: a worker who had the chat before is never called a
 *   supervisor.
 * - button(), mark(): a button labelled by an i18n key; a sign and a word.
 * - tone(): a short sound made here with WebAudio (no sound files);
 *   notify(): a desktop notification when the user allowed them.
 * - ago(): seconds since an ISO time, clock(): a ticking duration.
 * - plural(): a string with a number in it, in the right grammatical
 *   number: its .one or .other key as Intl.PluralRules picks for the
 *   page's language ("1 keskustelu", "2 keskustelua"). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';

var t = I18N.t;
var Base = Chat.Conversation;
var audioCtx = null;

/* ---- conversation ---- */

function Conversation(opts) {
  Base.call(this, opts);
  this.supervisors = {};       /* alias -> true: seen writing live as a supervisor */
  this.inHistory = false;
}

Conversation.prototype = Object.create(Base.prototype);
Conversation.prototype.constructor = Conversation;

/* Whether alias is known as a supervisor of this chat. */
Conversation.prototype.isSupervisor = function (alias) {
  if (!alias) return false;
  if (Object.prototype.hasOwnProperty.call(this.supervisors, alias)) return true;
  var list = this.opts.supervisors ? this.opts.supervisors() : [];
  return Array.isArray(list) && list.indexOf(alias) >= 0;
};

/* Who wrote m ({from, alias} of a msg or history line): our own side
 * (opts.own), 'visitor', 'staff' (another writer) or 'whisper'. */
Conversation.prototype.party = function (m) {
  if (m.from === 'supervisor' || m.whisper) return 'whisper';
  if (m.from !== 'worker') return m.from === this.opts.own ? this.opts.own : 'visitor';
  var alias = typeof m.alias === 'string' && m.alias ? m.alias : null;
  var self = this.opts.self();
  if (this.opts.selfIsWorker) return !alias || alias === self ? this.opts.own : 'staff';
  return alias && alias === self ? this.opts.own : 'staff';
};

/* Shows a msg frame, a history line (whispers included) or our own line. */
Conversation.prototype.add = function (m, status) {
  /* a pending line is one of ours, being sent */
  var party = status === 'pending' && !m.whisper ? this.opts.own : this.party(m);
  var whisper = party === 'whisper';
  var alias = typeof m.alias === 'string' && m.alias ? m.alias : null;
  var rec = {
    kind: 'msg',
    from: party,
    alias: alias,
    whisper: whisper,
    text: typeof m.text === 'string' ? m.text : '',
    ts: m.ts || null,
    seq: whisper ? undefined : m.seq,
    wseq: whisper ? m.seq : undefined,
    status: status,
    el: null
  };
  if (whisper && alias === this.opts.self()) rec.from = this.opts.own;
  var learned = false;
  if (!this.inHistory && status === 'ok' && party === 'staff' && alias && !this.isSupervisor(alias) &&
      (this.opts.selfIsWorker || (this.opts.workerAlias && this.opts.workerAlias() && alias !== this.opts.workerAlias()))) {
    this.supervisors[alias] = true;   /* writing live beside the chat's worker */
    learned = true;
  }
  this.append(rec);
  if (learned) this.renderAll();   /* their earlier lines, named as such now */
  return rec;
};

/* A pushed whisper {from: alias, text, ts}. */
Conversation.prototype.addWhisper = function (m) {
  return this.add({ whisper: true, alias: m.from, text: m.text, ts: m.ts }, 'ok');
};

/* The name over a line. */
Conversation.prototype.who = function (rec) {
  var own = rec.from === this.opts.own;
  if (rec.whisper) {
    return own ? t('console.who.whisper.own') : t('console.who.whisper', { alias: rec.alias || '' });
  }
  if (own) return this.opts.who(this.opts.own);
  if (rec.from === 'visitor') return this.opts.who('visitor');
  var alias = rec.alias || (this.opts.workerAlias ? this.opts.workerAlias() : '');
  if (this.isSupervisor(alias)) return t('console.who.supervisor', { alias: alias });
  if (this.opts.selfIsWorker) return alias;   /* a worker who had the chat before */
  /* in a supervisor's view: the chat's worker, or one who had it before */
  if (!rec.alias || (this.opts.workerAlias && rec.alias === this.opts.workerAlias())) {
    return t('board.who.worker', { alias: alias });
  }
  return alias;
};

Conversation.prototype.render = function (rec) {
  if (rec.kind === 'system' && typeof rec.text === 'function') {
    if (rec.el) rec.el.textContent = rec.text();
    return;
  }
  Base.prototype.render.call(this, rec);
  if (!rec.el || rec.kind !== 'msg') return;
  rec.el.classList.toggle('msg-whisper', !!rec.whisper);
  rec.el.classList.toggle('msg-staff', rec.from === 'staff');
  var who = rec.el.querySelector('.msg-who');
  who.textContent = '';
  if (rec.whisper) {
    var icon = document.createElement('span');
    icon.className = 'whisper-icon';
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = '\u2709 ';
    who.appendChild(icon);
  }
  who.appendChild(document.createTextNode(this.who(rec)));
};

/* A line from the page itself whose words text() gives each time it is
 * shown (again, in another language): "Anna is coming." */
Conversation.prototype.systemText = function (text) {
  this.append({ kind: 'system', key: null, text: text, el: null });
};

/* A whisper's number is not a message's seq. */
Conversation.prototype.ack = function (ref, seq) {
  var rec = this.pending[ref];
  if (rec && rec.whisper) {
    rec.wseq = seq;
    seq = undefined;
  }
  return Base.prototype.ack.call(this, ref, seq);
};

/* Sends the text of input as a whisper (a supervisor's); like sendFrom. */
Conversation.prototype.whisperFrom = function (input) {
  var text = input.value.replace(/^\s+|\s+$/g, '');
  var sock = this.opts.sock;
  if (text === '' || !sock.connected()) return null;
  var ref = 'whisper' + sock.nextRef();
  this.pending[ref] = this.add({ whisper: true, alias: this.opts.self(), text: text, ts: new Date().toISOString() }, 'pending');
  sock.send(this.frame({ type: 'whisper', text: text, ref: ref }));
  input.value = '';
  input.focus();
  return ref;
};

/* Builds the history of a chat_started: every line in order. */
Conversation.prototype.addHistory = function (history) {
  this.inHistory = true;
  for (var i = 0; i < history.length; i++) {
    if (history[i] && typeof history[i] === 'object') this.add(history[i], 'ok');
  }
  this.inHistory = false;
};

/* ---- small pieces ---- */

function button(cls, type, key) {
  var b = document.createElement('button');
  b.className = cls;
  b.type = type;
  b.setAttribute('data-i18n', key);
  b.textContent = t(key);
  return b;
}

/* A sign and a word in a pill (cls names it): urgency, a late reply and
 * the like are never shown by colour alone. */
function mark(cls, sign, text) {
  var span = document.createElement('span');
  span.className = 'urgent-mark ' + cls;
  var icon = document.createElement('span');
  icon.className = 'urgent-icon';
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = sign;
  span.appendChild(icon);
  span.appendChild(document.createTextNode(' '));
  var word = document.createElement('span');
  word.className = 'urgent-text';
  word.textContent = text;
  span.appendChild(word);
  return span;
}

/* A short sound: one tone per frequency in freqs (Hz), 0.15 s each. The
 * browser lets it play only after the user has used the page. */
function tone(freqs) {
  try {
    audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
  } catch (e) {
    return; /* no audio */
  }
  Chat.playTones(audioCtx, freqs, 0.18, 0.15);
}

/* A desktop notification, only where the user granted them. */
function notify(title, body) {
  if (!window.Notification || Notification.permission !== 'granted') return;
  try { new Notification(title, body ? { body: body } : undefined); } catch (e) { /* ignore */ }
}

/* I18N.t(one or other, vars) as the language's plural rules say for n
 * (vars.n is n unless given). The keys are written out whole, so that the
 * key tests find them; a language with more forms than these two gets
 * "other" for them. */
function plural(n, one, other, vars) {
  var form = Number(n) === 1 ? 'one' : 'other';
  try {
    form = I18N.intl(Intl.PluralRules).select(Number(n));
  } catch (e) { /* the guess above */ }
  return t(form === 'one' ? one : other, Object.assign({ n: n }, vars || {}));
}

/* Seconds since the ISO time iso (never negative), or null without one. */
function ago(iso, now) {
  if (!iso) return null;
  var at = Date.parse(iso);
  if (isNaN(at)) return null;
  return Math.max(0, Math.floor(((now || Date.now()) - at) / 1000));
}

/* A duration that ticks: "45 s", "3 min 05 s", "2 h 10 min". */
function clock(s) {
  s = Math.max(0, Math.floor(s));
  if (s < 60) return t('board.dur.s', { s: s });
  var m = Math.floor(s / 60);
  if (m < 60) return t('board.dur.ms', { m: m, s: (s % 60 < 10 ? '0' : '') + (s % 60) });
  return t('board.dur.hm', { h: Math.floor(m / 60), m: m % 60 });
}

/* The live parts of a chat panel, appended to sec: its status line, the
 * log (keyboard-scrollable, read out politely) and the typing line;
 * later code finds them by class. */
function chatBody(sec) {
  var status = document.createElement('p');
  status.className = 'chat-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  sec.appendChild(status);
  var log = document.createElement('div');
  log.className = 'chat-log';
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.tabIndex = 0;
  sec.appendChild(log);
  var typing = document.createElement('p');
  typing.className = 'typing';
  typing.hidden = true;
  sec.appendChild(typing);
}

/* A chat panel (a section of class cls, attr = id) and its head with the
 * title that labels it: the topic and the urgent mark, both filled in
 * later; the caller adds its tools to head and then head to sec. */
function panelHead(base, cls, attr, id) {
  var sec = document.createElement('section');
  sec.className = cls;
  sec.setAttribute(attr, id);
  sec.setAttribute('aria-labelledby', base + '-title');
  var head = document.createElement('div');
  head.className = 'chat-head';
  var title = document.createElement('h3');
  title.id = base + '-title';
  title.className = 'chat-title';
  var topic = document.createElement('span');
  topic.className = 'chat-topic';
  title.appendChild(topic);
  var urgent = mark('chat-urgent', '\u26a0', I18N.t('c.chat.urgent'));
  urgent.hidden = true;
  title.appendChild(document.createTextNode(' '));
  title.appendChild(urgent);
  head.appendChild(title);
  return { sec: sec, head: head, title: title };
}

export {
  panelHead,
  Conversation,
  chatBody,
  button,
  mark,
  tone,
  notify,
  ago,
  clock,
  plural
};
