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
 * 4002): this tab then waits until the visitor chooses to continue here. */
import { I18N } from './i18n.js';
import * as Chat from './common.js';
import * as ChatQuiet from './quiet-rule.js';

var SESSION_KEY = 'chat.session';
var TOPICS_REFRESH_MS = 15000; /* topic list and queue: who is on duty now */
var QUIET_WAIT_S = 600;        /* an estimate this long makes a topic busy */

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;

var sock = new Chat.Socket('visitor.v1', { open: onOpen, message: onMessage, close: onClose });
var view = 'connecting';       /* connecting | topics | questions | queue | chat | ended | elsewhere */
var topics = [];
var questionSets = {};         /* topic id -> its questions, from the last welcome */
var asking = null;             /* topic id whose questions are on screen */
var queued = null;             /* last queued message */
var queueNote = null;          /* {key, topic}: why a chat went back to the queue */
var chat = null;               /* {id, topic, worker} */
var conv = null;               /* the current chat's messages and typing, see init() */
var feedbackRef = null;
var ended = null;              /* {chat, by} */
var topicsNote = '';
var weeks = {};                /* topic id -> its quiet-time phrases, 'loading' or [] */
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
  feedbackRef = null;   /* unanswered: Send may be pressed again */
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
    default: break;
  }
}

