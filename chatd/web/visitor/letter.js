/* letter.js: the visitor's letters (contract v3 §3). A young person can
 * write at any time to a topic with `letters` (welcome.topics[]), and read
 * the answer later, from any device, with a code.
 *
 * The letter is sealed here (letters-crypto.js) to the letter workers' key
 * (`letter`) and to a fresh reply key (`own`); the reply key's private half
 * is wrapped with the code, which never leaves this page: the server keys
 * the thread by SHA-256 of it (`pickup`). The code is shown once, on the
 * code screen, and forgotten when the visitor leaves that screen; reading
 * an answer keeps the code and the reply key in this page's memory only
 * while the answer is on screen. Nothing of a letter or a code is written
 * to localStorage, sessionStorage or the address, and the quick exit
 * clears the forms and forgets both (clearLetters).
 *
 * Views: 'letter' (the form), 'letter-code' (the code, once) and
 * 'letter-read' (the code form, the thread, a letter more to it).
 * visitor.js owns the socket and the other views; it hands letter frames
 * and errors here (onLetterFrame, letterError). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Box from '../letters-crypto.js';

var MAX_CHARS = 8000;
var COUNT_STEPS = [500, 100, 0];   /* "N characters left" is announced at these */

var t = I18N.t;
var $ = Chat.$;

var sock = null;
var showView = function () {};
var offers = {};               /* topic id -> {days, pub} from the welcome */
var commonPub = null;          /* welcome.letters_pub, when the daemon sends one */
var writing = null;            /* {topic, state} of the letter form */
var sending = null;            /* ref of the letter_send in flight */
var shown = null;              /* {code, due, days}: the code screen, once */
var reading = null;            /* {code, pickup, ref, thread, key, pub, topic} */
var againRef = null;           /* ref of a letter more to the read thread */

/* ---- what the welcome says ---- */

/* The letter topics of a welcome: `letters`, `letter_days` and the key to
 * seal letters to (`letters_pub` on the topic or the welcome). The status
 * refreshes carry none of it, so it is kept until the next welcome. */
function setLetterTopics(welcome) {
  offers = {};
  commonPub = typeof welcome.letters_pub === 'string' ? welcome.letters_pub : null;
  var tps = Array.isArray(welcome.topics) ? welcome.topics : [];
  for (var i = 0; i < tps.length; i++) {
    var tp = tps[i];
    if (!tp || tp.letters !== true) continue;
    var pub = typeof tp.letters_pub === 'string' ? tp.letters_pub : commonPub;
    if (!pub) continue;   /* nothing to seal it to: no offer that cannot be kept */
    var days = Number(tp.letter_days);
    offers[tp.id] = { days: days > 0 ? Math.round(days) : 5, pub: pub };
  }
}

function anyOffer() {
  return Object.keys(offers).length > 0;
}

/* "within 5 days", with the language's plural. */
function within(days) {
  return t(days === 1 ? 'v.letter.within.one' : 'v.letter.within', { n: days });
}

/* ---- the offer beside each topic ---- */

/* The id of the letter button that has the focus, so that a re-render of
 * the list keeps it there. */
function letterFocused() {
  var a = document.activeElement;
  return a && a.getAttribute ? a.getAttribute('data-letter-topic') : null;
}

/* After each topic button of #topics whose topic takes letters: a button
 * to write one, worded for the topic's state (closed, full or cut off: a
 * letter instead; open: a letter as another way). */
function renderLetterOffers(topics, focused) {
  var box = $('topics');
  $('letter-read-offer').hidden = !anyOffer();
  for (var i = 0; i < topics.length; i++) {
    var tp = topics[i];
    var o = offers[tp.id];
    if (!o) continue;
    var after = box.querySelector('[data-topic="' + tp.id + '"]');
    if (!after) continue;
    var open = tp.state === 'open';
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'topic-letter' + (open ? '' : ' topic-letter-main');
    b.setAttribute('data-letter-topic', tp.id);
    var what = document.createElement('span');
    what.className = 'topic-letter-what';
    what.textContent = t(open ? 'v.letter.offer.open' : 'v.letter.offer', { topic: I18N.pick(tp.title, tp.id) });
    var when = document.createElement('span');
    when.className = 'topic-letter-when';
    when.textContent = t('v.letter.offer.when', { within: within(o.days) });
    b.appendChild(what);
    b.appendChild(when);
    b.disabled = !sock.connected();
    b.addEventListener('click', onOfferClick);
    after.insertAdjacentElement('afterend', b);
    if (focused === tp.id) b.focus();
  }
}

