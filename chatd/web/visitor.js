/* visitor.js: the anonymous visitor's side of the chat (protocol visitor.v1).
 *
 * One WebSocket, reconnected with back-off. The page shows exactly one view at a
 * time: topics (idle), questions, queue, chat or ended. The server is the truth:
 * views change only on server messages (welcome, queued, left, chat_started,
 * chat_ended), never optimistically; the one exception is the question step,
 * which the visitor walks through before any join is sent.
 * Each open topic says honestly what to expect (contract v2 §1): someone can
 * answer now, everyone on duty is busy (with the estimate), or nobody is on
 * duty at all, in which case the queue says so too.
 * A topic's pre-chat questions (welcome.topics[].questions, contract v2 §2) are
 * each an optional radio group; the join carries only the answered ones. They
 * come with the welcome only: /api/status refreshes leave them as they were.
 * The language of the last `hello` is the chat language the daemon routes by;
 * a language chosen before joining reconnects the session quietly to say so.
 * The session token lives only in sessionStorage ('chat.session'), so it dies
 * with the tab; after a reconnect `hello` with it restores the queue place or
 * the chat. Own messages stay "sending" until the `ack` with their ref.
 * The same session opened in another tab takes the connection over (close code
 * 4002): this tab then waits until the visitor chooses to continue here.
 * Honest in every state (contract v3 §1): the queue says when the chat
 * closes (and plainly what happens to a wait the closing cuts short), the
 * remaining estimate until the wait outlives the first one ("taking
 * longer than we thought" then, never a stale number), and, with
 * `staffed: false`, that nobody is there, when the chat opens and what the
 * visitor can do. A join refused at the cut-off says until when new chats
 * were taken and when the chat is open again, never "try again in a
 * moment"; the visitor never sees a raw error code. A message shows the
 * name it was written under (`alias`: a supervisor who joined writes under
 * their own). The organisation's other help (`welcome.help`) is shown
 * after every chat, on the closed screen and while nobody is on duty.
 * Its parts: the topic list (visitor/topiclist.js), the questions
 * (visitor/questions.js), the feedback (visitor/feedback.js), quick exit
 * (visitor/quickexit.js) and the announcements, title and optional sound
 * (visitor/attention.js). Letters, when the chat is closed or full, are
 * visitor/letter.js's (its views: letter, letter-code, letter-read). */
import { I18N } from './i18n.js';
import * as Chat from './common.js';
import { initQuickExit } from './visitor/quickexit.js';
import { initFeedback, resetFeedback, labelScores, feedbackAcked, feedbackRefused, feedbackLost } from './visitor/feedback.js';
import { setQuestions, askingTopic, startAsking, forgetQuestions, questionsOf, chosenAnswers, renderQuestions } from './visitor/questions.js';
import { renderTopicList, onQuietWeek, cutoffText } from './visitor/topiclist.js';
import { initAttention, renderTitle, setTitleOrg, announce, chatStarted, messageCame } from './visitor/attention.js';
import * as Letters from './visitor/letter.js';

var SESSION_KEY = 'chat.session';
var TOPICS_REFRESH_MS = 15000; /* topic list and queue: who is on duty now */
var CLOSING_SOON_S = 15 * 60;  /* a wait this close to closing is told what happens */
var LONGER_SLACK_S = 30;       /* a wait past its first estimate by this is "longer" */

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;

/* ?org=ID: this page is that organisation's (contract v3 §4): chatd sends
 * its topics only, and its name (welcome.orgs) is shown above the title */
var orgQuery = Chat.orgQuery();
var orgs = null;               /* welcome.orgs: [{id, name}], or null */
var sock = new Chat.Socket('visitor.v1', { open: onOpen, message: onMessage, close: onClose }, orgQuery);
var view = 'connecting';       /* connecting | topics | questions | queue | chat | ended | elsewhere | noorg */
var topics = [];
var queued = null;             /* last queued message */
var queuedAt = 0;              /* Date.now() when it came */
var promised = null;           /* seconds from the join the first estimate promised */
var firstQueuedAt = 0;         /* Date.now() at the first queued of this wait */
var help = null;               /* welcome.help: {fi, sv, en}, or null */
var joinTopics = {};           /* ref of a join -> its topic */
var resuming = false;          /* a resumed chat's chat_started is on its way */
var queueNote = null;          /* {key, topic}: why a chat went back to the queue */
var chat = null;               /* {id, topic, worker} */
var conv = null;               /* the current chat's messages and typing, see init() */
var ended = null;              /* {chat, by} */
var topicsNote = '';
var helloLang = null;          /* the language the last hello said */
var relang = false;            /* closed on purpose to say a new language */

