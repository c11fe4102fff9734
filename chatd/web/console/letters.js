/* letters.js: the console's Letters view (contract v3 §3), at #letters.
 *
 * Letters come sealed to the organisation's letters key. The console asks
 * for the wrapped key (`letters_key`) and unwraps it in this tab with the
 * letters passphrase: the private key then lives only in this module's
 * memory, as a non-extractable CryptoKey, until Lock (one click), a logout
 * or the tab's end; it is never stored. Locked, the list still shows every
 * thread's topic, times and state, never a text.
 * Threads are listed by due time, the overdue ones first and said so in
 * words. A letter worker takes a thread (others see it taken), reads it,
 * answers (the answer sealed to the thread's reply key as `reply`, and to
 * the letters key as `copy`, so that colleagues can read it later) and
 * releases it. A worker on duty with a free slot is told how many letters
 * wait (#letters-hint); the coordinators' board shows letters waiting and
 * overdue per topic (#board-letters).
 * console.js hands every frame here first (onLettersFrame); frames of
 * this module's requests end here, the others go on. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Box from '../letters-crypto.js';
import { sock } from './shared.js';
import { topicTitle as dutyTitle } from './duty.js';
import * as Staff from './staff.js';

var MAX_CHARS = 8000;

var t = I18N.t;
var $ = Chat.$;

var me = null;                 /* {alias, role} from the welcome */
var available = false;         /* the daemon has a letters key for us */
var pub = null;                /* the letters public key */
var wrapped = null;            /* the wrapped private key, as the daemon sent it */
var key = null;                /* the unwrapped private key: this tab's memory only */
var threads = [];              /* the last `letters` list */
var texts = {};                /* thread id -> opened texts (while unlocked) */
var openThreads = {};          /* thread id -> its texts are shown */
var refs = {};                 /* ref -> what it was for */
var duty = null;               /* {on, capacity} */
var myChats = {};              /* chat id -> true while it runs */
var unlocking = false;
var statusTopics = null;       /* /api/status topics, fetched once, for titles */

/* A topic's title: the duty form's list when it has it, else the status
 * this module fetched itself (the list may come first). */
function topicTitle(id) {
  var title = dutyTitle(id);
  if (title !== id || !statusTopics) return title;
  return Chat.topicTitle(statusTopics, id);
}

function fetchTitles() {
  if (statusTopics) return;
  Chat.fetchStatus()
    .then(function (j) {
      statusTopics = j.topics;
      renderAll();
    })
    .catch(function () { /* the ids stand in */ });
}

/* ---- frames ---- */

/* Every frame passes here first; true when it was this module's alone. */
function onLettersFrame(m) {
  switch (m.type) {
    case 'welcome':
      me = { alias: m.alias, role: m.role };
      myChats = {};
      requestKey();
      setTimeout(applyLettersView, 0);   /* after the console's own view */
      return false;
    case 'letters_key': return onKey(m);
    case 'letters': return onList(m);
    case 'letters_changed': requestList(); return true;
    case 'duty':
      duty = { on: !!m.on, capacity: typeof m.capacity === 'number' ? m.capacity : 1 };
      renderHint();
      return false;
    case 'chat_started': myChats[m.chat] = true; renderHint(); return false;
    case 'chat_ended': delete myChats[m.chat]; renderHint(); return false;
    case 'board': renderBoardLetters(m); return false;
    case 'logged_out': lock(); return false;
    case 'ack': return onAck(m);
    case 'error': return onLetterError(m);
    default: return false;
  }
}

function request(msg, what) {
  if (!sock.connected()) return null;
  msg.ref = sock.nextRef();
  refs[msg.ref] = what;
  sock.send(msg);
  return msg.ref;
}

function requestKey() {
  request({ type: 'letters_key' }, { kind: 'key' });
}

function requestList() {
  if (available) request({ type: 'letters', state: 'all' }, { kind: 'list' });
}