function onOfferClick(ev) {
  var id = ev.currentTarget.getAttribute('data-letter-topic');
  var tp = null;
  var tps = currentTopics();
  for (var i = 0; i < tps.length; i++) if (tps[i].id === id) tp = tps[i];
  startLetter(id, tp ? tp : { id: id, state: 'closed' });
}

var currentTopics = function () { return []; };

/* ---- writing ---- */

function startLetter(id, tp) {
  Chat.clearErrors();
  writing = {
    topic: id,
    state: tp.state,
    cutoff: tp.state === 'full' && tp.full_reason === 'cutoff',
    nobody: tp.state === 'open' && tp.staffed === false,
    title: tp.title
  };
  $('letter-error').textContent = '';
  $('letter-status').textContent = '';
  renderLetter();
  showView('letter');
  $('letter-heading').focus();
}

function renderLetter() {
  if (!writing) return;
  var o = offers[writing.topic] || { days: 5 };
  $('letter-topic').textContent = t('v.letter.topic', { topic: I18N.pick(writing.title, writing.topic) });
  var why = writing.nobody ? 'v.letter.why.nobody'
    : writing.state === 'open' ? 'v.letter.why.open'
    : writing.cutoff ? 'v.letter.why.cutoff'
      : writing.state === 'full' ? 'v.letter.why.full' : 'v.letter.why.closed';
  $('letter-why').textContent = t(why);
  $('letter-next').textContent = t('v.letter.next', { within: within(o.days) });
  renderCount('letter-text', 'letter-count', true);
}

/* "123 / 8000 characters"; at 500, 100 and 0 left also said aloud. */
function renderCount(inputId, countId, live) {
  var n = $(inputId).value.length;
  $(countId).textContent = t('v.letter.count', { n: n, max: MAX_CHARS });
  if (!live) return;
  var left = MAX_CHARS - n;
  var say = '';
  for (var i = 0; i < COUNT_STEPS.length; i++) {
    if (left <= COUNT_STEPS[i]) say = t(left <= 0 ? 'v.letter.count.full' : 'v.letter.count.left', { n: Math.max(0, left) });
  }
  var el = $('letter-count-live');
  if (el.textContent !== say) el.textContent = say;
}

async function sendLetter(ev) {
  ev.preventDefault();
  if (!writing || sending !== null) return;
  var text = $('letter-text').value;
  $('letter-error').textContent = '';
  if (!text.trim()) {
    $('letter-error').textContent = t('v.letter.empty');
    $('letter-text').focus();
    return;
  }
  if (text.length > MAX_CHARS) {
    $('letter-error').textContent = t('v.letter.toolong', { max: MAX_CHARS });
    return;
  }
  var o = offers[writing.topic];
  if (!o || !sock.connected()) {
    $('letter-error').textContent = t('v.letter.offline');
    return;
  }
  sending = 'sealing';
  updateLetterControls();
  $('letter-status').textContent = t('v.letter.sealing');
  try {
    var code = Box.newCode();
    var pair = await Box.newKeyPair();
    var req = {
      type: 'letter_send',
      topic: writing.topic,
      pickup: await Box.pickupOf(code),
      letter: await Box.box(o.pub, text),
      own: await Box.box(pair.pub, text),
      reply_pub: pair.pub,
      reply_key: await Box.wrap(pair.pkcs8, code),
      lang: I18N.lang
    };
    pair.pkcs8.fill(0);
    if (!sock.connected()) throw new Error('offline');
    req.ref = sock.nextRef();
    sending = req.ref;
    shown = { code: code, days: o.days, due: null };
    sock.send(req);
  } catch (e) {
    sending = null;
    shown = null;
    $('letter-status').textContent = '';
    $('letter-error').textContent = t(e && e.message === 'offline' ? 'v.letter.offline' : 'v.letter.failed');
    updateLetterControls();
  }
}

