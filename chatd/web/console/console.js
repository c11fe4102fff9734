/* console.js: the worker console (protocol worker.v1).
 *
 * One WebSocket, reconnected with back-off; after a reconnect the console logs in
 * again with the session token ('console.token' in sessionStorage, never
 * localStorage) and, if the worker was on duty, re-sends the same duty. The server
 * is the truth: duty, queue and chat panels change only on its messages. Each
 * chat is a panel <section data-chat="ID"> that stays (marked ended) until the
 * worker closes it. Own messages stay "sending" until the `ack` with their ref.
 * After every welcome the console sends `ping`: the server re-sends each open
 * chat right after the welcome, so when the `pong` comes, a panel that was not
 * re-sent has lost its chat (it went back to the queue while we were away).
 * A worker may have several tabs; when too many are open the server closes the
 * oldest with 4001, and that tab stays closed until the worker reconnects it.
 * Triage (contract v2 §2): duty carries the languages the worker chats in; a
 * chat shows the visitor's language and pre-chat answers at its top, in the
 * worker's own language (the texts come with the welcome's questions), and is
 * marked urgent in words, not colour alone; `flag` marks or unmarks it, and
 * every tab follows the pushed `flag`. The queue counts urgent visitors.
 * The shift (contract v2 §3, §4): "Ask a supervisor" under each chat sends
 * `alert` with an optional note, and says at once when no supervisor is
 * there to get it; a supervisor's whispers show in the chat as lines only
 * staff see, and a supervisor who joined writes under its alias
 * (staff.js). When the worker's part of a chat ends, the wrap-up form
 * (wrapup.js) opens in its panel. Coordinators and admins also get the
 * shift board (board.js) at #board; a coordinator, who cannot go on duty,
 * sees only that. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { Asks } from './ask.js';
import { Wrapups } from './wrapup.js';
import { Board } from './board.js';

var TOKEN_KEY = 'console.token';

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;
var showError = Chat.showError;

var sock = new Chat.Socket('worker.v1', { open: onOpen, message: onMessage, close: onClose });
var baseTitle = document.title;
var unread = 0;

var me = null;                 /* {user, alias, role} once logged in */
var loginMsg = null;           /* login request waiting for the socket to open */
var loginRef = null;
var loginByToken = false;
var loggingOut = false;
var syncRef = null;            /* ping sent after a welcome, see onPong() */
var unconfirmed = {};          /* chat id -> true: open panels not re-sent yet */

var topicList = [];            /* from /api/status */
var duty = null;               /* last duty answer {on, topics, capacity} */
var dutyWanted = null;         /* duty to restore after a reconnect */
var queueState = null;
var chats = {};                /* chat id -> chat record, see newChat() */
var chatOrder = [];
var panelCounter = 0;
var canned = [];               /* canned replies from the welcome */
var questions = [];            /* pre-chat questions from the welcome */
var langs = [];                /* language codes the server accepts, from the welcome */
var flagRefs = {};             /* ref of a flag request -> {chat, urgent} */
var categories = [];           /* contact categories from the welcome, for the wrap-up */
var board = null;              /* the supervisors' board (board.js), made in init() */
var wrapups = null;            /* the wrap-up forms (wrapup.js), made in init() */
var asks = new Asks(sock);     /* "ask a supervisor" under each chat (ask.js) */

/* ---- connection ---- */

function onOpen() {
  Chat.connStatus(null);
  if (!loginMsg) {
    var tok = Chat.stored(TOKEN_KEY);
    if (tok) loginMsg = { type: 'login', token: tok };
  }
  if (loginMsg) sendLogin(loginMsg);
  else showLogin();
}