function onKey(m) {
  if (m.ref !== undefined) delete refs[m.ref];
  if (typeof m.pub !== 'string' || !m.wrapped) return true;
  /* another key (a new one from the organisation): the old one is no use */
  if (pub !== null && pub !== m.pub) lock();
  pub = m.pub;
  wrapped = m.wrapped;
  available = true;
  fetchTitles();
  applyLettersView();
  requestList();
  return true;
}

function onList(m) {
  if (!Array.isArray(m.threads)) return false;   /* a visitor's frame: not ours */
  if (m.ref !== undefined) delete refs[m.ref];
  threads = m.threads.filter(function (th) { return th && typeof th.thread === 'string'; });
  var known = {};
  for (var i = 0; i < threads.length; i++) known[threads[i].thread] = true;
  for (var id in texts) if (!known[id]) delete texts[id];
  renderAll();
  if (key) openShown();
  return true;
}

function onAck(m) {
  var what = m.ref !== undefined ? refs[m.ref] : undefined;
  if (!what) return false;
  delete refs[m.ref];
  if (what.kind === 'answer') {
    var ta = answerBox(what.thread);
    if (ta) ta.value = '';
    say(t('c.letters.answer.sent'));
  } else if (what.kind === 'take') {
    openThreads[what.thread] = true;
  }
  requestList();
  return true;
}

function onLetterError(m) {
  var what = m.ref !== undefined ? refs[m.ref] : undefined;
  if (!what) return false;
  delete refs[m.ref];
  if (what.kind === 'key') {
    available = false;   /* no letters here: the view is not offered */
    applyLettersView();
    return true;
  }
  if (what.kind === 'list') return true;
  var words = {
    bad_state: 'c.letters.err.bad_state',
    not_found: 'c.letters.err.not_found',
    forbidden: 'c.letters.err.forbidden'
  };
  Chat.showError(t(words[m.code] || 'c.letters.err.other'), m.code);
  requestList();
  return true;
}

/* ---- the view ---- */

function supervisor() {
  return !!me && (me.role === 'supervisor' || me.role === 'coordinator' || me.role === 'admin');
}

/* #letters shows the Letters view instead of the others; the nav offers
 * it to everyone once the daemon has a letters key for them. */
function applyLettersView() {
  var nav = $('nav-letters');
  if (!nav || !me) return;
  nav.hidden = !available;
  if (available) {
    $('views').hidden = false;
    $('nav-board').hidden = !supervisor();
    $('nav-chats').hidden = me.role === 'coordinator';
  }
  var on = available && location.hash === '#letters';
  $('letters-view').hidden = !on;
  if (on) {
    $('work-view').hidden = true;
    $('board-view').hidden = true;
    $('nav-board').setAttribute('aria-current', 'false');
    $('nav-chats').setAttribute('aria-current', 'false');
  }
  nav.setAttribute('aria-current', on ? 'page' : 'false');
  renderHint();
}

function say(text) {
  $('letters-said').textContent = text;
}

function renderAll() {
  renderLock();
  renderSummary();
  renderList();
  renderHint();
  renderBoardLetters(null);
}

function renderLock() {
  $('letters-unlock').hidden = !!key;
  $('letters-unlocked').hidden = !key;
}

function overdue(th) {
  return th.state !== 'answered' && Date.parse(th.due) < Date.now();
}

function waiting(th) {
  return th.state !== 'answered';
}

/* Overdue first (the longest overdue first), then by due time; answered
 * threads last, newest answer first. */
function ordered() {
  return threads.slice().sort(function (a, b) {
    var wa = waiting(a) ? 0 : 1;
    var wb = waiting(b) ? 0 : 1;
    if (wa !== wb) return wa - wb;
    var oa = overdue(a) ? 0 : 1;
    var ob = overdue(b) ? 0 : 1;
    if (oa !== ob) return oa - ob;
    var d = Date.parse(a.due) - Date.parse(b.due);
    return wa ? -d : d;
  });
}