function onLetterSent(m) {
  if (m.ref !== undefined && m.ref === againRef) {
    againRef = null;
    $('letter-again-text').value = '';
    renderCount('letter-again-text', 'letter-again-count', false);
    $('letter-again-status').textContent = t('v.letter.again.sent');
    updateLetterControls();
    if (reading) pickup();   /* the thread with the new letter in it */
    return;
  }
  if (sending === null || (m.ref !== undefined && m.ref !== sending) || !shown) return;
  sending = null;
  shown.due = typeof m.due === 'string' ? m.due : null;
  /* the letter is on the server: it leaves the page */
  $('letter-text').value = '';
  $('letter-status').textContent = '';
  writing = null;
  renderCode();
  showView('letter-code');
  $('letter-code-heading').focus();
  updateLetterControls();
}

function renderCode() {
  if (!shown) {
    $('letter-code').textContent = '';
    $('letter-code-due').textContent = '';
    return;
  }
  /* groups of four that never break inside: at 390 px two a line */
  var el = $('letter-code');
  el.textContent = '';
  var groups = Box.showCode(shown.code).split('-');
  for (var i = 0; i < groups.length; i++) {
    var g = document.createElement('span');
    g.className = 'letter-code-group';
    g.textContent = groups[i] + (i < groups.length - 1 ? '-' : '');
    el.appendChild(g);
    if (i < groups.length - 1) el.appendChild(document.createElement('wbr'));
  }
  $('letter-code-due').textContent = shown.due
    ? t('v.letter.due', { within: within(shown.days), date: I18N.formatWhen(shown.due) })
    : t('v.letter.due.plain', { within: within(shown.days) });
}

/* Leaving the code screen forgets the code: it is shown once. */
function codeDone() {
  shown = null;
  renderCode();
  showView('topics');
  var b = $('letter-read-open');
  if (b && !$('letter-read-offer').hidden) b.focus();
}

/* ---- reading ---- */

function startReading() {
  Chat.clearErrors();
  forgetReading();
  showView('letter-read');
  $('letter-read-heading').focus();
}

function readSubmit(ev) {
  ev.preventDefault();
  $('letter-read-error').textContent = '';
  var code = Box.normalCode($('letter-read-code').value);
  if (!code) {
    $('letter-read-error').textContent = t('v.letter.read.bad');
    $('letter-read-code').focus();
    return;
  }
  if (!sock.connected()) {
    $('letter-read-error').textContent = t('v.letter.offline');
    return;
  }
  forgetThread();
  reading = { code: code };
  pickup();
}

async function pickup() {
  var r = reading;
  if (!r) return;
  $('letter-read-status').textContent = t('v.letter.read.looking');
  updateLetterControls();
  r.pickup = r.pickup || await Box.pickupOf(r.code);
  if (reading !== r || !sock.connected()) return;
  r.ref = sock.nextRef();
  sock.send({ type: 'letter_pickup', pickup: r.pickup, ref: r.ref });
}

async function onThread(m) {
  var r = reading;
  if (!r || !r.ref || (m.ref !== undefined && m.ref !== r.ref)) return;
  r.ref = null;
  try {
    if (!r.key) r.key = await Box.unwrapKey(m.reply_key, r.code);
    r.thread = m.thread;
    r.pub = m.reply_pub;
    r.topic = typeof m.topic === 'string' ? m.topic : null;
    var items = Array.isArray(m.items) ? m.items : [];
    var texts = [];
    for (var i = 0; i < items.length; i++) {
      var text;
      try {
        text = await Box.open(r.key, r.pub, items[i].box);
      } catch (e) {
        text = null;
      }
      texts.push({ from: items[i].from, at: items[i].at, text: text });
    }
    if (reading !== r) return;
    r.due = m.due;
    renderThread(texts);
    $('letter-read-status').textContent = '';
  } catch (e) {
    if (reading !== r) return;
    reading = null;
    $('letter-read-status').textContent = '';
    $('letter-read-error').textContent = t('v.letter.read.unopened');
  }
  updateLetterControls();
}