function onClose(ev) {
  syncRef = null;
  var wasLoggedIn = me !== null;
  me = null;
  loginRef = null;
  board.lost();
  wrapups.connected(false);
  for (var id in chats) {
    if (Object.prototype.hasOwnProperty.call(chats, id)) {
      chats[id].conv.forgetTyping();
      chats[id].conv.failPending();
    }
  }
  if (loggingOut) {
    loggingOut = false;
    sock.retry(true);
  } else if (ev && ev.code === 4001) {
    /* too many tabs of this session: this, the oldest, gives way; coming
     * back on its own would push out another tab */
    Chat.connStatus(null);
    showReplaced();
    updateControls();
    return;
  } else {
    sock.retry();
  }
  if (!wasLoggedIn && !Chat.stored(TOKEN_KEY)) showLogin();
  updateControls();
}

function showReplaced() {
  var box = $('errors');
  box.textContent = '';
  var p = document.createElement('p');
  p.className = 'error-text';
  p.textContent = t('c.replaced');
  var again = document.createElement('button');
  again.type = 'button';
  again.id = 'reconnect';
  again.className = 'button small';
  again.textContent = t('c.reconnect');
  again.addEventListener('click', function () {
    clearErrors();
    if (sock.idle()) sock.connect();
  });
  box.appendChild(p);
  box.appendChild(again);
  again.focus();
}

/* ---- login ---- */

function sendLogin(msg) {
  loginRef = 'login' + sock.nextRef();
  loginByToken = msg.token !== undefined;
  msg.ref = loginRef;
  if (sock.send(msg)) loginMsg = null;
}

function showLogin() {
  Chat.showLogin(true, 'work-view');
  $('board-view').hidden = true;
  $('views').hidden = true;
}

/* ---- views: my chats, the shift board ---- */

function supervisor() {
  return me !== null && (me.role === 'coordinator' || me.role === 'admin');
}

/* Shows the view the address asks for (#board, #chats); a coordinator,
 * who cannot go on duty, has only the board. */
function applyView() {
  if (!me) return;
  var sup = supervisor();
  var onBoard = sup && (me.role === 'coordinator' || location.hash === '#board');
  $('views').hidden = !sup || me.role === 'coordinator';
  $('work-view').hidden = onBoard;
  $('board-view').hidden = !onBoard;
  $('nav-board').setAttribute('aria-current', onBoard ? 'page' : 'false');
  $('nav-chats').setAttribute('aria-current', onBoard ? 'false' : 'page');
  board.show(onBoard);
}

/* How many alerts came while the board was not shown. */
function renderBadge(n) {
  var el = $('nav-board-count');
  el.hidden = !n;
  el.textContent = '';
  if (!n) return;
  var shown = document.createElement('span');
  shown.setAttribute('aria-hidden', 'true');
  shown.textContent = String(n);
  var said = document.createElement('span');
  said.className = 'visually-hidden';
  said.textContent = ' ' + t('board.nav.count', { n: n });
  el.appendChild(shown);
  el.appendChild(said);
}

function onLoginSubmit(ev) {
  ev.preventDefault();
  var f = Chat.loginFields();
  if (!f) return;
  clearErrors();
  var msg = { type: 'login', user: f.user, password: f.password };
  if (sock.connected()) sendLogin(msg);
  else loginMsg = msg;   /* sent as soon as the socket opens */
}

function onWelcome(m) {
  loginRef = null;
  me = { user: m.user, alias: m.alias, role: m.role };
  if (typeof m.token === 'string' && m.token) Chat.store(TOKEN_KEY, m.token);
  canned = Array.isArray(m.canned) ? m.canned : [];
  questions = Array.isArray(m.questions) ? m.questions : [];
  langs = Array.isArray(m.langs) ? m.langs.filter(function (l) { return typeof l === 'string'; }) : [];
  categories = Array.isArray(m.categories) ? m.categories.filter(function (x) {
    return x && typeof x.id === 'string';
  }) : [];
  renderDutyLangs();
  $('login-password').value = '';
  clearErrors();
  Chat.showLogin(false, 'work-view');
  applyView();
  if (supervisor()) board.start();
  wrapups.connected(true);
  renderWhoami();
  updateControls();
  if (topicList.length === 0) loadTopics();
  if (dutyWanted) sendDuty(dutyWanted.on, dutyWanted.topics, dutyWanted.capacity, dutyWanted.langs);
  unconfirmed = {};
  for (var i = 0; i < chatOrder.length; i++) {
    if (!chats[chatOrder[i]].ended) unconfirmed[chatOrder[i]] = true;
  }
  syncRef = 'sync' + sock.nextRef();
  sock.send({ type: 'ping', ref: syncRef });
}

