/* chats.js: the worker's own chats. Each chat is a panel (panel.js) that
 * stays, marked ended, until the worker closes it; the server is the truth:
 * a panel changes only on its messages. Own messages stay "sending" until
 * the `ack` with their ref. A chat shows the visitor's language and
 * pre-chat answers at its top, in the worker's own language (the texts come
 * with the welcome's questions), and is marked urgent in words, not colour
 * alone; `flag` marks or unmarks it, and every tab follows the pushed
 * `flag`. A supervisor's whispers show as lines only staff see; a chat the
 * worker's board follows (board.js) gets the same messages.
 * A visitor who left with the quick exit (`chat_ended.quick`, contract v3
 * §1) is told apart from an ordinary goodbye: they may not be safe to talk
 * now.
 * Chats you can tell apart (contract v3 §2): a panel is headed by the
 * chat's label, topic and language ("#12 · Youth chat · sv"), its urgent
 * mark and how long the visitor has waited for a reply; the random chat
 * id is never shown. The newest chat goes on top, where the worker looks,
 * and when it comes the ended panels fold to their heads (they can be
 * opened again). A new chat plays a tone and changes the tab's title even
 * with the console in front, unless the worker turned that off (a
 * per-browser setting, title.js). The worker is told who follows the chat
 * (`monitored`), that a supervisor took their alert (`alert_taken`: "Anna
 * is coming"), and when the board was alerted that the visitor still waits
 * for a first reply (the `no_first_reply` alert of their own chat). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { sock, asks, board, wrapups } from './shared.js';
import { questions } from './session.js';
import { topicTitle, langName, dutyOn, orgName, orgsDeclared } from './duty.js';
import { newChat, labelOf, cannedOf, setCollapsed, rebuildTools, labelTransfers, askForceTransfer, q } from './panel.js';
import { notifyUnread, newChatAlerts, newChatTitle } from './title.js';

var WAIT_TICK_MS = 15000;      /* how often "waiting 3 min" in the heads is rewritten */
var NEW_CHAT_TONE = [523, 659, 784];

var t = I18N.t;
var $ = Chat.$;

var chats = {};                /* chat id -> chat record, see panel.js newChat() */
var chatOrder = [];
var flagRefs = {};             /* ref of a flag request -> {chat, urgent} */
var unconfirmed = {};          /* chat id -> true: open panels not re-sent yet */
var waitTimer = null;

/* Every chat, in the order they came. */
function eachChat(fn) {
  chatOrder.forEach(function (id) { fn(chats[id]); });
}

/* A new panel goes on top: the newest chat is where the worker looks. */
function addChat(c) {
  chats[c.id] = c;
  chatOrder.push(c.id);
  $('chats').insertBefore(c.el, $('chats').firstChild);
  renderChatsNone();
  if (!waitTimer) waitTimer = window.setInterval(renderWaiting, WAIT_TICK_MS);
}

/* "#12 · Youth chat · sv": how a chat is named everywhere in words. */
function chatName(c) {
  var parts = [];
  if (c.label) parts.push(t('c.chat.label', { label: c.label }));
  parts.push(topicTitle(c.topic));
  if (c.lang) parts.push(c.lang);
  return parts.join(' · ');
}

/* The label of one of the worker's chats, or null (wrap-ups). */
function labelOfChat(chat) {
  return chats[chat] ? chats[chat].label : null;
}

/* "· waiting 3 min" in each live head whose visitor waits for a reply. */
function renderWaiting() {
  var now = Date.now();
  eachChat(function (c) {
    var el = q(c, '.chat-waiting');
    var s = !c.ended && c.waitSince ? Staff.ago(c.waitSince, now) : null;
    el.hidden = s === null;
    el.textContent = s === null ? '' : ' · ' + t('c.chat.waiting', { time: I18N.formatDuration(s) });
  });
}

/* The visitor's oldest line not answered yet, from a history, or null. */
function waitFromHistory(history) {
  var since = null;
  for (var i = 0; i < history.length; i++) {
    var h = history[i];
    if (!h || typeof h !== 'object' || h.from === 'supervisor' || h.whisper) continue;
    if (h.from === 'visitor') {
      if (!since && typeof h.ts === 'string') since = h.ts;
    } else {
      since = null;
    }
  }
  return since;
}

