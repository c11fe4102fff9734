/* panel.js: one chat's panel, <section class="chat-panel" data-chat="ID">:
 * its head ("#12 · Youth chat · sv", the urgent mark, how long the visitor
 * has waited for a reply; Flag, "Ask a supervisor"; Close and Show/Hide
 * the messages once it ended), who follows it, what the worker should
 * know first (language, pre-chat answers), the message log, the message
 * form, the tools under it: canned replies in the chat's language,
 * transfer to another topic, block; then the wrap-up's place. Everything
 * between the head and the wrap-up is the panel's body, which an ended
 * chat folds away (chats.js). The chat's random id is only ever in
 * data-chat, never in words.
 * "End chat" asks once, in the panel (a group with the question, "Yes"
 * focused, "Cancel" or Esc to go back). The transfer menu names each
 * target's state and how many are on duty (queue_state, contract v3 §1);
 * a transfer the daemon refuses with `nobody_on_duty` asks whether to
 * transfer anyway, and only then goes again with `force: true`. */
import { I18N } from '../i18n.js';
import * as Staff from './staff.js';
import { sock, asks } from './shared.js';
import { me, cannedFor } from './session.js';
import { topicTitle, topicIds } from './duty.js';
import { sendFlag, closePanel, updatePanelControls } from './chats.js';
import { topicInfo } from './queue.js';

var t = I18N.t;
var button = Staff.button;

var panelCounter = 0;

/* A chat record and its panel, not yet on the page (chats.js adds it):
 * {id, label, topic, audience, waited, answers, urgent, lang, org, overflow, canned
 * (the chat's own canned replies, or null: by its language), ended, by,
 * away, waitSince (ISO time of the visitor's oldest unanswered line, or
 * null), monitors ([alias]), collapsed, conv, el, n}. */
function newChat(m) {
  panelCounter += 1;
  var c = {
    id: m.chat,
    label: labelOf(m),
    topic: m.topic,
    audience: m.audience,
    waited: m.waited_s,
    answers: {},
    urgent: false,
    lang: typeof m.lang === 'string' && m.lang ? m.lang : null,
    /* contract v3 §4: the org the visitor came to, and whether it is
     * another org's visitor that this worker answers by overflow */
    org: typeof m.org === 'string' && m.org ? m.org : null,
    overflow: m.overflow === true,
    canned: cannedOf(m),
    waitSince: null,
    monitors: [],
    collapsed: false,
    ended: false,
    by: null,
    away: false,
    conv: null,
    el: null,
    n: panelCounter
  };
  c.el = buildPanel(c);
  c.conv = new Staff.Conversation({
    log: q(c, '.chat-log'),
    typingEl: q(c, '.typing'),
    own: 'worker',
    selfIsWorker: true,
    self: function () { return me ? me.alias : ''; },
    who: function (from) { return from === 'worker' ? t('c.chat.you') : t('c.chat.visitor'); },
    typingText: function () { return t('c.chat.typing'); },
    live: function () { return !c.ended; },
    sock: sock,
    frame: function (obj) {
      obj.chat = c.id;
      return obj;
    }
  });
  c.conv.bind(q(c, '.chat-form'), q(c, '.chat-input'));
  return c;
}

/* The canned replies a chat_started carries (those of the chat's
 * language, contract v3 §2), or null when it carries none. */
function cannedOf(m) {
  return Array.isArray(m.canned) ? m.canned.filter(function (x) { return typeof x === 'string' && x; }) : null;
}

/* The chat's short label ("12", unique per topic and day), or null. */
function labelOf(m) {
  if (typeof m.label === 'string' && m.label) return m.label;
  if (typeof m.label === 'number') return String(m.label);
  return null;
}