/* Everything the server re-sends after a welcome came before this pong. */
function onPong(m) {
  if (syncRef === null || m.ref !== syncRef) return;
  syncRef = null;
  for (var id in unconfirmed) {
    if (Object.prototype.hasOwnProperty.call(unconfirmed, id) && chats[id] && !chats[id].ended) {
      onChatEnded({ chat: id, by: 'requeued' });
    }
  }
  unconfirmed = {};
}

function onLoginError(m) {
  loginRef = null;
  me = null;
  if (loginByToken) {
    Chat.store(TOKEN_KEY, null);
    showLogin();
    if (m.code === 'rate_limited') Chat.showErrorFrame(m);
    else showError(t('c.login.expired'));
    return;
  }
  showLogin();
  Chat.loginRefused(m);
}

function logout() {
  loggingOut = sock.send({ type: 'logout', ref: sock.nextRef() });
  Chat.store(TOKEN_KEY, null);
  me = null;
  duty = null;
  dutyWanted = null;
  queueState = null;
  for (var id in chats) {
    if (Object.prototype.hasOwnProperty.call(chats, id)) chats[id].conv.typingStop();
  }
  chats = {};
  chatOrder = [];
  $('chats').textContent = '';
  board.stop();
  wrapups.clear();
  renderChatsNone();
  renderDuty();
  renderQueue();
  clearErrors();
  showLogin();
  $('login-user').focus();
  /* the server closes the socket; if it does not, do it ourselves */
  window.setTimeout(function () {
    if (loggingOut) sock.close();
  }, 2000);
}

function renderWhoami() {
  if (me) Chat.whoami(me);
}

/* ---- incoming ---- */

function onMessage(m) {
  switch (m.type) {
    case 'welcome': onWelcome(m); break;
    case 'duty': onDuty(m); break;
    case 'queue_state': onQueueState(m); break;
    case 'chat_started': onChatStarted(m); break;
    case 'msg': onMsg(m); break;
    case 'ack': onAck(m); break;
    case 'typing': onTyping(m); break;
    case 'chat_ended': onChatEnded(m); break;
    case 'visitor_away': onAway(m, true); break;
    case 'visitor_back': onAway(m, false); break;
    case 'flag': onFlag(m); break;
    case 'whisper': onWhisper(m); break;
    case 'wrapup': wrapups.open(m); break;
    case 'board': board.onBoard(m); break;
    case 'alert': board.onAlert(m); break;
    case 'error': onError(m); break;
    case 'pong': onPong(m); break;
    case 'logged_out': loggingOut = true; break;
    default: break;
  }
}

function onError(m) {
  if (loginRef !== null && m.ref === loginRef) {
    onLoginError(m);
    return;
  }
  if (m.ref !== undefined) delete flagRefs[m.ref];
  if (asks.answer(m) || wrapups.answer(m) || board.answer(m)) return;
  var c = chatOfRef(m.ref);
  if (c) c.conv.fail(m.ref);
  if (m.code === 'unauthorized' && me === null) {
    Chat.store(TOKEN_KEY, null);
    showLogin();
  }
  Chat.showErrorFrame(m);
}

/* The chat whose message is waiting for the answer to ref, or null. */
function chatOfRef(ref) {
  if (ref === undefined) return null;
  for (var i = 0; i < chatOrder.length; i++) {
    if (chats[chatOrder[i]].conv.pending[ref]) return chats[chatOrder[i]];
  }
  return null;
}