function renderThread(items) {
  var list = $('letter-items');
  list.textContent = '';
  var answered = false;
  var lastVisitor = -1;
  for (var i = 0; i < items.length; i++) if (items[i].from === 'visitor') lastVisitor = i;
  for (i = 0; i < items.length; i++) {
    var it = items[i];
    var worker = it.from === 'worker';
    if (worker && i > lastVisitor) answered = true;
    var li = document.createElement('li');
    li.className = 'letter-item ' + (worker ? 'letter-item-worker' : 'letter-item-visitor');
    var head = document.createElement('p');
    head.className = 'letter-item-head';
    head.textContent = t(worker ? 'v.letter.item.worker' : 'v.letter.item.visitor', { when: I18N.formatTime(it.at, true) });
    var body = document.createElement('p');
    body.className = 'letter-item-text';
    body.textContent = it.text === null ? t('v.letter.item.unopened') : it.text;
    li.appendChild(head);
    li.appendChild(body);
    list.appendChild(li);
  }
  var days = reading && reading.topic && offers[reading.topic] ? offers[reading.topic].days : null;
  var due = reading && reading.due ? Date.parse(reading.due) : NaN;
  $('letter-thread-due').textContent = answered ? t('v.letter.answered')
    : isNaN(due) ? t('v.letter.waiting.plain')
      : due < Date.now() ? t('v.letter.waiting.late')
        : t('v.letter.waiting', { date: I18N.formatWhen(reading.due) });
  $('letter-thread-due').setAttribute('data-days', days === null ? '' : String(days));
  $('letter-thread').hidden = false;
  renderCount('letter-again-text', 'letter-again-count', false);
}

/* The key to seal a letter more to: the thread's topic's, else the
 * welcome's, else the only one there is. */
function againPub() {
  if (reading && reading.topic && offers[reading.topic]) return offers[reading.topic].pub;
  if (commonPub) return commonPub;
  var ids = Object.keys(offers);
  return ids.length === 1 ? offers[ids[0]].pub : null;
}

async function sendAgain(ev) {
  ev.preventDefault();
  var r = reading;
  if (!r || !r.key || againRef !== null) return;
  var text = $('letter-again-text').value;
  $('letter-again-error').textContent = '';
  $('letter-again-status').textContent = '';
  if (!text.trim()) {
    $('letter-again-error').textContent = t('v.letter.empty');
    return;
  }
  var pub = againPub();
  if (!pub || !sock.connected()) {
    $('letter-again-error').textContent = t(pub ? 'v.letter.offline' : 'v.letter.failed');
    return;
  }
  againRef = 'sealing';
  updateLetterControls();
  try {
    var req = {
      type: 'letter_send',
      pickup: r.pickup,
      letter: await Box.box(pub, text),
      own: await Box.box(r.pub, text),
      lang: I18N.lang
    };
    if (r.topic) req.topic = r.topic;
    if (reading !== r || !sock.connected()) throw new Error('offline');
    req.ref = sock.nextRef();
    againRef = req.ref;
    sock.send(req);
  } catch (e) {
    againRef = null;
    $('letter-again-error').textContent = t('v.letter.offline');
    updateLetterControls();
  }
}

/* ---- errors ---- */

/* An error frame about a letter request: worded here, in the view it
 * belongs to; true when it was one. */
