/* common.js: what the visitor page, the worker console and the statistics
 * page share (pages import it as Chat). widget.js, which runs on other
 * organisations' sites, does without it.
 *
 * - storage: sessionStorage only, so nothing outlives the tab;
 * - Socket: one WebSocket subprotocol, reconnected with back-off, its state
 *   shown in #conn-status; ref numbering for requests;
 * - errors in #errors: a friendly text, the code below it, a dismiss button;
 * - topics: GET /api/status and topic titles in the page's language;
 * - the organisation a public page is for (?org=ID, contract v3 §4): the
 *   visitor page asks chatd for that org's topics only (pageOrg, orgQuery);
 * - login: the form of the console and the statistics page, and #whoami;
 * - Conversation (conversation.js, exported here too): one chat on screen. */
import { I18N } from './i18n.js';
import { Conversation } from './conversation.js';

var RETRY_FIRST_MS = 1000;
var RETRY_MAX_MS = 15000;

var t = I18N.t;

function $(id) {
  return document.getElementById(id);
}

/* ---- storage ---- */

function stored(key) {
  try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
}

/* Keeps value under key; an empty value or null removes the key. */
function store(key, value) {
  try {
    if (value) window.sessionStorage.setItem(key, value);
    else window.sessionStorage.removeItem(key);
  } catch (e) { /* private mode: ignore */ }
}

/* ---- connection ---- */

/* The address of /ws; query ('?org=east' or '') is added as it is. */
function wsUrl(query) {
  return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/ws' + (query || '');
}

/* ---- organisation ---- */

/* The org id of the page's address (?org=east), or null when there is none
 * or it is not an org id ([a-z0-9_]{1,32}, as chatd.ini names them). */
function pageOrg() {
  var m = /(?:^\?|&)org=([^&]*)/.exec(location.search);
  var id = m ? decodeURIComponent(m[1]) : '';
  return /^[a-z0-9_]{1,32}$/.test(id) ? id : null;
}

/* '?org=ID' for the page's org, or ''. */
function orgQuery() {
  var org = pageOrg();
  return org ? '?org=' + org : '';
}

/* The org object {id, name: {fi, sv, en}} of id in a status or welcome's
 * `orgs`, or null. */
function orgOf(orgs, id) {
  if (!Array.isArray(orgs)) return null;
  for (var i = 0; i < orgs.length; i++) {
    if (orgs[i] && orgs[i].id === id) return orgs[i];
  }
  return null;
}

/* The name of org id in the page's language (the id when chatd names none). */
function orgName(orgs, id) {
  var o = orgOf(orgs, id);
  return o ? I18N.pick(o.name, id) : id || '';
}

/* The connection state (an i18n key) in #conn-status, or none (null). */
function connStatus(key) {
  var el = $('conn-status');
  if (!el) return;
  if (key) {
    el.setAttribute('data-i18n', key);
    el.textContent = t(key);
    el.hidden = false;
  } else {
    el.removeAttribute('data-i18n');
    el.textContent = '';
    el.hidden = true;
  }
}

/* A WebSocket speaking one subprotocol. The page's on.open(), on.message(m)
 * (a parsed frame with a string type) and on.close(ev) are called while it
 * is the current socket. After a close the page decides: retry() to
 * reconnect with back-off, or nothing to stay closed until connect(). */
function Socket(protocol, on, query) {
  this.protocol = protocol;
  this.on = on;
  this.query = query || '';   /* e.g. '?org=east' (the visitor page's org) */
  this.ws = null;
  this.everConnected = false;
  this.retryMs = RETRY_FIRST_MS;
  this.retryTimer = null;
  this.refCounter = 0;
  this.stopped = false;
}

Socket.prototype.connect = function () {
  var self = this;
  var ws;
  this.retryTimer = null;
  connStatus('conn.connecting');
  try {
    ws = new WebSocket(wsUrl(this.query), this.protocol);
  } catch (e) {
    this.schedule();
    return;
  }
  this.ws = ws;
  ws.addEventListener('open', function () {
    if (self.ws !== ws) return;
    self.everConnected = true;
    self.retryMs = RETRY_FIRST_MS;
    self.on.open();
  });
  ws.addEventListener('message', function (ev) {
    if (self.ws !== ws) return;
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (m && typeof m.type === 'string') self.on.message(m);
  });
  ws.addEventListener('close', function (ev) {
    if (self.ws !== ws) return;
    self.ws = null;
    self.on.close(ev);
  });
};