/* ---- connection ---- */

function onOpen() {
  var hello = { type: 'hello', lang: I18N.lang };
  helloLang = I18N.lang;
  var s = Chat.stored(SESSION_KEY);
  if (s) hello.session = s;
  sock.send(hello);
}

function onClose(ev) {
  conv.forgetTyping();
  feedbackLost();   /* unanswered: Send may be pressed again */
  if (relang) {
    relang = false;
    sock.connect();   /* at once: the same session, a hello in the new language */
    Chat.connStatus(null);   /* nothing to worry anyone about */
    updateControls();
    return;
  }
  if (ev && ev.code === 4002) {
    /* the session went on in another tab: reconnecting would take it back
     * and the two tabs would take turns for ever */
    conv.failPending();
    Chat.connStatus(null);
    showView('elsewhere');
    focusHeading('elsewhere-heading');
    return;
  }
  sock.retry();
  updateControls();
}

/* ---- incoming ---- */

function onMessage(m) {
  switch (m.type) {
    case 'welcome': onWelcome(m); break;
    case 'queued': onQueued(m); break;
    case 'left': onLeft(); break;
    case 'chat_started': onChatStarted(m); break;
    case 'msg': onMsg(m); break;
    case 'ack': onAck(m); break;
    case 'typing': onTyping(m); break;
    case 'chat_ended': onChatEnded(m); break;
    case 'error': onError(m); break;
    default: Letters.onLetterFrame(m); break;
  }
}

function onWelcome(m) {
  Chat.connStatus(null);
  if (typeof m.session === 'string') Chat.store(SESSION_KEY, m.session);
  if (Array.isArray(m.topics)) {
    topics = m.topics;
    setQuestions(topics);
  }
  Letters.setLetterTopics(m);
  orgs = Array.isArray(m.orgs) ? m.orgs : null;
  renderOrg();
  help = m.help && typeof m.help === 'object' ? m.help : null;
  resuming = !!m.resumed && m.state === 'chatting';
  if (m.resumed && (m.state === 'queued' || m.state === 'chatting')) {
    /* the matching queued / chat_started follows and sets the view */
    updateControls();
    return;
  }
  if (chat !== null) {
    /* the chat ended while we were disconnected (its chat_ended went to the
     * old connection); feedback is still possible if the session resumed */
    conv.failPending();
    ended = { chat: m.resumed ? chat.id : null, by: m.resumed ? 'away' : 'timeout' };
    chat = null;
    queued = null;
    queueNote = null;
    conv.setOthersTyping(false);
    renderEnded();
    resetFeedback();
    showView('ended');
  } else if (queued !== null) {
    /* our place in the queue did not survive the disconnect */
    queued = null;
    queueNote = null;
  }
  if (view === 'questions' && questionsOf(askingTopic()).length) {
    renderQuestions(topicTitle);   /* reconnected while answering: stay */
  } else if (view !== 'ended' && !Letters.isLetterView(view)) {
    forgetQuestions();
    showView('topics');
  }
  renderTopics();
  updateControls();
}

function onQueued(m) {
  if (chat !== null) {
    /* our worker left (grace passed, logged out) or transferred us: the chat
     * id and its history stay, the next chat_started brings them back */
    queueNote = m.topic && m.topic !== chat.topic
      ? { key: 'v.queue.transferred', topic: m.topic }
      : { key: 'v.queue.requeued', topic: m.topic };
    conv.failPending();
    conv.typingStop();
    conv.setOthersTyping(false);
    chat = null;
  } else if (view !== 'queue') {
    queueNote = null;
  }
  var moved = view !== 'queue';
  if (moved || !queued || queued.topic !== m.topic) {
    /* a new wait (or a new topic's): its own first estimate */
    promised = null;
    firstQueuedAt = Date.now();
  }
  queued = m;
  queuedAt = Date.now();
  if (promised === null && typeof m.estimated_wait_s === 'number') promised = waitedNow() + m.estimated_wait_s;
  forgetQuestions();
  clearErrors();
  topicsNote = '';
  renderQueue();
  showView('queue');
  if (moved) {
    focusHeading('queue-heading');
    refreshTopics();   /* is anyone on duty now? */
  }
}