function letterError(m) {
  if (m.ref === undefined) return false;
  if (sending !== null && m.ref === sending) {
    sending = null;
    shown = null;   /* that code names no thread */
    $('letter-status').textContent = '';
    $('letter-error').textContent = sendErrorText(m.code);
    updateLetterControls();
    return true;
  }
  if (againRef !== null && m.ref === againRef) {
    againRef = null;
    /* the page keeps a letter to 8,000 characters: a thread too large is full */
    $('letter-again-error').textContent = m.code === 'too_large' ? t('v.letter.thread.full') : sendErrorText(m.code);
    updateLetterControls();
    return true;
  }
  if (reading && reading.ref && m.ref === reading.ref) {
    reading = null;
    $('letter-read-status').textContent = '';
    $('letter-read-error').textContent = t(m.code === 'not_found' ? 'v.letter.read.notfound'
      : m.code === 'rate_limited' ? 'v.letter.read.limited' : 'v.letter.failed');
    updateLetterControls();
    $('letter-read-code').focus();
    return true;
  }
  return false;
}

function sendErrorText(code) {
  if (code === 'rate_limited') return t('v.letter.limited');
  if (code === 'too_large' || code === 'too_long') return t('v.letter.toolong', { max: MAX_CHARS });
  return t('v.letter.failed');
}

/* ---- state ---- */

function forgetThread() {
  $('letter-items').textContent = '';
  $('letter-thread').hidden = true;
  $('letter-thread-due').textContent = '';
  $('letter-again-status').textContent = '';
  $('letter-again-error').textContent = '';
}

function forgetReading() {
  reading = null;
  againRef = null;
  $('letter-read-code').value = '';
  $('letter-read-error').textContent = '';
  $('letter-read-status').textContent = '';
  $('letter-again-text').value = '';
  forgetThread();
}

/* The quick exit: every form emptied, the code and the keys forgotten. */
function clearLetters() {
  writing = null;
  sending = null;
  shown = null;
  renderCode();
  $('letter-text').value = '';
  forgetReading();
}

function isLetterView(name) {
  return name === 'letter' || name === 'letter-code' || name === 'letter-read';
}

/* Shows the letter view called name (or none of them). */
function showLetterView(name) {
  $('view-letter').hidden = name !== 'letter';
  $('view-letter-code').hidden = name !== 'letter-code';
  $('view-letter-read').hidden = name !== 'letter-read';
}

function updateLetterControls() {
  var on = !!sock && sock.connected();
  $('letter-send').disabled = !on || sending !== null;
  $('letter-read-submit').disabled = !on || !!(reading && reading.ref);
  $('letter-again-send').disabled = !on || againRef !== null;
  $('letter-read-open').disabled = !on;
}

/* A letter frame (letter_sent, letters); true when it was one. */
function onLetterFrame(m) {
  if (m.type === 'letter_sent') {
    onLetterSent(m);
    return true;
  }
  if (m.type === 'letters') {
    onThread(m);
    return true;
  }
  return false;
}

function onLetterLang() {
  renderLetter();
  renderCode();
  renderCount('letter-again-text', 'letter-again-count', false);
  if (reading && reading.thread && reading.key) {
    reading.ref = null;
    pickup();   /* the times and words again in the new language */
  }
}

/* s: the page's socket; show(name): the page's showView; topicsNow(): the
 * topics as last refreshed (their state). */
function initLetters(s, show, topicsNow) {
  sock = s;
  showView = show;
  currentTopics = topicsNow;
  $('letter-form').addEventListener('submit', sendLetter);
  $('letter-text').addEventListener('input', function () { renderCount('letter-text', 'letter-count', true); });
  $('letter-back').addEventListener('click', function () {
    writing = null;
    showView('topics');
  });
  $('letter-code-done').addEventListener('click', codeDone);
  $('letter-read-open').addEventListener('click', startReading);
  $('letter-read-form').addEventListener('submit', readSubmit);
  $('letter-read-back').addEventListener('click', function () {
    forgetReading();
    showView('topics');
  });
  $('letter-again-form').addEventListener('submit', sendAgain);
  $('letter-again-text').addEventListener('input', function () { renderCount('letter-again-text', 'letter-again-count', false); });
  updateLetterControls();
}

export {
  initLetters,
  setLetterTopics,
  renderLetterOffers,
  letterFocused,
  onLetterFrame,
  letterError,
  clearLetters,
  isLetterView,
  showLetterView,
  updateLetterControls,
  onLetterLang
};