function buildPanel(c) {
  var base = 'chat-' + c.n;
  var p = Staff.panelHead(base, 'chat-panel', 'data-chat', c.id);
  var sec = p.sec, head = p.head;
  var waiting = document.createElement('span');
  waiting.className = 'chat-waiting';
  waiting.hidden = true;
  p.title.appendChild(waiting);
  var flagBtn = button('button small secondary chat-flag', 'button', 'c.chat.flag.on');
  flagBtn.addEventListener('click', function () { sendFlag(c, !c.urgent); });
  var ask = asks.build(c.id, base);
  var expandBtn = button('button small secondary chat-expand', 'button', 'c.chat.collapse');
  expandBtn.setAttribute('aria-controls', base + '-body');
  expandBtn.setAttribute('aria-expanded', 'true');
  expandBtn.hidden = true;
  expandBtn.addEventListener('click', function () { setCollapsed(c, !c.collapsed); });
  var closeBtn = button('button small secondary chat-close', 'button', 'c.chat.close');
  closeBtn.hidden = true;
  closeBtn.addEventListener('click', function () { closePanel(c); });
  var headTools = document.createElement('div');
  headTools.className = 'chat-head-tools';
  headTools.appendChild(flagBtn);
  headTools.appendChild(ask.button);
  headTools.appendChild(expandBtn);
  headTools.appendChild(closeBtn);
  head.appendChild(headTools);
  sec.appendChild(head);
  sec.appendChild(ask.box);

  /* who follows the chat (contract v3 §2 `monitored`): staff only */
  var mon = document.createElement('p');
  mon.className = 'chat-monitored';
  mon.setAttribute('role', 'status');
  mon.hidden = true;
  sec.appendChild(mon);

  var outer = sec;
  sec = document.createElement('div');
  sec.className = 'chat-body';
  sec.id = base + '-body';
  outer.appendChild(sec);

  var meta = document.createElement('p');
  meta.className = 'chat-meta';
  sec.appendChild(meta);

  /* what the worker should know first: language and pre-chat answers */
  var about = document.createElement('div');
  about.className = 'chat-about';
  var lang = document.createElement('p');
  lang.className = 'chat-lang';
  about.appendChild(lang);
  var answers = document.createElement('div');
  answers.className = 'chat-answers';
  var ah = document.createElement('h4');
  ah.className = 'chat-answers-title';
  ah.setAttribute('data-i18n', 'c.chat.answers');
  answers.appendChild(ah);
  answers.appendChild(document.createElement('dl'));
  var none = document.createElement('p');
  none.className = 'chat-noanswers muted';
  none.setAttribute('data-i18n', 'c.chat.noanswers');
  answers.appendChild(none);
  about.appendChild(answers);
  sec.appendChild(about);

  Staff.chatBody(sec);

  var form = document.createElement('form');
  form.className = 'chat-form';
  form.noValidate = true;
  var lb = document.createElement('label');
  lb.htmlFor = base + '-input';
  lb.setAttribute('data-i18n', 'c.chat.input');
  lb.textContent = t('c.chat.input');
  var ta = document.createElement('textarea');
  ta.id = base + '-input';
  ta.className = 'chat-input';
  ta.rows = 3;
  ta.maxLength = 4000;
  ta.setAttribute('autocomplete', 'off');
  var actions = document.createElement('div');
  actions.className = 'actions';
  var sendBtn = button('button chat-send', 'submit', 'c.chat.send');
  var endBtn = button('button secondary chat-end', 'button', 'c.chat.end');
  actions.appendChild(sendBtn);
  actions.appendChild(endBtn);
  form.appendChild(lb);
  form.appendChild(ta);
  form.appendChild(actions);
  var endAsk = confirmBox(base + '-end-q', 'chat-end-confirm', 'c.chat.end.confirm',
    button('button chat-end-yes', 'button', 'c.chat.end.yes'),
    button('button secondary chat-end-no', 'button', 'c.chat.end.no'),
    function () {
      c.conv.typingStop();
      sock.send({ type: 'end', chat: c.id, ref: sock.nextRef() });
    }, endBtn);
  form.appendChild(endAsk);
  sec.appendChild(form);
  sec.appendChild(buildTools(c, base, ta));
  sec.appendChild(confirmBox(base + '-transfer-q', 'chat-transfer-confirm', null,
    button('button chat-transfer-force', 'button', 'c.transfer.force'),
    button('button secondary chat-transfer-cancel', 'button', 'c.chat.end.no'),
    function () { sendTransfer(c, c.transferTo, true); },
    function () { return q(c, '.chat-transfer'); }));

  endBtn.addEventListener('click', function () { askConfirm(endAsk); });

  var wrap = document.createElement('div');
  wrap.className = 'chat-wrapup';
  outer.appendChild(wrap);
  return outer;
}