/* ---- topics and duty ---- */

function loadTopics() {
  Chat.fetchStatus()
    .then(function (j) {
      topicList = j.topics;
      renderDutyTopics();
      renderDuty();   /* a duty answer may have come first, showing bare ids */
      renderQueue();
      refreshPanelMeta();
      board.render();   /* the board may have come first, too */
      /* chats re-sent after a reload may have come first: transfer needs the topics */
      for (var i = 0; i < chatOrder.length; i++) rebuildTools(chats[chatOrder[i]]);
    })
    .catch(function () {
      var box = $('duty-topics');
      box.textContent = '';
      var p = document.createElement('p');
      p.className = 'muted';
      p.textContent = t('c.duty.loadfail');
      box.appendChild(p);
    });
}

function topicTitle(id) {
  return Chat.topicTitle(topicList, id);
}

function checkedTopics() {
  var out = [];
  var boxes = $('duty-topics').querySelectorAll('input[type="checkbox"]');
  for (var i = 0; i < boxes.length; i++) {
    if (boxes[i].checked) out.push(boxes[i].value);
  }
  return out;
}

function renderDutyTopics() {
  var box = $('duty-topics');
  var wasChecked = checkedTopics();
  if (duty && duty.on && Array.isArray(duty.topics)) wasChecked = duty.topics;
  box.textContent = '';
  for (var i = 0; i < topicList.length; i++) {
    var tp = topicList[i];
    var row = document.createElement('div');
    row.className = 'check';
    var cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.id = 'duty-topic-' + tp.id;
    cb.value = tp.id;
    cb.name = 'topic';
    cb.checked = wasChecked.indexOf(tp.id) >= 0;
    var lb = document.createElement('label');
    lb.htmlFor = cb.id;
    lb.textContent = I18N.pick(tp.title, tp.id);
    row.appendChild(cb);
    row.appendChild(lb);
    box.appendChild(row);
  }
}

/* A language's own name ("Svenska") where the pages have it, else its code. */
function langName(code) {
  for (var i = 0; i < I18N.langs.length; i++) {
    if (I18N.langs[i].code === code) return I18N.langs[i].name;
  }
  return code;
}

function checkedLangs() {
  var out = [];
  var boxes = $('duty-langs').querySelectorAll('input[type="checkbox"]');
  for (var i = 0; i < boxes.length; i++) {
    if (boxes[i].checked) out.push(boxes[i].value);
  }
  return out;
}

/* One checkbox per language the server accepts; all of them at first
 * (the server's default), then what the worker or the last duty chose. */
function renderDutyLangs() {
  var box = $('duty-langs');
  var had = box.querySelectorAll('input').length > 0;
  var wasChecked = had ? checkedLangs() : langs;
  if (duty && duty.on && duty.langs) wasChecked = duty.langs;
  box.textContent = '';
  $('duty-langs-box').hidden = langs.length === 0;
  for (var i = 0; i < langs.length; i++) {
    var row = document.createElement('div');
    row.className = 'check';
    var cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.id = 'duty-lang-' + langs[i];
    cb.value = langs[i];
    cb.name = 'lang';
    cb.checked = wasChecked.indexOf(langs[i]) >= 0;
    var lb = document.createElement('label');
    lb.htmlFor = cb.id;
    lb.lang = langs[i];
    lb.textContent = langName(langs[i]);
    row.appendChild(cb);
    row.appendChild(lb);
    box.appendChild(row);
  }
}

function readCapacity() {
  var n = parseInt($('duty-capacity').value, 10);
  if (isNaN(n)) n = 1;
  n = Math.max(1, Math.min(10, n));
  $('duty-capacity').value = String(n);
  return n;
}

