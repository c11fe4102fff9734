/* login.js: the statistics page's login and logout. Login goes over
 * worker.v1 like the console: the password is sent once, the welcome's
 * token is kept in sessionStorage ('stats.token', never localStorage) and
 * the socket is closed again; only coordinators and admins keep it. Logout
 * revokes only this page's token, so the same person's console tabs stay
 * logged in. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { eachView, setStatus } from './page.js';

var TOKEN_KEY = 'stats.token';
var WHO_KEY = 'stats.who';
var LOGIN_TIMEOUT_MS = 20000;

var t = I18N.t;
var $ = Chat.$;
var store = Chat.store;
var stored = Chat.stored;
var showError = Chat.showError;
var clearErrors = Chat.clearErrors;

var loginBusy = false;
var hooks = { loggedIn: function () {}, loggedOut: function () {} };

function who() {
  try { return JSON.parse(stored(WHO_KEY) || 'null'); } catch (e) { return null; }
}

function showLogin() {
  Chat.showLogin(true, 'stats-view');
  setStatus(null);
}

function showStats() {
  Chat.showLogin(false, 'stats-view');
  renderWhoami();
}

function renderWhoami() {
  Chat.whoami(stored(TOKEN_KEY) ? who() : null);
}

/* ---- login / logout over worker.v1 ---- */

function setLoginBusy(on) {
  loginBusy = on;
  $('login-submit').disabled = on;
}

/* One worker.v1 socket for one exchange (no reconnect): on.open(sock),
 * on.message(m, sock), on.close(). */
function oneShot(on) {
  var sock = new Chat.Socket('worker.v1', {
    open: function () { on.open(sock); },
    message: function (m) { on.message(m, sock); },
    close: function () { if (on.close) on.close(); }
  });
  sock.connect();
  return sock;
}

function onLoginSubmit(ev) {
  ev.preventDefault();
  if (loginBusy) return;
  var f = Chat.loginFields();
  if (!f) return;
  clearErrors();
  setLoginBusy(true);
  var done = false;
  var sock = null;
  var timer = window.setTimeout(function () { fail(); }, LOGIN_TIMEOUT_MS);

  function finish() {
    done = true;
    window.clearTimeout(timer);
    setLoginBusy(false);
  }

  /* no answer (m undefined) or a refusal */
  function fail(m) {
    if (done) return;
    finish();
    if (sock) sock.close();
    showLogin();
    if (m) {
      Chat.loginRefused(m);
      return;
    }
    showError(t('s.login.noconn'));
    $('login-password').value = '';
    $('login-password').focus();
  }

  sock = oneShot({
    open: function (s) {
      s.send({ type: 'login', user: f.user, password: f.password, ref: 'login' });
      f = null;
    },
    message: function (m, s) {
      if (m.ref !== 'login' || done) return;
      if (m.type === 'welcome') {
        if (m.role !== 'coordinator' && m.role !== 'admin') {
          /* revoke the token this login made: a worker has nothing to do here */
          s.send({ type: 'logout', scope: 'this', ref: 'logout' });
          finish();
          window.setTimeout(function () { s.close(); }, 2000);
          showLogin();
          showError(t('s.login.forbidden'));
          $('login-password').value = '';
          $('login-user').focus();
          return;
        }
        finish();
        store(TOKEN_KEY, m.token);
        store(WHO_KEY, JSON.stringify({ user: m.user, alias: m.alias, role: m.role,
          orgs: Array.isArray(m.orgs) ? m.orgs : null }));
        s.close(1000);
        $('login-password').value = '';
        showStats();
        $('title').focus();
        hooks.loggedIn();
      } else if (m.type === 'error') {
        fail(m);
      }
    },
    close: function () { fail(); }
  });
}

/* Forgets the token here and revokes it in the daemon (best effort): only
 * this page's token, so the same person's console tabs stay logged in. */
function logout() {
  var token = stored(TOKEN_KEY);
  store(TOKEN_KEY, null);
  store(WHO_KEY, null);
  hooks.loggedOut();
  eachView(function (v) { v.clear(); });
  clearErrors();
  showLogin();
  $('results').hidden = true;
  $('login-user').focus();
  if (!token) return;
  var sock = oneShot({
    open: function (s) { s.send({ type: 'login', token: token, ref: 'l' }); },
    message: function (m, s) {
      if (m.type === 'welcome') s.send({ type: 'logout', scope: 'this', ref: 'o' });
      else if (m.type === 'error') s.close();
    }
  });
  window.setTimeout(function () { sock.close(); }, 5000);
}

/* Token gone stale or wrong role: back to the login form. */
function needLogin(key) {
  eachView(function (v) { v.clear(); });
  store(TOKEN_KEY, null);
  store(WHO_KEY, null);
  $('results').hidden = true;
  showLogin();
  showError(t(key));
}

/* This page's token, or null when logged out. */
function savedToken() {
  return stored(TOKEN_KEY);
}

/* Builds the login form; on.loggedIn() after a login, on.loggedOut() when
 * the user logs out (before the views are cleared). */
function startLogin(on) {
  hooks = on;
  Chat.loginForm({ submit: onLoginSubmit, logout: logout });
}

/* GET url with the coordinator's token: its JSON; null when current()
 * says the answer is no longer wanted or the login must be made again
 * (then the login is shown, saying why); an Error('400') or
 * Error('HTTP n') when the server refuses or fails. */
function fetchAuthed(url, token, current) {
  return window.fetch(url, {
    cache: 'no-store',
    credentials: 'omit',
    headers: { Authorization: 'Bearer ' + token }
  }).then(function (r) {
    if (!current()) return null;
    if (r.status === 401) { needLogin('c.login.expired'); return null; }
    if (r.status === 403) { needLogin('s.login.forbidden'); return null; }
    if (r.status === 400) throw new Error('400');
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.json();
  });
}

/* {ok, status, json} of method url with the login token (body sent as
 * JSON), or null when the login has to be made again (the page shows it,
 * saying why). */
function requestAuthed(method, url, body, token) {
  var headers = { Authorization: 'Bearer ' + token };
  if (body) headers['Content-Type'] = 'application/json';
  return window.fetch(url, {
    method: method, cache: 'no-store', credentials: 'omit', headers: headers,
    body: body ? JSON.stringify(body) : undefined
  }).then(function (r) {
    if (r.status === 401) { needLogin('c.login.expired'); return null; }
    if (r.status === 403) { needLogin('s.login.forbidden'); return null; }
    return r.json().catch(function () { return {}; }).then(function (j) {
      return { ok: r.ok, status: r.status, json: j || {} };
    });
  });
}

/* The login's orgs (the welcome's `orgs`), or null when chatd did not say. */
function savedOrgs() {
  var w = stored(TOKEN_KEY) ? who() : null;
  return w && Array.isArray(w.orgs) ? w.orgs : null;
}

export {
  savedOrgs,
  fetchAuthed,
  requestAuthed,
  startLogin,
  savedToken,
  showLogin,
  showStats,
  renderWhoami,
  needLogin
};
