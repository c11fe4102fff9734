/* panel.js: one chat's panel, <section class="chat-panel" data-chat="ID">:
 * its head (topic, urgent mark, Flag, "Ask a supervisor"), what the worker
 * should know first (language, pre-chat answers), the message log, the
 * wrap-up's place, the message form, and the tools under it: canned
 * replies, transfer to another topic, block. */
import { I18N } from '../i18n.js';
import * as Staff from './staff.js';
import { sock, asks } from './shared.js';
import { me, canned } from './session.js';
import { topicTitle, topicIds } from './duty.js';
import { sendFlag, closePanel, updatePanelControls } from './chats.js';

var t = I18N.t;
var button = Staff.button;

var panelCounter = 0;

/* A chat record and its panel, not yet on the page (chats.js adds it):
 * {id, topic, audience, waited, answers, urgent, lang, ended, by, away,
 * conv, el, n}. */
function newChat(m) {
  panelCounter += 1;
  var c = {
    id: m.chat,
    topic: m.topic,
    audience: m.audience,
    waited: m.waited_s,
    answers: {},
    urgent: false,
    lang: null,
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

function buildPanel(c) {
  var base = 'chat-' + c.n;
  var p = Staff.panelHead(base, 'chat-panel', 'data-chat', c.id);
  var sec = p.sec, head = p.head;
  var flagBtn = button('button small secondary chat-flag', 'button', 'c.chat.flag.on');
  flagBtn.addEventListener('click', function () { sendFlag(c, !c.urgent); });
  var ask = asks.build(c.id, base);
  var headTools = document.createElement('div');
  headTools.className = 'chat-head-tools';
  headTools.appendChild(flagBtn);
  headTools.appendChild(ask.button);
  head.appendChild(headTools);
  sec.appendChild(head);
  sec.appendChild(ask.box);

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

  var wrap = document.createElement('div');
  wrap.className = 'chat-wrapup';
  sec.appendChild(wrap);

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
  var closeBtn = button('button secondary chat-close', 'button', 'c.chat.close');
  closeBtn.hidden = true;
  actions.appendChild(sendBtn);
  actions.appendChild(endBtn);
  actions.appendChild(closeBtn);
  form.appendChild(lb);
  form.appendChild(ta);
  form.appendChild(actions);
  sec.appendChild(form);
  sec.appendChild(buildTools(c, base, ta));

  endBtn.addEventListener('click', function () {
    c.conv.typingStop();
    sock.send({ type: 'end', chat: c.id, ref: sock.nextRef() });
  });
  closeBtn.addEventListener('click', function () { closePanel(c); });
  return sec;
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

  var cannedSel = document.createElement('select');
  cannedSel.className = 'chat-canned';
  cannedSel.appendChild(option('', '–'));
  for (var i = 0; i < canned.length; i++) cannedSel.appendChild(option(String(i), canned[i]));
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
    if (id !== c.topic) topicSel.appendChild(option(id, topicTitle(id)));
  });
  var transferBtn = button('button secondary chat-transfer', 'button', 'c.chat.transfer');
  transferBtn.addEventListener('click', function () {
    if (!topicSel.value) return;
    c.conv.typingStop();
    sock.send({ type: 'transfer', chat: c.id, topic: topicSel.value, ref: sock.nextRef() });
  });
  if (topicSel.options.length) {
    tools.appendChild(labelled(base + '-transfer', 'c.chat.transfer.to', topicSel));
    tools.appendChild(transferBtn);
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
  rebuildTools,
  q
};