/* Per topic: {topic: {waiting, overdue}}. */
function perTopic() {
  var out = {};
  for (var i = 0; i < threads.length; i++) {
    var th = threads[i];
    if (!waiting(th)) continue;
    var c = out[th.topic] || (out[th.topic] = { waiting: 0, overdue: 0 });
    c.waiting++;
    if (overdue(th)) c.overdue++;
  }
  return out;
}

function totals() {
  var w = 0;
  var o = 0;
  for (var i = 0; i < threads.length; i++) {
    if (!waiting(threads[i])) continue;
    w++;
    if (overdue(threads[i])) o++;
  }
  return { waiting: w, overdue: o };
}

function renderSummary() {
  var n = totals();
  var text = n.waiting === 0 ? t('c.letters.summary.none')
    : Staff.plural(n.waiting, 'c.letters.summary.one', 'c.letters.summary.other');
  if (n.overdue) text += ' ' + t('c.letters.summary.overdue', { n: n.overdue });
  $('letters-summary').textContent = text;
}

function when(iso) {
  return I18N.formatTime(iso, true);
}

/* The state of a thread in words: overdue (with since when), taken by
 * whom, answered, or new. */
function stateText(th) {
  var parts = [];
  if (overdue(th)) parts.push(t('c.letters.state.overdue', { due: when(th.due) }));
  if (th.state === 'answered') parts.push(t('c.letters.state.answered'));
  else if (th.state === 'taken') parts.push(th.taken_by === me.alias ? t('c.letters.state.mine') : t('c.letters.state.taken', { who: th.taken_by || '?' }));
  else parts.push(t('c.letters.state.new'));
  return parts.join(' · ');
}

function button(cls, textKey, onClick) {
  var b = document.createElement('button');
  b.type = 'button';
  b.className = 'button small ' + cls;
  b.textContent = t(textKey);
  b.addEventListener('click', onClick);
  b.disabled = !sock.connected();
  return b;
}

function renderList() {
  var list = $('letters-list');
  var keep = keepTyped();
  list.textContent = '';
  var all = ordered();
  $('letters-none').hidden = all.length > 0;
  for (var i = 0; i < all.length; i++) list.appendChild(threadItem(all[i], keep));
}

/* What a worker was typing into an answer, kept across a re-render. */
function keepTyped() {
  var out = {};
  var boxes = $('letters-list').querySelectorAll('textarea[data-thread]');
  for (var i = 0; i < boxes.length; i++) out[boxes[i].getAttribute('data-thread')] = boxes[i].value;
  return out;
}

function threadItem(th, keep) {
  var li = document.createElement('li');
  li.className = 'letter-thread-item' + (overdue(th) ? ' letter-overdue' : '') + ' letter-' + th.state;
  li.setAttribute('data-thread', th.thread);
  var h = document.createElement('h3');
  h.className = 'letter-thread-title';
  var langs = th.lang ? ' · ' + String(th.lang).toUpperCase() : '';
  h.textContent = topicTitle(th.topic) + langs;
  li.appendChild(h);
  var st = document.createElement('p');
  st.className = 'letter-thread-state';
  st.textContent = stateText(th);
  li.appendChild(st);
  var times = document.createElement('p');
  times.className = 'muted';
  times.textContent = t('c.letters.times', { received: when(th.received), due: when(th.due) });
  li.appendChild(times);

  var acts = document.createElement('div');
  acts.className = 'actions';
  var mine = th.state === 'taken' && th.taken_by === me.alias;
  if (th.state === 'new') {
    acts.appendChild(button('', 'c.letters.take', function () { take(th.thread); }));
  }
  if (mine) acts.appendChild(button('secondary', 'c.letters.release', function () { release(th.thread); }));
  if (key) {
    var shown = !!openThreads[th.thread];
    var rb = button('secondary', shown ? 'c.letters.hide' : 'c.letters.read', function () { toggle(th.thread); });
    rb.setAttribute('aria-expanded', shown ? 'true' : 'false');
    acts.appendChild(rb);
  }
  li.appendChild(acts);

  if (key && openThreads[th.thread]) {
    li.appendChild(itemsOf(th));
    if (mine) li.appendChild(answerForm(th, keep[th.thread] || ''));
  }
  return li;
}