function onLeft() {
  queued = null;
  promised = null;
  queueNote = null;
  topicsNote = 'v.queue.left';
  showView('topics');
  renderTopics();
  refreshTopics();
}

function onChatStarted(m) {
  var sameChat = chat !== null && chat.id === m.chat;
  var unsent = sameChat ? conv.unconfirmed() : [];
  chat = { id: m.chat, topic: m.topic, worker: typeof m.worker === 'string' ? m.worker : '' };
  queued = null;
  queueNote = null;
  ended = null;
  clearErrors();
  conv.clear();
  var history = Array.isArray(m.history) ? m.history : [];
  for (var i = 0; i < history.length; i++) conv.add(history[i], 'ok');
  /* messages we sent just before a reconnect: stored ones are in history now */
  for (i = 0; i < unsent.length; i++) {
    if (!historyHasText(history, unsent[i].text)) {
      unsent[i].status = 'failed';
      conv.append(unsent[i]);
    }
  }
  conv.setOthersTyping(false);
  renderChatWith();
  showView('chat');
  $('chat-input').focus();
  /* a chat coming back after a reload or reconnect did not start now */
  if (!sameChat && !resuming) chatStarted(workerName());
  resuming = false;
}

function historyHasText(history, text) {
  for (var i = 0; i < history.length; i++) {
    if (history[i].from === 'visitor' && history[i].text === text) return true;
  }
  return false;
}

function onMsg(m) {
  if (!chat || (m.chat && m.chat !== chat.id)) return;
  if (conv.seen(m.seq)) return;
  if (m.from === 'worker') conv.setOthersTyping(false);
  conv.add(m, 'ok');
  if (m.from === 'worker') messageCame();
}

function onAck(m) {
  if (feedbackAcked(m)) return;
  conv.ack(m.ref, m.seq);
}

function onTyping(m) {
  if (!chat || m.from === 'visitor') return;
  conv.setOthersTyping(!!m.on);
}

function onChatEnded(m) {
  announce('');   /* the next start is news again */
  conv.failPending();
  ended = { chat: m.chat, by: m.by };
  chat = null;
  conv.setOthersTyping(false);
  conv.typingStop();
  renderEnded();
  resetFeedback();
  showView('ended');
  focusHeading('ended-heading');
}

/* The page's organisation by name, above the title and in the tab's
 * title; nothing for a page without ?org=. */
function renderOrg() {
  var org = Chat.pageOrg();
  var name = org && Chat.orgOf(orgs, org) ? Chat.orgName(orgs, org) : '';
  $('org-name').textContent = name;
  $('org-name').hidden = !name;
  setTitleOrg(name);
}

function onError(m) {
  if (m.code === 'not_found' && m.ref === undefined && Chat.pageOrg()) {
    /* chatd knows no organisation by the address's ?org=: it closes, and
     * asking again would not help */
    sock.stop();
    Chat.connStatus(null);
    showView('noorg');
    return;
  }
  var joined = m.ref !== undefined ? joinTopics[m.ref] : undefined;
  if (m.ref !== undefined) {
    conv.fail(m.ref);
    delete joinTopics[m.ref];
  }
  if (feedbackRefused(m)) return;
  if (Letters.letterError(m)) return;
  /* words that say what helps; the code is for staff, not for the visitor */
  if (m.code === 'queue_full') {
    showQueueFull(m, topicById(joined));
    refreshTopics();
    return;
  }
  Chat.showErrorFrame(m, true);
}

/* A join refused as full: at the cut-off, until when new chats were taken
 * and when the chat is open again (only a later time can help); with the
 * queue full, that places free up. An older daemon without `reason`: the
 * topic's status may tell. */