function onWelcome(m) {
  Chat.connStatus(null);
  if (typeof m.session === 'string') Chat.store(SESSION_KEY, m.session);
  if (Array.isArray(m.topics)) {
    topics = m.topics;
    questionSets = {};
    for (var i = 0; i < topics.length; i++) {
      if (Array.isArray(topics[i].questions)) questionSets[topics[i].id] = topics[i].questions;
    }
  }
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
  if (view === 'questions' && questionsOf(asking).length) {
    renderQuestions();   /* reconnected while answering: stay */
  } else if (view !== 'ended') {
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
  queued = m;
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
}

function onAck(m) {
  if (m.ref !== undefined && m.ref === feedbackRef) {
    feedbackRef = null;
    feedbackDone('v.feedback.thanks');
    return;
  }
  conv.ack(m.ref, m.seq);
}

function onTyping(m) {
  if (!chat || m.from === 'visitor') return;
  conv.setOthersTyping(!!m.on);
}

function onChatEnded(m) {
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

function onError(m) {
  if (m.ref !== undefined) conv.fail(m.ref);
  if (m.ref !== undefined && m.ref === feedbackRef) {
    feedbackRef = null;
    if (m.code === 'bad_state') {
      /* given already, or more than 15 minutes after the end */
      feedbackDone('v.feedback.late');
      return;
    }
  }
  Chat.showErrorFrame(m);
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
  document.body.classList.toggle('in-chat', name === 'chat');
  updateControls();
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
}

function topicTitle(id) {
  return Chat.topicTitle(topics, id);
}

function renderTopics() {
  var box = $('topics');
  var active = document.activeElement;
  var focused = active && box.contains(active) ? active.getAttribute('data-topic') : null;
  box.textContent = '';
  var note = $('topics-note');
  note.textContent = topicsNote ? t(topicsNote) : '';
  note.hidden = !topicsNote;
  $('topics-none').hidden = topics.length > 0;
  for (var i = 0; i < topics.length; i++) {
    var tp = topics[i];
    var state = tp.state === 'open' || tp.state === 'full' ? tp.state : 'closed';
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'topic topic-' + state;
    b.setAttribute('data-topic', tp.id);
    var title = document.createElement('span');
    title.className = 'topic-title';
    title.textContent = I18N.pick(tp.title, tp.id);
    var st = document.createElement('span');
    st.className = 'topic-state';
    var badge = document.createElement('span');
    badge.className = 'badge badge-' + state;
    badge.textContent = t('v.topic.' + state);
    st.appendChild(badge);
    var avail = state === 'open' ? availability(tp) : null;
    if (avail) {
      b.className += ' topic-' + avail;
      badge.className += ' badge-' + avail;
    }
    var detail = '';
    if (state === 'closed' && tp.next_open) {
      detail = t('v.topic.opens', { time: I18N.formatTime(tp.next_open, true) });
    } else if (avail === 'open' && typeof tp.estimated_wait_s === 'number' && tp.estimated_wait_s >= 60) {
      detail = t('v.topic.wait', { wait: I18N.formatDuration(tp.estimated_wait_s) });
    }
    if (detail) {
      var d = document.createElement('span');
      d.className = 'topic-detail';
      d.textContent = detail;
      st.appendChild(d);
    }
    b.appendChild(title);
    b.appendChild(st);
    var say = avail ? availText(tp) : '';
    if (say) {
      var a = document.createElement('span');
      a.className = 'topic-avail';
      a.textContent = say;
      b.appendChild(a);
    }
    var quiet = quietLine(tp, state, avail);
    if (quiet) {
      var q = document.createElement('span');
      q.className = 'topic-quiet';
      q.textContent = quiet;
      b.appendChild(q);
    }
    b.addEventListener('click', onTopicClick);
    box.appendChild(b);
    if (focused === tp.id) b.focus();
  }
  updateControls();
}

/* What a visitor can expect of an open topic (contract v2 §1): 'answering'
 * (an on-duty worker has a free slot now), 'busy' (on duty, every slot
 * taken), 'nobody' (open, but nobody on duty) or 'open' (the daemon does
 * not say). */
function availability(tp) {
  if (tp.staffed === false) return 'nobody';
  if (tp.answering === true) return 'answering';
  if (tp.answering === false) return 'busy';
  return 'open';
}

/* The sentence under an open topic; '' when there is nothing to add. */
function availText(tp) {
  switch (availability(tp)) {
    case 'answering': return t('v.avail.answering');
    case 'nobody': return t('v.avail.nobody');
    case 'busy':
      if (typeof tp.estimated_wait_s !== 'number') return t('v.avail.busy');
      return t('v.avail.busy.wait', { wait: I18N.formatDuration(Math.max(60, tp.estimated_wait_s)) });
    default: return '';
  }
}

/* A topic that is closed, full or busy names its quieter times (contract
 * v2 §1), as text in the button so that it is read with it; '' while the
 * week is being fetched or has no quiet hour. */
function quietLine(tp, state, avail) {
  var busy = state !== 'open' || avail === 'busy' || avail === 'nobody' ||
    (avail === 'open' && typeof tp.estimated_wait_s === 'number' && tp.estimated_wait_s >= QUIET_WAIT_S);
  if (!busy) return '';
  var times = weeks[tp.id];
  if (times === undefined) fetchWeek(tp.id);
  if (!Array.isArray(times) || !times.length) return '';
  return t('v.quiet', { times: ChatQuiet.quietText(times, I18N.locale()) });
}

/* The topic's week, once per page load (it changes hourly). */
function fetchWeek(id) {
  weeks[id] = 'loading';
  window.fetch('/api/status/week?topic=' + encodeURIComponent(id), { credentials: 'omit' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (j) {
      weeks[id] = j && Array.isArray(j.hours) ? ChatQuiet.quietTimes(j.hours) : [];
      if (weeks[id].length && view === 'topics') renderTopics();
    })
    .catch(function () { weeks[id] = []; });
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
    forgetQuestions();   /* every visit starts unanswered */
    asking = id;
    renderQuestions();
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
  sock.send(req);
}

/* Refresh the topic list from the public status while the visitor picks one
 * or waits (the welcome's questions stay: the status has none). */
function refreshTopics() {
  Chat.fetchStatus()
    .then(function (j) {
      topics = j.topics;
      if (view === 'topics') renderTopics();
      if (view === 'queue') renderQueue();
    })
    .catch(function () { /* keep the list we have */ });
}

/* ---- questions before the chat ---- */

/* No answers linger on the page once they are sent or given up. */
function forgetQuestions() {
  asking = null;
  $('questions').textContent = '';
}

function questionsOf(id) {
  var qs = id ? questionSets[id] : null;
  return Array.isArray(qs) ? qs : [];
}

/* The chosen answers on screen: {question id: answer id}. */
function chosenAnswers() {
  var out = {};
  var radios = $('questions').querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) {
    if (radios[i].checked) out[radios[i].getAttribute('data-question')] = radios[i].value;
  }
  return out;
}

/* Builds one fieldset per question of the topic being asked; answers
 * chosen and focus survive a rebuild (a language change, a reconnect). */
function renderQuestions() {
  if (!asking) return;
  var box = $('questions');
  var chosen = chosenAnswers();
  var active = document.activeElement;
  var focusId = active && box.contains(active) ? active.id : null;
  box.textContent = '';
  $('questions-topic').textContent = t('v.queue.topic', { topic: topicTitle(asking) });
  var qs = questionsOf(asking);
  for (var i = 0; i < qs.length; i++) box.appendChild(questionFieldset(qs[i], chosen[qs[i].id]));
  if (focusId && $(focusId)) $(focusId).focus();
}

function questionFieldset(q, chosen) {
  var base = 'q-' + q.id;
  var fs = document.createElement('fieldset');
  fs.className = 'question';
  fs.setAttribute('data-question', q.id);
  var legend = document.createElement('legend');
  legend.id = base + '-legend';
  legend.textContent = I18N.pick(q.text, q.id);
  fs.appendChild(legend);
  var answers = Array.isArray(q.answers) ? q.answers : [];
  for (var j = 0; j < answers.length; j++) {
    var row = document.createElement('div');
    row.className = 'check';
    var r = document.createElement('input');
    r.type = 'radio';
    r.name = base;
    r.id = base + '-' + answers[j].id;
    r.value = answers[j].id;
    r.setAttribute('data-question', q.id);
    r.checked = chosen === answers[j].id;
    r.addEventListener('change', onAnswerChange);
    var lb = document.createElement('label');
    lb.htmlFor = r.id;
    lb.textContent = I18N.pick(answers[j].label, answers[j].id);
    row.appendChild(r);
    row.appendChild(lb);
    fs.appendChild(row);
  }
  var clear = document.createElement('button');
  clear.type = 'button';
  clear.id = base + '-clear';
  clear.className = 'button small secondary q-clear';
  clear.textContent = t('v.q.clear');
  clear.setAttribute('aria-describedby', legend.id);
  clear.hidden = !chosen;
  clear.addEventListener('click', onAnswerClear);
  fs.appendChild(clear);
  return fs;
}

function onAnswerChange(ev) {
  ev.currentTarget.closest('fieldset').querySelector('.q-clear').hidden = false;
}

/* Takes the answer back: the question is unanswered again, the keyboard
 * back at its first choice. */
function onAnswerClear(ev) {
  var fs = ev.currentTarget.closest('fieldset');
  var radios = fs.querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  ev.currentTarget.hidden = true;
  if (radios.length) radios[0].focus();
}

function questionsBack() {
  var id = asking;
  forgetQuestions();
  clearErrors();
  showView('topics');
  renderTopics();
  var b = id ? $('topics').querySelector('[data-topic="' + id + '"]') : null;
  if (b) b.focus();
}

function renderQueue() {
  if (!queued) return;
  var note = $('queue-note');
  note.textContent = queueNote ? t(queueNote.key, { topic: topicTitle(queueNote.topic) }) : '';
  note.hidden = !queueNote;
  $('queue-topic').textContent = t('v.queue.topic', { topic: topicTitle(queued.topic) });
  var pos = Number(queued.position);
  $('queue-position').textContent = pos === 1 ? t('v.queue.next') : t('v.queue.position', { n: pos });
  var w = queued.estimated_wait_s;
  var wait;
  if (typeof w !== 'number') wait = t('v.queue.wait.unknown');
  else if (w < 60) wait = t('v.queue.wait.soon');
  else wait = t('v.queue.wait', { wait: I18N.formatDuration(w) });
  $('queue-wait').textContent = wait;
  /* nobody on duty: nobody is about to answer, and the visitor should know */
  var tp = topicById(queued.topic);
  var avail = $('queue-avail');
  avail.hidden = !(tp && tp.staffed === false);
  avail.textContent = avail.hidden ? '' : t('v.avail.nobody');
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
    who: function (from) { return from === 'visitor' ? t('v.chat.you') : workerName(); },
    typingText: function () { return t('v.chat.typing', { name: workerName() }); },
    live: function () { return chat !== null; },
    sock: sock
  });
}