function itemsOf(th) {
  var ol = document.createElement('ol');
  ol.className = 'letter-items';
  var opened = texts[th.thread] || [];
  var items = Array.isArray(th.items) ? th.items : [];
  for (var i = 0; i < items.length; i++) {
    var it = items[i];
    var worker = it.from === 'worker';
    var li = document.createElement('li');
    li.className = 'letter-item ' + (worker ? 'letter-item-worker' : 'letter-item-visitor');
    var head = document.createElement('p');
    head.className = 'letter-item-head';
    head.textContent = t(worker ? 'c.letters.item.worker' : 'c.letters.item.visitor', { when: when(it.at) });
    var body = document.createElement('p');
    body.className = 'letter-item-text';
    var text = opened[i];
    body.textContent = text === undefined ? t('c.letters.item.opening') : text === null ? t('c.letters.item.unopened') : text;
    li.appendChild(head);
    li.appendChild(body);
    ol.appendChild(li);
  }
  return ol;
}

function answerBox(id) {
  return $('letters-list').querySelector('textarea[data-thread="' + id + '"]');
}

function answerForm(th, typed) {
  var f = document.createElement('form');
  f.className = 'letter-answer';
  f.noValidate = true;
  var id = 'letter-answer-' + th.thread;
  var label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = t('c.letters.answer.label');
  var ta = document.createElement('textarea');
  ta.id = id;
  ta.rows = 8;
  ta.maxLength = MAX_CHARS;
  ta.setAttribute('data-thread', th.thread);
  ta.value = typed;
  var hint = document.createElement('p');
  hint.className = 'hint';
  hint.id = id + '-hint';
  hint.textContent = t('c.letters.answer.hint');
  ta.setAttribute('aria-describedby', hint.id);
  var acts = document.createElement('div');
  acts.className = 'actions';
  var send = document.createElement('button');
  send.type = 'submit';
  send.className = 'button';
  send.textContent = t('c.letters.answer.send');
  send.disabled = !sock.connected();
  acts.appendChild(send);
  f.appendChild(label);
  f.appendChild(ta);
  f.appendChild(hint);
  f.appendChild(acts);
  f.addEventListener('submit', function (ev) {
    ev.preventDefault();
    answer(th, ta.value);
  });
  return f;
}

/* ---- actions ---- */

function take(id) {
  request({ type: 'letter_take', thread: id }, { kind: 'take', thread: id });
}

function release(id) {
  request({ type: 'letter_release', thread: id }, { kind: 'release', thread: id });
}

function toggle(id) {
  openThreads[id] = !openThreads[id];
  renderList();
  if (openThreads[id]) openShown();
}

async function answer(th, text) {
  if (!key || !text.trim()) {
    say(t('c.letters.answer.empty'));
    return;
  }
  if (typeof th.reply_pub !== 'string') {
    Chat.showError(t('c.letters.answer.nokey'));
    return;
  }
  try {
    var reply = await Box.box(th.reply_pub, text);
    var copy = await Box.box(pub, text);
    request({ type: 'letter_answer', thread: th.thread, reply: reply, copy: copy }, { kind: 'answer', thread: th.thread });
  } catch (e) {
    Chat.showError(t('c.letters.answer.nokey'));
  }
}

/* Opens the texts of every shown thread not opened yet (the list is
 * rendered again when they are in). */
async function openShown() {
  var k = key;
  var changed = false;
  for (var i = 0; i < threads.length; i++) {
    var th = threads[i];
    if (!openThreads[th.thread]) continue;
    var items = Array.isArray(th.items) ? th.items : [];
    var have = texts[th.thread] || [];
    if (have.length === items.length) continue;
    var out = have.slice();
    for (var j = have.length; j < items.length; j++) {
      try {
        out.push(await Box.open(k, pub, items[j].box));
      } catch (e) {
        out.push(null);
      }
    }
    if (key !== k) return;   /* locked meanwhile */
    texts[th.thread] = out;
    changed = true;
  }
  if (changed) renderList();
}

