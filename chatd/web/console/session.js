/* session.js: the worker console's connection and login: who is logged in
 * (me), the lists the welcome brings (canned replies, pre-chat questions,
 * languages, contact categories), logging in with the password or again
 * with the session token after a reconnect ('console.token' in
 * sessionStorage, never localStorage), logging out, and which view a
 * login sees: my chats, or the shift board at #board (coordinators and
 * admins; a coordinator, who cannot go on duty, sees only that).
 * After every welcome the console sends `ping`: the server re-sends each
 * open chat right after the welcome, so when the `pong` comes, a panel
 * that was not re-sent has lost its chat (chats.js endNotResent()). A tab
 * closed with 4001 (too many tabs) stays closed until the worker
 * reconnects it. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { sock, asks, board, wrapups } from './shared.js';
import { topicsLoaded, loadTopics, restoreDuty, forgetDuty, renderDuty, renderDutyLangs, renderDutyTopics } from './duty.js';
import { forgetQueue, renderQueue } from './queue.js';
import { eachChat, expectResent, endNotResent, forgetChats, forgetFlag, chatOfRef, transferRefused, updateControls } from './chats.js';

var TOKEN_KEY = 'console.token';

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;
var showError = Chat.showError;

var me = null;                 /* {user, alias, role} once logged in */
var loginMsg = null;           /* login request waiting for the socket to open */
var loginRef = null;
var loginByToken = false;
var loggingOut = false;
var syncRef = null;            /* ping sent after a welcome, see onPong() */
var canned = [];               /* canned replies from the welcome: [{text, lang}], lang null for any */
var questions = [];            /* pre-chat questions from the welcome */
var langs = [];                /* language codes the server accepts, from the welcome */
var categories = [];           /* contact categories from the welcome, for the wrap-up */

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
  eachChat(function (c) {
    c.conv.forgetTyping();
    c.conv.failPending();
  });
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
  me = { user: m.user, alias: m.alias, role: m.role,
    /* contract v3 §4: the worker's orgs (only with [org] sections) */
    orgs: Array.isArray(m.orgs) ? m.orgs.filter(function (o) { return typeof o === 'string'; }) : null };
  if (typeof m.token === 'string' && m.token) Chat.store(TOKEN_KEY, m.token);
  canned = readCanned(m.canned, m.canned_langs);
  questions = Array.isArray(m.questions) ? m.questions : [];
  langs = Array.isArray(m.langs) ? m.langs.filter(function (l) { return typeof l === 'string'; }) : [];
  categories = Array.isArray(m.categories) ? m.categories.filter(function (x) {
    return x && typeof x.id === 'string';
  }) : [];
  renderDutyLangs();
  renderDutyTopics();   /* only the topics of the worker's orgs */
  $('login-password').value = '';
  clearErrors();
  Chat.showLogin(false, 'work-view');
  applyView();
  if (supervisor()) board.start();
  wrapups.connected(true);
  renderWhoami();
  updateControls();
  if (!topicsLoaded()) loadTopics();
  restoreDuty();
  expectResent();
  syncRef = 'sync' + sock.nextRef();
  sock.send({ type: 'ping', ref: syncRef });
}

/* The welcome's canned replies (contract v3 §2) as [{text, lang}]:
 * `canned`, the list for any language (lang null), and `canned_langs`
 * {code: [text]}, the lists of single languages. */
function readCanned(any, byLang) {
  var out = [];
  var add = function (text, lang) {
    if (typeof text === 'string' && text) out.push({ text: text, lang: lang });
  };
  if (Array.isArray(any)) any.forEach(function (x) { add(x, null); });
  if (byLang && typeof byLang === 'object' && !Array.isArray(byLang)) {
    Object.keys(byLang).forEach(function (lang) {
      if (Array.isArray(byLang[lang])) byLang[lang].forEach(function (x) { add(x, lang); });
    });
  }
  return out;
}

/* The canned replies for a chat in lang: that language's own list where
 * it has one, else the list for any language. (A chat_started that
 * carries its own `canned` is used as it is; this is for a daemon that
 * sends none.) With the language unknown, the page's language counts. */
function cannedFor(lang) {
  var want = lang || I18N.lang;
  var own = canned.filter(function (x) { return x.lang === want; });
  var list = own.length ? own : canned.filter(function (x) { return x.lang === null; });
  return list.map(function (x) { return x.text; });
}

/* Everything the server re-sends after a welcome came before this pong. */
function onPong(m) {
  if (syncRef === null || m.ref !== syncRef) return;
  syncRef = null;
  endNotResent();
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
  forgetDuty();
  forgetQueue();
  forgetChats();
  board.stop();
  wrapups.clear();
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

function onError(m) {
  if (loginRef !== null && m.ref === loginRef) {
    onLoginError(m);
    return;
  }
  if (m.ref !== undefined) forgetFlag(m.ref);
  if (asks.answer(m) || wrapups.answer(m) || board.answer(m) || transferRefused(m)) return;
  var c = chatOfRef(m.ref);
  if (c) c.conv.fail(m.ref);
  if (m.code === 'unauthorized' && me === null) {
    Chat.store(TOKEN_KEY, null);
    showLogin();
  }
  Chat.showErrorFrame(m);
}

/* The server said it logged us out: the socket's close is expected. */
function onLoggedOut() {
  loggingOut = true;
}

/* Builds the login form; without a saved token the console starts there. */
function initSession() {
  Chat.loginForm({ submit: onLoginSubmit, logout: logout });
  if (!Chat.stored(TOKEN_KEY)) showLogin();
}

export {
  me,
  cannedFor,
  questions,
  langs,
  categories,
  initSession,
  onOpen,
  onClose,
  onWelcome,
  onPong,
  onError,
  onLoggedOut,
  supervisor,
  applyView,
  renderBadge,
  renderWhoami
};