/* Where a chat's wrap-up form goes, or null when its panel is closed. */
function wrapupHost(chat) {
  return chats[chat] ? q(chats[chat], '.chat-wrapup') : null;
}

/* After a welcome: every open panel must be re-sent before the pong. */
function expectResent() {
  unconfirmed = {};
  for (var i = 0; i < chatOrder.length; i++) {
    if (!chats[chatOrder[i]].ended) unconfirmed[chatOrder[i]] = true;
  }
}

/* The pong came: a panel not re-sent went back to the queue while we
 * were away. */
function endNotResent() {
  for (var id in unconfirmed) {
    if (Object.prototype.hasOwnProperty.call(unconfirmed, id) && chats[id] && !chats[id].ended) {
      onChatEnded({ chat: id, by: 'requeued' });
    }
  }
  unconfirmed = {};
}

/* Logged out: every panel goes. */
function forgetChats() {
  eachChat(function (c) { c.conv.typingStop(); });
  chats = {};
  chatOrder = [];
  $('chats').textContent = '';
  renderChatsNone();
}

/* An error answered the flag request ref. */
function forgetFlag(ref) {
  delete flagRefs[ref];
}

/* A short tone and, when allowed, a system notification (tab in background). */
function alertWorker(textKey, vars) {
  if (!document.hidden) return;
  Staff.tone([660]);
  Staff.notify(t(textKey, vars));
}

/* A supervisor's whisper: in the chat, for the worker's eyes only. */
function onWhisper(m) {
  if (board.has(m.chat)) board.onWhisper(m);
  var c = chats[m.chat];
  if (!c) return;
  c.conv.addWhisper(m);
  notifyUnread();
  alertWorker('console.notify.whisper', { topic: chatName(c) });
}

/* The pre-chat questions asked in topic: those with no topic list are
 * asked everywhere. */
function questionsFor(topic) {
  return questions.filter(function (qu) {
    return !Array.isArray(qu.topics) || qu.topics.indexOf(topic) >= 0;
  });
}

/* Question text and answer label in the worker's language, found in the
 * welcome's questions; bare ids for anything unknown. */
function answerTexts(qid, aid) {
  for (var i = 0; i < questions.length; i++) {
    if (questions[i].id !== qid) continue;
    var label = aid;
    var list = Array.isArray(questions[i].answers) ? questions[i].answers : [];
    for (var j = 0; j < list.length; j++) {
      if (list[j].id === aid) label = I18N.pick(list[j].label, aid);
    }
    return { question: I18N.pick(questions[i].text, qid), answer: label };
  }
  return { question: qid, answer: aid };
}

function renderAbout(c) {
  var lang = q(c, '.chat-lang');
  lang.textContent = c.lang ? t('c.chat.lang', { lang: langName(c.lang) }) : '';
  lang.hidden = !c.lang;
  var dl = q(c, '.chat-answers dl');
  dl.textContent = '';
  /* in the order the questions are configured, then any the welcome did not name */
  var ids = questions.map(function (qu) { return qu.id; }).filter(function (id) {
    return Object.prototype.hasOwnProperty.call(c.answers, id);
  });
  for (var k in c.answers) {
    if (Object.prototype.hasOwnProperty.call(c.answers, k) && ids.indexOf(k) < 0) ids.push(k);
  }
  for (var i = 0; i < ids.length; i++) {
    var x = answerTexts(ids[i], String(c.answers[ids[i]]));
    var row = document.createElement('div');
    row.setAttribute('data-question', ids[i]);
    var dt = document.createElement('dt');
    dt.textContent = x.question;
    var dd = document.createElement('dd');
    dd.textContent = x.answer;
    row.appendChild(dt);
    row.appendChild(dd);
    dl.appendChild(row);
  }
  dl.hidden = ids.length === 0;
  q(c, '.chat-noanswers').hidden = ids.length > 0;
  /* where nothing was asked there is nothing to say */
  q(c, '.chat-answers').hidden = ids.length === 0 && questionsFor(c.topic).length === 0;
  I18N.apply(q(c, '.chat-answers'));
  q(c, '.chat-about').hidden = lang.hidden && q(c, '.chat-answers').hidden;
}

function renderUrgent(c) {
  c.el.classList.toggle('urgent', c.urgent);
  q(c, '.chat-urgent').hidden = !c.urgent;
  q(c, '.chat-urgent .urgent-text').textContent = t('c.chat.urgent');
  var key = c.urgent ? 'c.chat.flag.off' : 'c.chat.flag.on';
  var b = q(c, '.chat-flag');
  b.setAttribute('data-i18n', key);
  b.textContent = t(key);
}