/* ---- unlock and lock ---- */

async function unlock(ev) {
  ev.preventDefault();
  if (unlocking || !wrapped) return;
  var input = $('letters-pass');
  var words = input.value;
  $('letters-unlock-error').textContent = '';
  if (!words) return;
  unlocking = true;
  $('letters-unlock-submit').disabled = true;
  $('letters-unlock-status').textContent = t('c.letters.unlocking');
  try {
    key = await Box.unwrapKey(wrapped, words);
    input.value = '';
    say(t('c.letters.unlocked.said'));
  } catch (e) {
    $('letters-unlock-error').textContent = t('c.letters.unlock.wrong');
  }
  unlocking = false;
  $('letters-unlock-submit').disabled = false;
  $('letters-unlock-status').textContent = '';
  renderAll();
  if (key) {
    openShown();
    $('letters-lock').focus();
  }
}

/* Drops the key and every opened text. */
function lock() {
  var was = !!key;
  key = null;
  texts = {};
  openThreads = {};
  $('letters-pass').value = '';
  renderAll();
  if (was) {
    say(t('c.letters.locked.said'));
    $('letters-pass').focus();
  }
}

/* ---- elsewhere in the console ---- */

/* A worker on duty with a free slot: how many letters wait. */
function renderHint() {
  var el = $('letters-hint');
  if (!el) return;
  var n = totals();
  var busy = Object.keys(myChats).length;
  var show = available && !!duty && duty.on && busy < duty.capacity && n.waiting > 0;
  el.hidden = !show;
  if (!show) return;
  $('letters-hint-text').textContent = Staff.plural(n.waiting, 'c.letters.hint.one', 'c.letters.hint.other') +
    (n.overdue ? ' ' + t('c.letters.summary.overdue', { n: n.overdue }) : '');
}

/* The board's letters per topic: the board frame's own counts when the
 * daemon sends them (topics[].letters_waiting, letters_overdue), else
 * counted from the list. */
var boardTopics = null;
function renderBoardLetters(m) {
  if (m && Array.isArray(m.topics)) boardTopics = m.topics;
  var box = $('board-letters');
  if (!box) return;
  box.hidden = !available;
  if (!available) return;
  var counts = perTopic();
  if (boardTopics && boardTopics.some(function (x) { return typeof x.letters_waiting === 'number'; })) {
    counts = {};
    boardTopics.forEach(function (x) {
      if (x.letters_waiting) counts[x.id] = { waiting: x.letters_waiting, overdue: x.letters_overdue || 0 };
    });
  }
  var list = $('board-letters-list');
  list.textContent = '';
  var ids = Object.keys(counts);
  $('board-letters-none').hidden = ids.length > 0;
  for (var i = 0; i < ids.length; i++) {
    var c = counts[ids[i]];
    var li = document.createElement('li');
    li.textContent = t('c.letters.board.topic', { topic: topicTitle(ids[i]), n: c.waiting }) +
      (c.overdue ? ' ' + t('c.letters.summary.overdue', { n: c.overdue }) : '');
    if (c.overdue) li.className = 'letter-overdue';
    list.appendChild(li);
  }
}

function onLettersLang() {
  renderAll();
}

function initLetters() {
  $('letters-unlock').addEventListener('submit', unlock);
  $('letters-lock').addEventListener('click', lock);
  window.addEventListener('hashchange', function () {
    applyLettersView();
    if (location.hash === '#letters' && available) {
      requestList();
      $('letters-heading').focus();
    }
  });
  I18N.onChange(onLettersLang);
  /* the list's "overdue" moves with the clock */
  window.setInterval(function () { if (available) renderAll(); }, 60000);
}

export {
  initLetters,
  onLettersFrame,
  lock as lockLetters
};