/* ---- feedback ---- */

/* The feedback form (contract v2 §4): a 1-5 score, "did it help" and
 * "would you contact us again", each an optional radio group that can be
 * cleared again. Send takes only what was chosen; with nothing chosen it
 * sends nothing (the daemon takes one feedback per chat, so an empty one
 * would only use it up). */
function feedbackControls() {
  return $('feedback').querySelectorAll('input, button');
}

function setFeedbackEnabled(on) {
  var c = feedbackControls();
  for (var i = 0; i < c.length; i++) c[i].disabled = !on;
}

function resetFeedback() {
  feedbackRef = null;
  $('feedback-thanks').textContent = '';
  $('feedback').hidden = !(ended && ended.chat);
  setFeedbackEnabled(true);
  var radios = $('feedback').querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  var clears = $('feedback').querySelectorAll('.fb-clear');
  for (i = 0; i < clears.length; i++) clears[i].hidden = true;
  labelScores();
}

function labelScores() {
  var r = $('feedback').querySelectorAll('input[data-score]');
  for (var i = 0; i < r.length; i++) {
    r[i].setAttribute('aria-label', t('v.feedback.score', { n: r[i].getAttribute('data-score') }));
  }
}

/* The chosen answers as feedback fields: {score?, helped?, again?}. */
function feedbackChoice() {
  var out = {};
  var chosen = $('feedback').querySelectorAll('input[type="radio"]:checked');
  for (var i = 0; i < chosen.length; i++) {
    var v = chosen[i].value;
    if (chosen[i].name === 'fb-score') out.score = Number(v);
    else if (chosen[i].name === 'fb-helped') out.helped = v;
    else if (chosen[i].name === 'fb-again') out.again = v === 'yes';
  }
  return out;
}