function showQueueFull(m, tp) {
  var reason = m.reason || (tp && tp.full_reason) || null;
  if (reason === 'cutoff') {
    Chat.showError(cutoffText({
      joins_until: m.joins_until || (tp && tp.joins_until),
      closes_at: m.closes_at || (tp && tp.closes_at),
      next_open: m.next_open || (tp && tp.next_open)
    }));
  } else if (reason === 'queue') {
    Chat.showError(t('v.topic.full.queue'));
  } else {
    Chat.showErrorFrame(m, true);
  }
}

/* ---- views ---- */

/* After a view change the focused control may be gone: start from the new
 * view's heading, so keyboard and screen reader users are where the page is. */
function focusHeading(id) {
  var h = $(id);
  if (h && typeof h.focus === 'function') h.focus();
}

function showView(name) {
  view = name;
  $('view-topics').hidden = name !== 'topics';
  $('view-questions').hidden = name !== 'questions';
  $('view-queue').hidden = name !== 'queue';
  $('view-chat').hidden = name !== 'chat';
  $('view-ended').hidden = name !== 'ended';
  $('view-elsewhere').hidden = name !== 'elsewhere';
  $('view-noorg').hidden = name !== 'noorg';
  Letters.showLetterView(name);
  document.body.classList.toggle('in-chat', name === 'chat');
  renderHelp();
  updateControls();
}

/* The organisation's other help: after a chat, on the closed screen (no
 * topic takes a join now) and in a queue where nobody is on duty. */
function renderHelp() {
  var text = help ? I18N.pick(help, '') : '';
  var closedScreen = view === 'topics' && topics.length > 0 && !topics.some(function (tp) { return tp.state === 'open'; });
  var show = !!text && (closedScreen || (view === 'queue' && queued !== null && !staffedNow()));
  $('help-text').textContent = show ? text : '';
  $('help-box').hidden = !show;
  var after = !!text && view === 'ended';
  $('ended-help-text').textContent = after ? text : '';
  $('ended-help').hidden = !after;
}

function updateControls() {
  var on = sock.connected();
  $('chat-send').disabled = !on;
  $('chat-leave').disabled = !on;
  $('queue-leave').disabled = !on;
  $('questions-join').disabled = !on;
  $('questions-skip').disabled = !on;
  var btns = $('topics').querySelectorAll('button');
  for (var i = 0; i < btns.length; i++) btns[i].disabled = !on;
  Letters.updateLetterControls();
}

function topicTitle(id) {
  return Chat.topicTitle(topics, id);
}

function renderTopics() {
  var letterFocus = Letters.letterFocused();
  renderTopicList(topics, topicsNote, onTopicClick);
  Letters.renderLetterOffers(topics, letterFocus);
  renderHelp();
  updateControls();
}

function topicById(id) {
  for (var i = 0; i < topics.length; i++) {
    if (topics[i].id === id) return topics[i];
  }
  return null;
}

function onTopicClick(ev) {
  var id = ev.currentTarget.getAttribute('data-topic');
  var tp = topicById(id);
  clearErrors();
  topicsNote = '';
  /* questions only where a join can succeed: otherwise its error at once */
  if (tp && tp.state === 'open' && questionsOf(id).length) {
    startAsking(id, topicTitle);   /* every visit starts unanswered */
    showView('questions');
    focusHeading('questions-heading');
    return;
  }
  join(id, null);
}

/* answers: {question id: answer id}, or null to join without. */
function join(id, answers) {
  var req = { type: 'join', topic: id, ref: sock.nextRef() };
  if (answers && Object.keys(answers).length) req.answers = answers;
  joinTopics[req.ref] = id;
  sock.send(req);
}

/* Refresh the topic list from the public status while the visitor picks one
 * or waits (the welcome's questions stay: the status has none). */
function refreshTopics() {
  Chat.fetchStatus(orgQuery)
    .then(function (j) {
      topics = j.topics;
      if (view === 'topics') renderTopics();
      if (view === 'queue') renderQueue();
    })
    .catch(function () { /* keep the list we have */ });
}