/* chosenLangs: the languages to chat in, or null where the server names none. */
function sendDuty(on, topics, capacity, chosenLangs) {
  var req = { type: 'duty', on: on, topics: topics, capacity: capacity, ref: sock.nextRef() };
  if (chosenLangs) req.langs = chosenLangs;
  sock.send(req);
}

function dutyLangs() {
  return langs.length ? checkedLangs() : null;
}

function onDutyOn(ev) {
  ev.preventDefault();
  var topics = checkedTopics();
  if (topics.length === 0) {
    showError(t('c.duty.notopics'));
    return;
  }
  var chosenLangs = dutyLangs();
  if (chosenLangs && chosenLangs.length === 0) {
    showError(t('c.duty.nolangs'));
    return;
  }
  clearErrors();
  if (window.Notification && Notification.permission === 'default') Notification.requestPermission();
  sendDuty(true, topics, readCapacity(), chosenLangs);
}

function onDutyOff() {
  clearErrors();
  var topics = duty && Array.isArray(duty.topics) && duty.topics.length ? duty.topics : checkedTopics();
  sendDuty(false, topics, readCapacity(), duty && duty.langs ? duty.langs : null);
}

function onDuty(m) {
  duty = {
    on: !!m.on,
    topics: Array.isArray(m.topics) ? m.topics : [],
    capacity: typeof m.capacity === 'number' ? m.capacity : readCapacity(),
    langs: Array.isArray(m.langs) ? m.langs : null
  };
  dutyWanted = duty.on ? duty : null;
  if (duty.on) {
    var boxes = $('duty-topics').querySelectorAll('input[type="checkbox"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = duty.topics.indexOf(boxes[i].value) >= 0;
    if (duty.langs) {
      boxes = $('duty-langs').querySelectorAll('input[type="checkbox"]');
      for (i = 0; i < boxes.length; i++) boxes[i].checked = duty.langs.indexOf(boxes[i].value) >= 0;
    }
    $('duty-capacity').value = String(duty.capacity);
  } else {
    queueState = null;
  }
  renderDuty();
  renderQueue();
}

function renderDuty() {
  var st = $('duty-status');
  if (!duty) {
    st.textContent = '';
  } else if (duty.on) {
    st.textContent = t('c.duty.status.on', { topics: duty.topics.map(topicTitle).join(', '), n: duty.capacity }) +
      (duty.langs && duty.langs.length ? ' ' + t('c.duty.status.langs', { langs: duty.langs.map(langName).join(', ') }) : '');
  } else {
    st.textContent = t('c.duty.status.off');
  }
  $('duty-off').disabled = !sock.connected() || !(duty && duty.on);
  var onKey = duty && duty.on ? 'c.duty.update' : 'c.duty.on';
  $('duty-on').setAttribute('data-i18n', onKey);
  $('duty-on').textContent = t(onKey);
}

/* ---- queue ---- */

function onQueueState(m) {
  queueState = Array.isArray(m.topics) ? m.topics : [];
  renderQueue();
}

function renderQueue() {
  var box = $('queue');
  box.textContent = '';
  if (!queueState) {
    var p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t('c.queue.hint');
    box.appendChild(p);
    return;
  }
  var list = document.createElement('ul');
  list.className = 'queue-list';
  for (var i = 0; i < queueState.length; i++) {
    var qs = queueState[i];
    var waiting = Number(qs.waiting) || 0;
    var li = document.createElement('li');
    li.setAttribute('data-topic', qs.id);
    if (waiting > 0) li.className = 'has-waiting';
    var title = document.createElement('span');
    title.className = 'queue-title';
    title.textContent = topicTitle(qs.id);
    li.appendChild(title);
    if (!qs.open) {
      var closed = document.createElement('span');
      closed.className = 'badge badge-closed';
      closed.textContent = t('c.queue.closed');
      li.appendChild(closed);
    }
    var facts = document.createElement('span');
    facts.className = 'queue-facts';
    var w = document.createElement('span');
    w.className = 'queue-waiting';
    w.textContent = t('c.queue.waiting', { n: waiting });
    facts.appendChild(w);
    var urgent = Number(qs.urgent_waiting) || 0;
    if (urgent > 0) {
      li.className += ' has-urgent';
      facts.appendChild(Staff.mark('queue-urgent', '\u26a0', t('c.queue.urgent', { n: urgent })));
    }
    if (waiting > 0) {
      var l = document.createElement('span');
      l.className = 'queue-longest';
      l.textContent = t('c.queue.longest', { wait: I18N.formatDuration(qs.longest_wait_s) });
      facts.appendChild(l);
    }
    li.appendChild(facts);
    if (waiting > 0 && qs.mode !== 'auto') {
      /* in an auto topic the server hands chats out; pick would be bad_state */
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'button small secondary queue-pick';
      b.setAttribute('data-topic', qs.id);
      b.textContent = t('c.queue.pick');
      b.addEventListener('click', onPick);
      li.appendChild(b);
    }
    list.appendChild(li);
  }
  box.appendChild(list);
}

function onPick(ev) {
  clearErrors();
  sock.send({ type: 'pick', topic: ev.currentTarget.getAttribute('data-topic'), ref: sock.nextRef() });
}

/* ---- chat panels ---- */

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
  chats[c.id] = c;
  chatOrder.push(c.id);
  $('chats').appendChild(c.el);
  renderChatsNone();
  return c;
}