/* Asks the server to mark (urgent true) or unmark the chat; the panel
 * changes on the ack or the pushed flag. */
function sendFlag(c, urgent) {
  var ref = 'flag' + sock.nextRef();
  if (!sock.send({ type: 'flag', chat: c.id, urgent: urgent, ref: ref })) return;
  flagRefs[ref] = { chat: c.id, urgent: urgent };
}

function onFlag(m) {
  var c = chats[m.chat];
  if (!c) return;
  c.urgent = m.urgent === true;
  renderUrgent(c);
}

function renderPanelMeta(c) {
  var title = chatName(c);
  q(c, '.chat-topic').textContent = title;
  renderUrgent(c);
  renderAbout(c);
  var aud = I18N.has('c.audience.' + c.audience) ? t('c.audience.' + c.audience) : (c.audience || '');
  var meta = t('c.chat.meta', {
    audience: aud,
    wait: typeof c.waited === 'number' ? I18N.formatDuration(c.waited) : '–'
  });
  /* which org the visitor came to (contract v3 §4), said in words */
  if (c.org && (c.overflow || orgsDeclared())) {
    meta += ' · ' + t(c.overflow ? 'c.chat.org.overflow' : 'c.chat.org', { org: orgName(c.org) });
  }
  q(c, '.chat-meta').textContent = meta;
  q(c, '.chat-log').setAttribute('aria-label', t('c.chat.log', { topic: title }));
  var st = '';
  if (c.ended) st = t(c.by === 'quick' ? 'c.chat.ended.quick' : 'c.chat.ended');
  else if (c.away) st = t('c.chat.away');
  q(c, '.chat-status').textContent = st;
  renderMonitored(c);
  renderWaiting();
}

/* Who follows the chat, in its panel. */
function renderMonitored(c) {
  var el = q(c, '.chat-monitored');
  var n = c.ended ? 0 : c.monitors.length;
  el.hidden = n === 0;
  el.textContent = '';
  if (!n) return;
  var sign = document.createElement('span');
  sign.setAttribute('aria-hidden', 'true');
  sign.textContent = '\u25c9 ';
  el.appendChild(sign);
  el.appendChild(document.createTextNode(monitoredText(c.monitors)));
}

function monitoredText(list) {
  var who = list.join(', ');
  try {
    who = I18N.intl(Intl.ListFormat, { style: 'long', type: 'conjunction' }).format(list);
  } catch (e) { /* the commas above */ }
  return Staff.plural(list.length, 'c.chat.monitored.one', 'c.chat.monitored.other', { who: who });
}

/* `monitored` {chat, by: [alias]}: who follows the chat now. */
function onMonitored(m) {
  var c = chats[m.chat];
  if (!c || c.ended) return;
  var by = Array.isArray(m.by) ? m.by.filter(function (a) { return typeof a === 'string' && a; }) : [];
  if (by.join('\n') === c.monitors.join('\n')) return;
  c.monitors = by;
  if (by.length) c.conv.systemText(function () { return monitoredText(by); });
  else c.conv.system('c.chat.monitored.none');
  renderMonitored(c);
}

/* `alert_taken` {alert, by}: a supervisor is coming to the chat. */
function onAlertTaken(m) {
  var chat = typeof m.chat === 'string' && m.chat ? m.chat : asks.chatOf(m.alert);
  var c = chat ? chats[chat] : null;
  if (!c || typeof m.by !== 'string') return;
  var by = m.by;
  c.conv.systemText(function () { return t('c.alert.taken', { by: by }); });
  asks.taken(c.id, by);
}

/* An `alert` about one of the worker's own chats: the board was told that
 * the visitor still waits for the first reply. True when it was ours. */
function onOwnAlert(m) {
  var c = chats[m.chat];
  if (!c || c.ended) return false;
  asks.remember(m.alert, c.id);
  if (m.kind !== 'no_first_reply') return true;
  if (c.noReplyAlert === m.alert) return true;   /* an update of the same alert */
  c.noReplyAlert = m.alert;
  c.conv.system('c.alert.noreply');
  $('announce').textContent = t('c.alert.noreply') + ' ' + chatName(c);
  return true;
}