/* Back from the questions to the topics, on the topic's button. */
function questionsBack() {
  var id = askingTopic();
  forgetQuestions();
  clearErrors();
  showView('topics');
  renderTopics();
  var b = id ? $('topics').querySelector('[data-topic="' + id + '"]') : null;
  if (b) b.focus();
}

/* Seconds waited now: the daemon's waited_s and the time since it came,
 * or, from an older daemon, since this page saw the wait begin. */
function waitedNow() {
  if (!queued) return 0;
  if (typeof queued.waited_s === 'number') return queued.waited_s + (Date.now() - queuedAt) / 1000;
  return (Date.now() - firstQueuedAt) / 1000;
}

/* Whether someone is on duty for the wait: the queued frame says so, else
 * the topic's status. */
function staffedNow() {
  if (!queued) return true;
  if (typeof queued.staffed === 'boolean') return queued.staffed;
  var tp = topicById(queued.topic);
  return !(tp && tp.staffed === false);
}

/* Sets an element's text and shows it, or hides it for ''; unchanged text
 * is not written again, so a live region does not repeat itself. */
function say(id, text) {
  var el = $(id);
  if (el.textContent !== text) el.textContent = text;
  el.hidden = !text;
}

function renderQueue() {
  if (!queued) return;
  var note = $('queue-note');
  note.textContent = queueNote ? t(queueNote.key, { topic: topicTitle(queueNote.topic) }) : '';
  note.hidden = !queueNote;
  say('queue-topic', t('v.queue.topic', { topic: topicTitle(queued.topic) }));
  var pos = Number(queued.position);
  var tp = topicById(queued.topic);
  var staffed = staffedNow();
  /* "next" promises someone soon: with nobody on duty, only the place */
  say('queue-position', pos === 1 && staffed ? t('v.queue.next') : t('v.queue.position', { n: pos }));
  var waited = waitedNow();

  /* the estimate: the remaining wait, until the wait outlives the first
   * one; nobody on duty has no estimate to give */
  var w = queued.estimated_wait_s;
  var wait;
  if (!staffed) wait = '';
  else if (promised !== null && waited > promised + LONGER_SLACK_S) wait = t('v.queue.wait.longer');
  else if (typeof w !== 'number') wait = t('v.queue.wait.unknown');
  else if (w < 60) wait = t('v.queue.wait.soon');
  else wait = t('v.queue.wait', { wait: I18N.formatDuration(w) });
  say('queue-wait', wait);
  say('queue-waited', waited >= 60 ? t('v.queue.waited', { wait: I18N.formatDuration(waited) }) : '');

  /* nobody on duty: nobody is about to answer, and the visitor should
   * know when that changes and what they can do meanwhile */
  var nextOpen = queued.next_open || (tp && tp.state === 'closed' ? tp.next_open : null);
  say('queue-avail', staffed ? '' : [
    t('v.queue.nobody'),
    nextOpen ? t('v.queue.nobody.opens', { when: I18N.formatWhen(nextOpen) }) : '',
    t('v.queue.nobody.can')
  ].filter(Boolean).join(' '));
  $('queue-hint').hidden = !staffed;

  /* when the chat closes, and plainly what happens to a wait it cuts short */
  var closesAt = queued.closes_at !== undefined ? queued.closes_at : (tp ? tp.closes_at : null);
  var left = closesAt ? (Date.parse(closesAt) - Date.now()) / 1000 : NaN;
  var closing = closesAt && left < CLOSING_SOON_S ? closingText(closesAt, left, nextOpen || (tp && tp.next_open)) : '';
  /* closed since the visitor joined, someone still on duty */
  if (!closesAt && queued.next_open && staffed) closing = [t('v.queue.closed.now'), t('v.queue.closing.what')].join(' ');
  say('queue-closing', closing);
  say('queue-closes', closesAt && !closing ? t('v.queue.closes', { when: I18N.formatWhen(closesAt) }) : '');
  renderHelp();
}

/* What happens to a visitor still waiting when the chat closes (left
 * seconds from now, at closesAt): chatd keeps handing out a closed topic's
 * queue to whoever is still on duty for it (protocol/PROTOCOL.md). */