/* Folds an ended chat's body away (on) or shows it again; the head, with
 * Close and Show the messages, and a pending wrap-up stay. */
function setCollapsed(c, on) {
  c.collapsed = on;
  q(c, '.chat-body').hidden = on;
  c.el.classList.toggle('collapsed', on);
  var b = q(c, '.chat-expand');
  var key = on ? 'c.chat.expand' : 'c.chat.collapse';
  b.setAttribute('data-i18n', key);
  b.textContent = t(key);
  b.setAttribute('aria-expanded', on ? 'false' : 'true');
}

/* A question asked in the panel before something that cannot be undone:
 * a group labelled by its text (an i18n key, or null when set later), yes
 * and no buttons; yes runs onYes, no or Esc goes back to back (an element
 * or a function giving one). Hidden until askConfirm(). */
function confirmBox(id, cls, key, yes, no, onYes, back) {
  var box = document.createElement('div');
  box.className = 'chat-confirm ' + cls;
  box.setAttribute('role', 'group');
  box.setAttribute('aria-labelledby', id);
  box.hidden = true;
  var p = document.createElement('p');
  p.id = id;
  p.className = 'chat-confirm-text';
  if (key) {
    p.setAttribute('data-i18n', key);
    p.textContent = t(key);
  }
  var acts = document.createElement('div');
  acts.className = 'actions';
  acts.appendChild(yes);
  acts.appendChild(no);
  box.appendChild(p);
  box.appendChild(acts);
  var cancel = function () {
    box.hidden = true;
    var el = typeof back === 'function' ? back() : back;
    if (el && !el.hidden && !el.disabled) el.focus();
  };
  yes.addEventListener('click', function () {
    box.hidden = true;
    onYes();
  });
  no.addEventListener('click', cancel);
  box.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' || ev.key === 'Esc') {
      ev.preventDefault();
      cancel();
    }
  });
  return box;
}

/* Shows a confirmBox with its text (when given) and focuses its yes. */
function askConfirm(box, text) {
  if (text !== undefined) box.querySelector('.chat-confirm-text').textContent = text;
  box.hidden = false;
  box.querySelector('.actions button').focus();
}

/* Asks the daemon to move the chat to topic (force: also where nobody is
 * on duty); an error answering it comes to transferRefused(). */
function sendTransfer(c, topic, force) {
  if (!topic) return;
  c.conv.typingStop();
  c.transferTo = topic;
  c.transferRef = 'transfer' + sock.nextRef();
  var req = { type: 'transfer', chat: c.id, topic: topic, ref: c.transferRef };
  if (force) req.force = true;
  sock.send(req);
}

/* The daemon refused the transfer of c: nobody is on duty there. The
 * worker decides whether the visitor should wait there anyway. */
function askForceTransfer(c) {
  askConfirm(q(c, '.chat-transfer-confirm'), t('c.transfer.nobody', { topic: topicTitle(c.transferTo) }));
}

/* A transfer target's name with its state and on-duty count, as far as
 * the last queue_state tells. */
function transferLabel(id) {
  var info = topicInfo(id);
  if (!info) return topicTitle(id);
  var n = Number(info.on_duty);
  return t('c.transfer.opt', {
    topic: topicTitle(id),
    state: t(info.open === false || info.state === 'closed' ? 'c.transfer.closed' : 'c.transfer.open'),
    duty: typeof info.on_duty === 'number' && n > 0 ? t('c.transfer.duty', { n: n }) :
      (typeof info.on_duty === 'number' ? t('c.transfer.duty.none') : '–')
  });
}