Socket.prototype.connected = function () {
  return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
};

/* Sends obj as JSON; false when not connected. */
Socket.prototype.send = function (obj) {
  if (!this.connected()) return false;
  this.ws.send(JSON.stringify(obj));
  return true;
};

Socket.prototype.nextRef = function () {
  this.refCounter += 1;
  return String(this.refCounter);
};

/* Reconnects after a close: the lost connection is shown, the delay doubles
 * up to 15 s. quiet (a close we asked for): from 1 s, nothing shown. */
Socket.prototype.retry = function (quiet) {
  if (quiet) this.retryMs = RETRY_FIRST_MS;
  else connStatus(this.everConnected ? 'conn.lost' : 'conn.failed');
  this.schedule();
};

Socket.prototype.schedule = function () {
  if (this.retryTimer || this.stopped) return;
  var delay = this.retryMs + Math.floor(Math.random() * 500);
  this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  this.retryTimer = window.setTimeout(this.connect.bind(this), delay);
};

/* Closed and not about to reconnect: only connect() opens it again. */
Socket.prototype.idle = function () {
  return !this.ws && !this.retryTimer && !this.stopped;
};

/* Closes the current socket; its close still reaches on.close. */
Socket.prototype.close = function (code) {
  if (this.ws) {
    try { this.ws.close(code); } catch (e) { /* ignore */ }
  }
};

/* Closes for good without telling the page (quick exit). */
Socket.prototype.stop = function () {
  var ws = this.ws;
  this.stopped = true;
  if (this.retryTimer) window.clearTimeout(this.retryTimer);
  this.retryTimer = null;
  this.ws = null;
  if (ws) {
    try { ws.close(1000); } catch (e) { /* ignore */ }
  }
};

/* ---- errors ---- */

function clearErrors() {
  $('errors').textContent = '';
}

/* text in #errors, detail (optional) smaller below, and a dismiss button. */
function showError(text, detail) {
  var box = $('errors');
  box.textContent = '';
  var p = document.createElement('p');
  p.className = 'error-text';
  p.textContent = text;
  box.appendChild(p);
  if (detail) {
    var d = document.createElement('p');
    d.className = 'error-detail';
    d.textContent = detail;
    box.appendChild(d);
  }
  var close = document.createElement('button');
  close.type = 'button';
  close.className = 'button small secondary';
  close.textContent = t('err.dismiss');
  close.addEventListener('click', clearErrors);
  box.appendChild(close);
}

/* An error frame {code, message, next_open}: its friendly text, the code as
 * detail unless plain (the visitor page: a young person needs words that
 * say what helps, not a code). */
function showErrorFrame(m, plain) {
  var code = typeof m.code === 'string' ? m.code : 'error';
  var friendly;
  if (code === 'closed' && m.next_open) {
    friendly = t('err.closed.next', { time: I18N.formatWhen(m.next_open) });
  } else if (I18N.has('err.' + code)) {
    friendly = t('err.' + code);
  } else {
    friendly = t('err.generic');
  }
  showError(friendly, plain ? '' : code + (m.message ? ': ' + m.message : ''));
}

/* ---- topics ---- */

/* GET /api/status[?org=ID]: {generated, topics: [...], orgs?}; rejects when
 * it fails. query: '' (every topic) or '?org=ID' (that org's only). */
function fetchStatus(query) {
  return window.fetch('/api/status' + (query || ''), { cache: 'no-store', credentials: 'omit' })
    .then(function (r) {
      if (!r.ok) throw new Error('status ' + r.status);
      return r.json();
    })
    .then(function (j) {
      if (!j || !Array.isArray(j.topics)) throw new Error('status: no topics');
      return j;
    });
}