function closingText(closesAt, left, nextOpen) {
  var parts = [t(left > 0 ? 'v.queue.closing' : 'v.queue.closed', {
    min: Math.max(1, Math.ceil(left / 60)),
    when: I18N.formatWhen(closesAt, 'time.at')
  }), t('v.queue.closing.what')];
  if (nextOpen) parts.push(t('v.topic.reopens', { when: I18N.formatWhen(nextOpen) }));
  return parts.join(' ');
}

function workerName() {
  return chat && chat.worker ? chat.worker : t('v.chat.worker');
}

function renderChatWith() {
  if (!chat) return;
  $('chat-with').textContent = t('v.chat.with', { name: workerName() });
}

function renderEnded() {
  if (!ended) return;
  var by = ended.by;
  var key = 'v.ended.' + (['visitor', 'worker', 'timeout', 'away'].indexOf(by) >= 0 ? by : 'server');
  $('ended-reason').textContent = t(key);
}

/* ---- chat ---- */

function newConversation() {
  return new Chat.Conversation({
    log: $('chat-log'),
    typingEl: $('chat-typing'),
    own: 'visitor',
    /* a line written by someone else than the chat's worker (a supervisor
     * who joined) carries their alias */
    who: function (from, rec) {
      if (from === 'visitor') return t('v.chat.you');
      return rec && rec.alias ? rec.alias : workerName();
    },
    typingText: function () { return t('v.chat.typing', { name: workerName() }); },
    live: function () { return chat !== null; },
    sock: sock
  });
}

/* ---- start ---- */

/* Not waiting or chatting yet: the next hello names the language now shown. */
function sayLanguage() {
  if (helloLang === I18N.lang || relang || !sock.connected()) return;
  if (view !== 'topics' && view !== 'questions' && view !== 'ended') return;
  relang = true;
  sock.close(1000);
}

function onLangChange() {
  sayLanguage();
  renderTitle();
  renderOrg();
  renderTopics();
  renderQuestions(topicTitle);
  renderQueue();
  renderChatWith();
  renderEnded();
  labelScores();
  conv.renderAll();
  Letters.onLetterLang();
}

function init() {
  I18N.onChange(onLangChange);
  initAttention();
  initFeedback(sock, function () { return ended && ended.chat; });
  Letters.initLetters(sock, showView, function () { return topics; });
  onQuietWeek(function () { if (view === 'topics') renderTopics(); });
  conv = newConversation();

  $('elsewhere-continue').addEventListener('click', function () {
    if (!sock.idle()) return;
    showView('connecting');
    sock.connect();
  });

  conv.bind($('chat-form'), $('chat-input'));
  $('chat-leave').addEventListener('click', function () {
    conv.typingStop();
    sock.send({ type: 'leave', ref: sock.nextRef() });
  });
  $('questions-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (askingTopic()) join(askingTopic(), chosenAnswers());
  });
  $('questions-skip').addEventListener('click', function () {
    if (askingTopic()) join(askingTopic(), null);
  });
  $('questions-back').addEventListener('click', questionsBack);
  $('queue-leave').addEventListener('click', function () {
    sock.send({ type: 'leave', ref: sock.nextRef() });
  });
  $('again').addEventListener('click', function () {
    ended = null;
    topicsNote = '';
    clearErrors();
    showView('topics');
    renderTopics();
    refreshTopics();
    var first = $('topics').querySelector('button');
    if (first) first.focus();
  });

  window.setInterval(function () {
    if ((view === 'topics' || view === 'queue') && sock.connected()) refreshTopics();
    if (view === 'queue') renderQueue();   /* the wait and the closing move on */
  }, TOPICS_REFRESH_MS);

  showView('connecting');
  sock.connect();
}

initQuickExit(function () {
  /* the token is forgotten, so the place or chat could never be resumed:
   * let the worker know now rather than after the grace, and that it was
   * the quick exit (the visitor may not be safe to talk) */
  if (view === 'queue' || view === 'chat') sock.send({ type: 'leave', quick: true });
  Letters.clearLetters();   /* the forms, the code and the keys */
  sock.stop();   /* never reconnect */
});
I18N.ready(init);