/* The transfer menu's words again (a new queue_state or language). */
function labelTransfers(c) {
  var sel = q(c, '.chat-transfer-topic');
  if (!sel) return;
  for (var i = 0; i < sel.options.length; i++) {
    var text = transferLabel(sel.options[i].value);
    if (sel.options[i].textContent !== text) sel.options[i].textContent = text;
  }
}

function rebuildTools(c) {
  var tools = q(c, '.chat-tools');
  var fresh = buildTools(c, 'chat-' + c.n, q(c, '.chat-input'));
  tools.parentNode.replaceChild(fresh, tools);
  updatePanelControls(c);
}

/* Canned replies, transfer and block under a chat. */
function labelled(id, key, control) {
  var wrap = document.createElement('span');
  wrap.className = 'tool';
  var lb = document.createElement('label');
  lb.htmlFor = id;
  lb.setAttribute('data-i18n', key);
  lb.textContent = t(key);
  control.id = id;
  wrap.appendChild(lb);
  wrap.appendChild(control);
  return wrap;
}

function option(value, text) {
  var o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function buildTools(c, base, ta) {
  var tools = document.createElement('div');
  tools.className = 'chat-tools';

  var canned = c.canned || cannedFor(c.lang);
  var cannedSel = document.createElement('select');
  cannedSel.className = 'chat-canned';
  cannedSel.appendChild(option('', '–'));
  for (var i = 0; i < canned.length; i++) {
    var co = option(String(i), canned[i]);
    if (c.lang) co.lang = c.lang;
    cannedSel.appendChild(co);
  }
  cannedSel.addEventListener('change', function () {
    if (cannedSel.value === '') return;
    ta.value = (ta.value ? ta.value + ' ' : '') + canned[Number(cannedSel.value)];
    cannedSel.value = '';
    ta.focus();
  });
  if (canned.length) tools.appendChild(labelled(base + '-canned', 'c.chat.canned', cannedSel));

  var topicSel = document.createElement('select');
  topicSel.className = 'chat-transfer-topic';
  topicIds().forEach(function (id) {
    if (id !== c.topic) topicSel.appendChild(option(id, transferLabel(id)));
  });
  var transferBtn = button('button secondary chat-transfer', 'button', 'c.chat.transfer');
  transferBtn.addEventListener('click', function () {
    q(c, '.chat-transfer-confirm').hidden = true;
    sendTransfer(c, topicSel.value, false);
  });
  if (topicSel.options.length) {
    /* the menu and its button on a row of their own: the menu's states and
     * on-duty counts need the room */
    var row = document.createElement('div');
    row.className = 'tool-transfer';
    row.appendChild(labelled(base + '-transfer', 'c.chat.transfer.to', topicSel));
    row.appendChild(transferBtn);
    tools.appendChild(row);
  }

  var hoursSel = document.createElement('select');
  hoursSel.className = 'chat-block-hours';
  [1, 24, 168].forEach(function (h) { hoursSel.appendChild(option(String(h), t('c.chat.block.h' + h))); });
  var blockBtn = button('button secondary chat-block', 'button', 'c.chat.block');
  blockBtn.addEventListener('click', function () {
    if (!window.confirm(t('c.chat.block.confirm'))) return;
    c.conv.typingStop();
    c.blockRef = 'block' + sock.nextRef();
    sock.send({ type: 'block', chat: c.id, hours: Number(hoursSel.value), ref: c.blockRef });
  });
  tools.appendChild(labelled(base + '-block', 'c.chat.block.for', hoursSel));
  tools.appendChild(blockBtn);
  return tools;
}

function q(c, sel) {
  return c.el.querySelector(sel);
}

export {
  newChat,
  labelOf,
  cannedOf,
  setCollapsed,
  rebuildTools,
  labelTransfers,
  askForceTransfer,
  q
};