function buildPanel(c) {
  var base = 'chat-' + c.n;
  var sec = document.createElement('section');
  sec.className = 'chat-panel';
  sec.setAttribute('data-chat', c.id);
  sec.setAttribute('aria-labelledby', base + '-title');

  var head = document.createElement('div');
  head.className = 'chat-head';
  var h = document.createElement('h3');
  h.id = base + '-title';
  h.className = 'chat-title';
  var topic = document.createElement('span');
  topic.className = 'chat-topic';
  h.appendChild(topic);
  var mark = Staff.mark('chat-urgent', '\u26a0', t('c.chat.urgent'));
  mark.hidden = true;
  h.appendChild(document.createTextNode(' '));
  h.appendChild(mark);
  head.appendChild(h);
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
  for (var j = 0; j < topicList.length; j++) {
    if (topicList[j].id !== c.topic) topicSel.appendChild(option(topicList[j].id, topicTitle(topicList[j].id)));
  }
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

/* A short tone and, when allowed, a system notification (tab in background). */
function alertWorker(textKey, vars) {
  if (!document.hidden) return;
  Staff.tone([660]);
  Staff.notify(t(textKey, vars));
}

var button = Staff.button;

/* A supervisor's whisper: in the chat, for the worker's eyes only. */
function onWhisper(m) {
  if (board.has(m.chat)) board.onWhisper(m);
  var c = chats[m.chat];
  if (!c) return;
  c.conv.addWhisper(m);
  notifyUnread();
  alertWorker('console.notify.whisper', { topic: topicTitle(c.topic) });
}

function q(c, sel) {
  return c.el.querySelector(sel);
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
  var title = topicTitle(c.topic);
  q(c, '.chat-topic').textContent = title;
  renderUrgent(c);
  renderAbout(c);
  var aud = I18N.has('c.audience.' + c.audience) ? t('c.audience.' + c.audience) : (c.audience || '');
  q(c, '.chat-meta').textContent = t('c.chat.meta', {
    chat: c.id,
    audience: aud,
    wait: typeof c.waited === 'number' ? I18N.formatDuration(c.waited) : '–'
  });
  q(c, '.chat-log').setAttribute('aria-label', t('c.chat.log', { topic: title }));
  var st = '';
  if (c.ended) st = t('c.chat.ended');
  else if (c.away) st = t('c.chat.away');
  q(c, '.chat-status').textContent = st;
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
  q(c, '.chat-flag').hidden = c.ended;
  q(c, '.chat-flag').disabled = !live;
  asks.controls(c.id, live, c.ended);
  q(c, '.chat-close').hidden = !c.ended;
  c.el.classList.toggle('ended', c.ended);
}

function updateControls() {
  $('duty-on').disabled = !sock.connected();
  $('duty-off').disabled = !sock.connected() || !(duty && duty.on);
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
  } else {
    /* a re-sent chat (after a reconnect): rebuild it from history */
    c.topic = m.topic || c.topic;
    if (m.audience) c.audience = m.audience;
    if (typeof m.waited_s === 'number') c.waited = m.waited_s;
    c.ended = false;
    c.by = null;
    c.conv.clear();
    rebuildTools(c);   /* the topic may have changed (a transfer came back to us) */
  }
  c.answers = m.answers && typeof m.answers === 'object' && !Array.isArray(m.answers) ? m.answers : {};
  c.urgent = m.urgent === true;
  c.lang = typeof m.lang === 'string' && m.lang ? m.lang : null;
  c.conv.addHistory(Array.isArray(m.history) ? m.history : []);
  c.away = m.visitor_away === true;
  if (c.away) c.conv.system('c.chat.away');
  renderPanelMeta(c);
  updatePanelControls(c);
  if (isNew) {
    $('announce').textContent = t(c.urgent ? 'c.announce.urgent' : 'c.announce.new', { topic: topicTitle(c.topic) });
    notifyUnread();
    alertWorker('c.announce.new', { topic: topicTitle(c.topic) });
  }
}