function onFeedbackChange(ev) {
  ev.target.closest('fieldset').querySelector('.fb-clear').hidden = false;
  $('feedback-thanks').textContent = '';
}

/* Takes one answer back, the keyboard back at the group's first choice. */
function onFeedbackClear(ev) {
  var fs = ev.currentTarget.closest('fieldset');
  var radios = fs.querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  ev.currentTarget.hidden = true;
  if (radios.length) radios[0].focus();
}

function onFeedbackSubmit(ev) {
  ev.preventDefault();
  if (!ended || !ended.chat || feedbackRef !== null) return;
  var req = feedbackChoice();
  if (!Object.keys(req).length) {
    $('feedback-thanks').textContent = t('v.feedback.empty');
    return;
  }
  req.type = 'feedback';
  req.chat = ended.chat;
  req.ref = feedbackRef = 'fb' + sock.nextRef();
  if (!sock.send(req)) feedbackRef = null;
}

/* Sent (or refused for good): the form goes, its note stays, and the
 * keyboard goes on to the next thing to do rather than to the page's top.
 * Until then a second Send waits (feedbackRef). */
function feedbackDone(key) {
  if ($('feedback').contains(document.activeElement)) $('again').focus();
  setFeedbackEnabled(false);
  $('feedback').hidden = true;
  $('feedback-thanks').textContent = t(key);
}

/* ---- quick exit ---- */

/* Where quick exit goes: the button's data-exit-url if it is an http(s)
 * address, else about:blank (a page that loads nothing). */
function exitUrl() {
  var u = $('quick-exit').getAttribute('data-exit-url') || '';
  return /^https?:\/\/[^\s]+$/i.test(u) ? u : 'about:blank';
}

function quickExit() {
  var url = exitUrl();
  try { window.sessionStorage.clear(); } catch (e) { /* ignore */ }
  /* the token is forgotten, so the place or chat could never be resumed:
   * let the worker know now rather than after the grace */
  if (view === 'queue' || view === 'chat') sock.send({ type: 'leave' });
  sock.stop();   /* never reconnect */
  document.title = '';
  document.body.textContent = '';
  location.replace(url);
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
  document.title = t('v.title');
  renderTopics();
  renderQuestions();
  renderQueue();
  renderChatWith();
  renderEnded();
  labelScores();
  conv.renderAll();
}

/* Quick exit works from the first moment, before the texts are loaded. */
function initQuickExit() {
  $('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (ev) {
    if ((ev.key === 'Escape' || ev.key === 'Esc') && !ev.isComposing) quickExit();
  });
}

function init() {
  I18N.onChange(onLangChange);
  document.title = t('v.title');
  labelScores();
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
    if (asking) join(asking, chosenAnswers());
  });
  $('questions-skip').addEventListener('click', function () {
    if (asking) join(asking, null);
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
  $('feedback').addEventListener('submit', onFeedbackSubmit);
  $('feedback').addEventListener('change', onFeedbackChange);
  var clears = $('feedback').querySelectorAll('.fb-clear');
  for (var i = 0; i < clears.length; i++) clears[i].addEventListener('click', onFeedbackClear);

  window.setInterval(function () {
    if ((view === 'topics' || view === 'queue') && sock.connected()) refreshTopics();
  }, TOPICS_REFRESH_MS);

  showView('connecting');
  sock.connect();
}

initQuickExit();
I18N.ready(init);