function refreshPanelMeta() {
  for (var i = 0; i < chatOrder.length; i++) {
    renderPanelMeta(chats[chatOrder[i]]);
    chats[chatOrder[i]].conv.renderAll();
  }
}

function renderChatsNone() {
  $('chats-none').hidden = chatOrder.length > 0;
}

function updatePanelControls(c) {
  var live = sock.connected() && !c.ended;
  var tools = c.el.querySelectorAll('.chat-tools select, .chat-tools button');
  for (var i = 0; i < tools.length; i++) tools[i].disabled = !live;
  q(c, '.chat-tools').hidden = c.ended;
  q(c, '.chat-send').disabled = !live;
  q(c, '.chat-end').disabled = !live;
  q(c, '.chat-input').disabled = c.ended;
  q(c, '.chat-end').hidden = c.ended;
  if (c.ended) q(c, '.chat-end-confirm').hidden = true;
  q(c, '.chat-end-yes').disabled = !live;
  if (c.ended) q(c, '.chat-transfer-confirm').hidden = true;
  q(c, '.chat-transfer-force').disabled = !live;
  q(c, '.chat-flag').hidden = c.ended;
  q(c, '.chat-flag').disabled = !live;
  asks.controls(c.id, live, c.ended);
  q(c, '.chat-close').hidden = !c.ended;
  q(c, '.chat-expand').hidden = !c.ended;
  if (!c.ended && c.collapsed) setCollapsed(c, false);
  c.el.classList.toggle('ended', c.ended);
}

function updateControls() {
  $('duty-on').disabled = !sock.connected();
  $('duty-off').disabled = !sock.connected() || !dutyOn();
  for (var i = 0; i < chatOrder.length; i++) updatePanelControls(chats[chatOrder[i]]);
}

function onChatStarted(m) {
  if (m.monitoring === true) {
    board.onStarted(m);
    return;
  }
  var c = chats[m.chat];
  var isNew = !c || c.ended;
  delete unconfirmed[m.chat];
  if (!c) {
    c = newChat(m);
    addChat(c);
  } else {
    /* a re-sent chat (after a reconnect): rebuild it from history */
    c.topic = m.topic || c.topic;
    c.label = labelOf(m) || c.label;
    if (m.audience) c.audience = m.audience;
    if (typeof m.waited_s === 'number') c.waited = m.waited_s;
    c.lang = typeof m.lang === 'string' && m.lang ? m.lang : null;
    c.canned = cannedOf(m);
    c.ended = false;
    c.by = null;
    c.conv.clear();
    rebuildTools(c);   /* the topic or language may have changed (a transfer came back to us) */
  }
  c.answers = m.answers && typeof m.answers === 'object' && !Array.isArray(m.answers) ? m.answers : {};
  c.urgent = m.urgent === true;
  var history = Array.isArray(m.history) ? m.history : [];
  c.conv.addHistory(history);
  c.waitSince = waitFromHistory(history);
  if (isNew && !c.waitSince && !history.some(function (h) { return h && h.from === 'worker'; })) {
    c.waitSince = new Date().toISOString();   /* waiting for the first reply */
  }
  c.away = m.visitor_away === true;
  if (c.away) c.conv.system('c.chat.away');
  if (Array.isArray(m.monitored_by)) {
    /* who follows it already (a tab opened later, a reconnect) */
    c.monitors = m.monitored_by.filter(function (a) { return typeof a === 'string' && a; });
  }
  renderPanelMeta(c);
  updatePanelControls(c);
  if (isNew) {
    foldEnded(c);
    $('announce').textContent = t(c.urgent ? 'c.announce.urgent' : 'c.announce.new', { topic: chatName(c) });
    if (newChatAlerts()) {
      Staff.tone(NEW_CHAT_TONE);
      newChatTitle(function () { return chatName(c); }, c.el);
      if (document.hidden) Staff.notify(t('c.announce.new', { topic: chatName(c) }));
    }
  }
}

/* A new chat came: the ended panels fold to their heads, out of its way. */
function foldEnded(fresh) {
  eachChat(function (c) {
    if (c !== fresh && c.ended && !c.collapsed) setCollapsed(c, true);
  });
}

