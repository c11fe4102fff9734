/* duty.js: the topics (GET /api/status) and the worker's duty: which
 * topics, how many chats at a time and, where the server names them, the
 * languages the worker chats in (contract v2 §2). The server is the truth:
 * the form shows the last `duty` answer; after a reconnect the same duty is
 * sent again (restoreDuty()). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { sock, board } from './shared.js';
import { langs, me } from './session.js';
import { forgetQueue, renderQueue } from './queue.js';
import { eachChat, refreshPanelMeta } from './chats.js';
import { rebuildTools } from './panel.js';

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;
var showError = Chat.showError;

var topicList = [];            /* from /api/status */
var orgList = [];              /* from /api/status: [{id, name}] with [org] sections */
var duty = null;               /* last duty answer {on, topics, capacity} */
var dutyWanted = null;         /* duty to restore after a reconnect */

function loadTopics() {
  Chat.fetchStatus()
    .then(function (j) {
      topicList = Array.isArray(j.topics) ? j.topics : [];
      orgList = Array.isArray(j.orgs) ? j.orgs : [];
      renderDutyTopics();
      renderDuty();   /* a duty answer may have come first, showing bare ids */
      renderQueue();
      refreshPanelMeta();
      board.render();   /* the board may have come first, too */
      /* chats re-sent after a reload may have come first: transfer needs the topics */
      eachChat(rebuildTools);
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

/* An org's name in the page's language, or its id (contract v3 §4). */
function orgName(id) {
  for (var i = 0; i < orgList.length; i++) {
    if (orgList[i] && orgList[i].id === id) return I18N.pick(orgList[i].name, id);
  }
  return id;
}

/* True when the installation has [org] sections (the status names orgs). */
function orgsDeclared() {
  return orgList.length > 0;
}

/* The topics the worker may go on duty for: those of its orgs (the
 * welcome's `orgs`; without [org] sections, every topic). */
function dutyTopicList() {
  var m = me;
  var orgs = m && Array.isArray(m.orgs) ? m.orgs : null;
  if (!orgs) return topicList;
  return topicList.filter(function (x) { return orgs.indexOf(x.org) >= 0; });
}

function topicIds() {
  return topicList.map(function (x) { return x.id; });
}

function topicsLoaded() {
  return topicList.length > 0;
}

function dutyOn() {
  return !!(duty && duty.on);
}

/* After a welcome: the duty the worker was on before the reconnect. */
function restoreDuty() {
  if (dutyWanted) sendDuty(dutyWanted.on, dutyWanted.topics, dutyWanted.capacity, dutyWanted.langs);
}

/* Logged out: no duty, none to restore. */
function forgetDuty() {
  duty = null;
  dutyWanted = null;
}

function initDuty() {
  $('duty-form').addEventListener('submit', onDutyOn);
  $('duty-off').addEventListener('click', onDutyOff);
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
  var list = dutyTopicList();
  for (var i = 0; i < list.length; i++) {
    var tp = list[i];
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
    forgetQueue();
  }
  renderDuty();
  renderQueue();
}

function renderDuty() {
  var st = $('duty-status');
  if (!duty) {
    st.textContent = '';
  } else if (duty.on) {
    st.textContent = Staff.plural(duty.capacity, 'c.duty.status.on.one', 'c.duty.status.on.other',
      { topics: duty.topics.map(topicTitle).join(', ') }) +
      (duty.langs && duty.langs.length ? ' ' + t('c.duty.status.langs', { langs: duty.langs.map(langName).join(', ') }) : '');
  } else {
    st.textContent = t('c.duty.status.off');
  }
  $('duty-off').disabled = !sock.connected() || !(duty && duty.on);
  var onKey = duty && duty.on ? 'c.duty.update' : 'c.duty.on';
  $('duty-on').setAttribute('data-i18n', onKey);
  $('duty-on').textContent = t(onKey);
}

export {
  orgName,
  orgsDeclared,
  initDuty,
  loadTopics,
  topicTitle,
  topicIds,
  topicsLoaded,
  langName,
  dutyOn,
  restoreDuty,
  forgetDuty,
  onDuty,
  renderDuty,
  renderDutyTopics,
  renderDutyLangs
};