function onMsg(m) {
  if (board.has(m.chat)) board.onMsg(m);
  var c = chats[m.chat];
  if (!c || c.conv.seen(m.seq)) return;
  if (m.from === 'visitor') {
    c.conv.setOthersTyping(false);
    notifyUnread();
    alertWorker('c.notify.msg', { topic: topicTitle(c.topic) });
  }
  c.conv.add(m, 'ok');
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
  if (c) c.conv.ack(m.ref, m.seq);
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
  var key = 'c.ended.' + (['visitor', 'worker', 'timeout', 'transfer', 'requeued', 'blocked'].indexOf(by) >= 0 ? by : 'server');
  c.conv.system(key);
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

/* ---- notifications ---- */

function notifyUnread() {
  if (!document.hidden) return;
  unread += 1;
  document.title = '(' + unread + ') ' + baseTitle;
}

/* ---- start ---- */

function onLangChange() {
  baseTitle = t('c.title');
  document.title = unread ? '(' + unread + ') ' + baseTitle : baseTitle;
  renderWhoami();
  renderDutyTopics();
  renderDutyLangs();
  renderDuty();
  renderQueue();
  refreshPanelMeta();
  board.render();
  wrapups.render();
  asks.render();
  renderBadge(board.unseen);
}

function init() {
  board = new Board({
    sock: sock,
    me: function () { return me; },
    topicTitle: topicTitle,
    announce: function (text) { $('announce').textContent = text; },
    alarm: function (text) { $('alarm').textContent = text; },
    badge: renderBadge
  });
  wrapups = new Wrapups({
    sock: sock,
    categories: function () { return categories; },
    host: function (chat) { return chats[chat] ? q(chats[chat], '.chat-wrapup') : null; },
    standalone: $('wrapups'),
    announce: function (text) { $('announce').textContent = text; }
  });
  window.addEventListener('hashchange', applyView);
  I18N.onChange(onLangChange);
  baseTitle = t('c.title');
  document.title = baseTitle;
  $('chats-heading').tabIndex = -1;

  Chat.loginForm({ submit: onLoginSubmit, logout: logout });
  $('duty-form').addEventListener('submit', onDutyOn);
  $('duty-off').addEventListener('click', onDutyOff);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && unread) {
      unread = 0;
      document.title = baseTitle;
    }
  });

  if (!Chat.stored(TOKEN_KEY)) showLogin();
  renderDuty();
  updateControls();
  sock.connect();
}

I18N.ready(init);