function onMsg(m) {
  if (board.has(m.chat)) board.onMsg(m);
  var c = chats[m.chat];
  if (!c || c.conv.seen(m.seq)) return;
  if (m.from === 'visitor') {
    c.conv.setOthersTyping(false);
    notifyUnread();
    alertWorker('c.notify.msg', { topic: chatName(c) });
    if (!c.waitSince) c.waitSince = typeof m.ts === 'string' ? m.ts : new Date().toISOString();
  } else if (m.from === 'worker') {
    c.waitSince = null;   /* answered (by us in another tab, or a supervisor who joined) */
  }
  c.conv.add(m, 'ok');
  renderWaiting();
}

function onAck(m) {
  var f = m.ref !== undefined ? flagRefs[m.ref] : null;
  if (f) {
    delete flagRefs[m.ref];
    onFlag(f);
    return;
  }
  if (asks.answer(m) || wrapups.answer(m) || board.answer(m)) return;
  var c = chatOfRef(m.ref);
  if (!c) return;
  var rec = c.conv.pending[m.ref];
  c.conv.ack(m.ref, m.seq);
  if (rec && !rec.whisper) {
    c.waitSince = null;   /* our reply is in */
    renderWaiting();
  }
}

function onTyping(m) {
  if (board.has(m.chat)) board.onTyping(m);
  var c = chats[m.chat];
  if (!c || m.from === 'worker') return;
  c.conv.setOthersTyping(!!m.on);
}

function onChatEnded(m) {
  if (board.has(m.chat)) board.onEnded(m);
  var c = chats[m.chat];
  if (!c) return;
  c.ended = true;
  c.by = m.by;
  c.away = false;
  c.conv.typingStop();
  c.conv.setOthersTyping(false);
  c.conv.failPending();
  var by = m.by;
  if (by === 'worker' && m.ref !== undefined && m.ref === c.blockRef) by = 'blocked';
  if (by === 'visitor' && m.quick === true) by = 'quick';
  c.by = by;
  var key = 'c.ended.' + (['visitor', 'worker', 'timeout', 'transfer', 'requeued', 'blocked', 'quick'].indexOf(by) >= 0 ? by : 'server');
  c.conv.system(key);
  if (by === 'quick') $('announce').textContent = t('c.ended.quick');
  renderPanelMeta(c);
  updatePanelControls(c);
}

function onAway(m, away) {
  var c = chats[m.chat];
  if (!c || c.ended) return;
  c.away = away;
  if (away) c.conv.setOthersTyping(false);
  c.conv.system(away ? 'c.chat.away' : 'c.chat.back');
  renderPanelMeta(c);
}

function closePanel(c) {
  c.conv.typingStop();
  wrapups.detach(c.id);
  asks.forget(c.id);
  if (c.el.parentNode) c.el.parentNode.removeChild(c.el);
  delete chats[c.id];
  chatOrder = chatOrder.filter(function (id) { return id !== c.id; });
  renderChatsNone();
  var next = $('chats').querySelector('.chat-input:not([disabled])');
  if (next) next.focus();
  else $('chats-heading').focus();
}

/* An error answering a transfer: nobody_on_duty asks the worker whether
 * to transfer anyway (true: handled here). */
function transferRefused(m) {
  if (m.ref === undefined || m.code !== 'nobody_on_duty') return false;
  for (var i = 0; i < chatOrder.length; i++) {
    var c = chats[chatOrder[i]];
    if (c.transferRef === m.ref && !c.ended) {
      c.transferRef = null;
      askForceTransfer(c);
      return true;
    }
  }
  return false;
}

/* A new queue_state: the transfer menus' states and on-duty counts. */
function relabelTransfers() {
  eachChat(labelTransfers);
}

/* The chat whose message is waiting for the answer to ref, or null. */
function chatOfRef(ref) {
  if (ref === undefined) return null;
  for (var i = 0; i < chatOrder.length; i++) {
    if (chats[chatOrder[i]].conv.pending[ref]) return chats[chatOrder[i]];
  }
  return null;
}

export {
  eachChat,
  labelOfChat,
  onMonitored,
  onAlertTaken,
  onOwnAlert,
  transferRefused,
  relabelTransfers,
  wrapupHost,
  expectResent,
  endNotResent,
  forgetChats,
  forgetFlag,
  chatOfRef,
  sendFlag,
  closePanel,
  updatePanelControls,
  updateControls,
  refreshPanelMeta,
  onChatStarted,
  onMsg,
  onAck,
  onTyping,
  onChatEnded,
  onAway,
  onFlag,
  onWhisper
};