/* The title of topic id from a status topic list, in the page's language. */
function topicTitle(topics, id) {
  for (var i = 0; i < topics.length; i++) {
    if (topics[i].id === id) return I18N.pick(topics[i].title, id);
  }
  return id || '';
}

/* ---- login (console, statistics page) ---- */

function node(tag, attrs) {
  var e = document.createElement(tag);
  for (var k in attrs) {
    if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
  }
  return e;
}

function loginField(id, key, attrs) {
  var box = node('div', { 'class': 'field' });
  attrs.id = id;
  box.appendChild(node('label', { 'for': id, 'data-i18n': key }));
  box.appendChild(node('input', attrs));
  return box;
}

/* Builds the login form into the page's <section id="login-view"> and
 * "logged in as" with the logout button into its <div id="account"> (the
 * same on both pages); on.submit and on.logout get their events. */
function loginForm(on) {
  var view = $('login-view');
  var form = node('form', { id: 'login-form', novalidate: '' });
  form.appendChild(loginField('login-user', 'c.login.user', {
    name: 'user', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: ''
  }));
  form.appendChild(loginField('login-password', 'c.login.password', {
    name: 'password', type: 'password', autocomplete: 'current-password', required: ''
  }));
  form.appendChild(node('button', { id: 'login-submit', 'class': 'button', type: 'submit', 'data-i18n': 'c.login.submit' }));
  form.addEventListener('submit', on.submit);
  view.textContent = '';
  view.appendChild(node('h2', { id: 'login-heading', 'data-i18n': 'c.login.heading' }));
  view.appendChild(form);
  I18N.apply(view);

  var account = $('account');
  var logout = node('button', { id: 'logout', 'class': 'button small secondary', type: 'button', 'data-i18n': 'c.logout' });
  logout.addEventListener('click', on.logout);
  account.textContent = '';
  account.appendChild(node('p', { id: 'whoami', 'class': 'whoami', hidden: '' }));
  account.appendChild(logout);
  I18N.apply(account);
}

/* The filled-in form as {user, password}, or null with the empty field focused. */
function loginFields() {
  var user = $('login-user').value.trim();
  var password = $('login-password').value;
  if (!user) { $('login-user').focus(); return null; }
  if (!password) { $('login-password').focus(); return null; }
  return { user: user, password: password };
}

/* The login form instead of the page's view workId (on), or the other way round. */
function showLogin(on, workId) {
  $('login-view').hidden = !on;
  $(workId).hidden = on;
  $('account').hidden = on;
}

/* "Logged in as ALIAS (role)" in #whoami for who {user, alias, role}; hidden without. */
function whoami(who) {
  var el = $('whoami');
  if (!who) {
    el.hidden = true;
    return;
  }
  var role = I18N.has('c.role.' + who.role) ? t('c.role.' + who.role) : (who.role || '');
  el.textContent = t('c.login.as', { alias: who.alias || who.user, role: role });
  el.hidden = false;
}

/* The daemon refused the password: why, and the password field emptied and focused. */
function loginRefused(m) {
  if (m.code === 'unauthorized') showError(t('c.login.wrong'), m.code + (m.message ? ': ' + m.message : ''));
  else showErrorFrame(m);
  $('login-password').value = '';
  $('login-password').focus();
}

/* Plays one short soft tone per frequency in freqs (Hz) on the audio
 * context ctx, one every `every` seconds, each `length` seconds long; a
 * browser without audio, or one that refuses it, stays silent. */
function playTones(ctx, freqs, every, length) {
  try {
    if (ctx.state === 'suspended' && ctx.resume) ctx.resume();
    var at = ctx.currentTime;
    freqs.forEach(function (f, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = f;
      gain.gain.value = 0.08;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(at + i * every);
      osc.stop(at + i * every + length);
    });
  } catch (e) { /* no audio */ }
}

export {
  $,
  playTones,
  stored,
  store,
  wsUrl,
  pageOrg,
  orgQuery,
  orgOf,
  orgName,
  connStatus,
  Socket,
  clearErrors,
  showError,
  showErrorFrame,
  fetchStatus,
  topicTitle,
  loginForm,
  loginFields,
  showLogin,
  whoami,
  loginRefused,
  Conversation
};
