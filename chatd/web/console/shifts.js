/* shifts.js: the console's Shifts view (contract v3 §7), at #shifts: the
 * shifts published for the worker's topics in the next four weeks, by day,
 * each with its topic, day and time and whether it is open, the worker's
 * own, or taken by a colleague (by alias). Take and Drop are buttons (the
 * keyboard reaches them with Tab); Drop only for the worker's own shifts
 * that have not started. When someone else took the shift first
 * (`bad_state`), the shift says so in plain words and the list is asked
 * again. The list follows `shifts_changed`.
 *
 * When a taken shift starts, the daemon sends the worker `shift_starting`:
 * a notice above every view says so, with a button that goes on duty for
 * the shift's topic (through the duty form, with the capacity there) and
 * one that dismisses it.
 *
 * Times are the service's local ones, read from the ISO text (never moved
 * into the browser's zone); "has it started" uses this browser's clock, or
 * a later one where the service showed it (GET /api/status's `generated`,
 * a reminder's start); the daemon refuses a late Drop all the same.
 * console.js hands every frame here first (onShiftsFrame); frames of this
 * module's requests end here, the others go on. Coordinators, who cannot go
 * on duty, have no Shifts view; nor has anyone whose daemon refuses
 * `shifts`. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { sock } from './shared.js';

var WEEKS = 4;
var REMINDER = 'shift_starting';

var t = I18N.t;
var $ = Chat.$;

var me = null;                 /* {alias, role} from the welcome */
var available = false;         /* the daemon answered `shifts` */
var items = null;              /* the last list */
var refs = {};                 /* ref -> {kind, shift} */
var notes = {};                /* shift id -> i18n key said beside it */
var skew = null;               /* service clock - this browser's, ms, at least */
var topics = [];               /* from GET /api/status, for the topics' titles */
var duty = null;               /* {on, topics} from the last `duty` */
var reminder = null;           /* the shift of the notice shown */

/* ---- frames ---- */

/* Every frame passes here first; true when it was this module's alone. */
function onShiftsFrame(m) {
  switch (m.type) {
    case 'welcome':
      me = { alias: m.alias, role: m.role };
      refs = {};
      if (me.role !== 'coordinator') requestList();
      setTimeout(applyShiftsView, 0);   /* after the console's own view */
      return false;
    case 'shifts': return onList(m);
    case 'shifts_changed': requestList(); return true;
    case REMINDER: onReminder(m); return true;
    case 'duty':
      duty = { on: !!m.on, topics: Array.isArray(m.topics) ? m.topics : [] };
      renderReminder();
      return false;
    case 'logged_out': forget(); return false;
    case 'ack': return onAck(m);
    case 'error':
      if (m.code === 'unauthorized') forget();   /* the login ran out: nothing to show */
      return onShiftError(m);
    default: return false;
  }
}

function request(msg, what) {
  if (!sock.connected()) return null;
  msg.ref = 'shifts' + sock.nextRef();
  refs[msg.ref] = what;
  sock.send(msg);
  return msg.ref;
}

/* The shifts from now to four weeks on (the daemon's default). */
function requestList() {
  request({ type: 'shifts' }, { kind: 'list' });
  syncClock();
}

function syncClock() {
  Chat.fetchStatus().then(function (j) {
    /* `generated` is when the status last changed: the service's clock
     * is at least there */
    atLeast(Date.parse(j.generated));
    topics = Array.isArray(j.topics) ? j.topics : topics;
    renderShifts();
  }).catch(function () { /* this browser's clock */ });
}

function topicTitle(id) {
  return Chat.topicTitle(topics, id);
}

function atLeast(serviceMs) {
  if (isNaN(serviceMs)) return;
  var d = serviceMs - Date.now();
  if (skew === null || d > skew) skew = d;
}

/* The service's clock as far as this tab knows it: this browser's, or
 * later where the service showed a later time. */
function serverNow() {
  return Date.now() + Math.max(skew || 0, 0);
}

function onList(m) {
  if (m.ref !== undefined) delete refs[m.ref];
  var list = Array.isArray(m.items) ? m.items : Array.isArray(m.shifts) ? m.shifts : [];
  var was = available;
  available = true;
  items = list.filter(function (s) {
    return s && (typeof s.shift === 'string' || typeof s.shift === 'number') &&
      typeof s.topic === 'string' && typeof s.start === 'string' && typeof s.end === 'string';
  }).sort(function (a, b) {
    return Date.parse(a.start) - Date.parse(b.start) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);
  });
  if (!was) applyShiftsView();
  renderList();
  return true;
}

function onAck(m) {
  var what = m.ref !== undefined ? refs[m.ref] : undefined;
  if (!what) return false;
  delete refs[m.ref];
  if (what.kind === 'take' || what.kind === 'drop') {
    var s = find(what.shift);
    notes[what.shift] = what.kind === 'take' ? 'c.shifts.took' : 'c.shifts.dropped';
    if (s) say(t(notes[what.shift], { shift: shiftWords(s) }));
    requestList();
  }
  return true;
}

function onShiftError(m) {
  var what = m.ref !== undefined ? refs[m.ref] : undefined;
  if (!what) return false;
  delete refs[m.ref];
  if (what.kind === 'list') {
    /* no shifts here (an older daemon, or a role without them) */
    available = false;
    items = null;
    applyShiftsView();
    return true;
  }
  /* the daemon's `reason` says which rule refused */
  var key = {
    taken: 'c.shifts.gone',
    over: 'c.shifts.over',
    started: 'c.shifts.started',
    not_yours: 'c.shifts.notyours',
    unknown_shift: 'c.shifts.notfound'
  }[m.reason];
  if (!key) key = m.code === 'bad_state' && what.kind === 'take' ? 'c.shifts.gone' : 'c.shifts.failed';
  notes[what.shift] = key;
  say(t(key));
  renderList();
  requestList();
  return true;
}

function forget() {
  me = null;
  available = false;
  items = null;
  refs = {};
  notes = {};
  duty = null;
  reminder = null;
  renderReminder();
  applyShiftsView();
}

function find(id) {
  if (!items) return null;
  for (var i = 0; i < items.length; i++) if (String(items[i].shift) === String(id)) return items[i];
  return null;
}

function mine(s) {
  return s.mine === true || (!!me && !!s.taken_by && s.taken_by === me.alias);
}

/* ---- the view ---- */

function applyShiftsView() {
  var nav = $('nav-shifts');
  if (!nav) return;
  var can = !!me && available && me.role !== 'coordinator';
  nav.hidden = !can;
  if (can) {
    $('views').hidden = false;
    $('nav-board').hidden = !(me.role === 'admin' || me.role === 'coordinator');
  }
  var on = can && location.hash === '#shifts';
  $('shifts-view').hidden = !on;
  if (on) {
    $('work-view').hidden = true;
    $('board-view').hidden = true;
    ['nav-board', 'nav-chats', 'nav-letters'].forEach(function (id) {
      if ($(id)) $(id).setAttribute('aria-current', 'false');
    });
  }
  nav.setAttribute('aria-current', on ? 'page' : 'false');
}

function say(text) {
  $('shifts-said').textContent = text;
}

/* "Youth chat, Mon 14.12. 14:00–18:00": a shift in words. */
function shiftWords(s) {
  return t('c.shifts.words', { topic: topicTitle(s.topic), day: dayName(s.start.slice(0, 10), 'short'), time: timeSpan(s) });
}

function timeSpan(s) {
  return s.start.slice(11, 16) + '\u2013' + s.end.slice(11, 16);
}

/* A calendar date (YYYY-MM-DD) in the page's language, as it is (no zone shift). */
function dayName(ymd, style) {
  var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  var opts = style === 'long'
    ? { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }
    : { weekday: 'short', day: 'numeric', month: 'numeric', timeZone: 'UTC' };
  try {
    return I18N.intl(Intl.DateTimeFormat, opts).format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
  } catch (e) {
    return ymd;
  }
}

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function renderList() {
  var box = $('shifts-days');
  if (!box) return;
  /* the keyboard stays on the shift it was on */
  var active = document.activeElement;
  var keep = active && box.contains(active) && active.closest('[data-shift]')
    ? active.closest('[data-shift]').getAttribute('data-shift') : null;
  box.textContent = '';
  var list = items || [];
  var now = serverNow();
  var until = now + WEEKS * 7 * 86400000;
  list = list.filter(function (s) {
    var end = Date.parse(s.end);
    var start = Date.parse(s.start);
    return !(end <= now) && !(start >= until);
  });
  $('shifts-none').hidden = list.length > 0 || items === null;
  var open = 0;
  var own = 0;
  list.forEach(function (s) {
    if (!s.taken_by) open += 1;
    else if (mine(s)) own += 1;
  });
  $('shifts-summary').textContent = items === null ? '' : t('c.shifts.summary', { open: open, mine: own });
  var day = null;
  var ul = null;
  list.forEach(function (s) {
    var d = s.start.slice(0, 10);
    if (d !== day) {
      day = d;
      var sec = el('section', 'shift-day');
      var h = el('h3', 'shift-day-name', dayName(d, 'long'));
      h.id = 'shift-day-' + d;
      sec.setAttribute('aria-labelledby', h.id);
      sec.appendChild(h);
      ul = el('ul', 'shift-list');
      sec.appendChild(ul);
      box.appendChild(sec);
    }
    ul.appendChild(shiftItem(s, now));
  });
  if (keep !== null) {
    var li = box.querySelector('[data-shift="' + CSS.escape(keep) + '"]');
    if (li) (li.querySelector('button') || li).focus();
  }
}

function shiftItem(s, now) {
  var li = el('li', 'shift');
  li.setAttribute('data-shift', String(s.shift));
  li.setAttribute('data-topic', s.topic);
  li.tabIndex = -1;
  var own = mine(s);
  var state = !s.taken_by ? 'open' : own ? 'mine' : 'taken';
  li.classList.add('shift-' + state);
  li.setAttribute('data-state', state);
  var what = el('span', 'shift-what');
  what.appendChild(el('span', 'shift-time', timeSpan(s)));
  what.appendChild(el('span', 'shift-topic', topicTitle(s.topic)));
  li.appendChild(what);
  var stateText = state === 'open' ? t('c.shifts.open')
    : state === 'mine' ? t('c.shifts.mine') : t('c.shifts.taken', { alias: String(s.taken_by) });
  li.appendChild(el('span', 'shift-state', stateText));
  var started = Date.parse(s.start) <= now;
  var btn = null;
  if (state === 'open') {
    btn = el('button', 'button small shift-take');
    btn.appendChild(document.createTextNode(t('c.shifts.take')));
    btn.addEventListener('click', function () { act('take', s); });
  } else if (state === 'mine' && !started) {
    btn = el('button', 'button small secondary shift-drop');
    btn.appendChild(document.createTextNode(t('c.shifts.drop')));
    btn.addEventListener('click', function () { act('drop', s); });
  }
  if (btn) {
    btn.type = 'button';
    btn.appendChild(el('span', 'visually-hidden', ' ' + shiftWords(s)));
    btn.disabled = !sock.connected() || pending(s);
    li.appendChild(btn);
  }
  if (notes[s.shift]) {
    var note = el('p', 'shift-note', t(notes[s.shift], { shift: shiftWords(s) }));
    if (notes[s.shift] !== 'c.shifts.took' && notes[s.shift] !== 'c.shifts.dropped') note.classList.add('shift-note-warn');
    li.appendChild(note);
  }
  return li;
}

function pending(s) {
  for (var r in refs) {
    if (refs[r].shift !== undefined && String(refs[r].shift) === String(s.shift)) return true;
  }
  return false;
}

function act(kind, s) {
  delete notes[s.shift];
  var ref = request({ type: kind === 'take' ? 'shift_take' : 'shift_drop', shift: s.shift }, { kind: kind, shift: s.shift });
  if (ref === null) return;
  renderList();
}

/* ---- the reminder when a taken shift starts ---- */

function onReminder(m) {
  var s = m.shift && typeof m.shift === 'object' ? m.shift : m;
  if (typeof s.topic !== 'string') return;
  reminder = { shift: s.shift, topic: s.topic, start: typeof s.start === 'string' ? s.start : '', end: typeof s.end === 'string' ? s.end : '' };
  atLeast(Date.parse(reminder.start));
  renderList();
  renderReminder();
  say(reminderText());
}

function reminderText() {
  var time = reminder.start && reminder.end ? timeSpan(reminder) : '';
  return t('c.shifts.reminder', { topic: topicTitle(reminder.topic), time: time });
}

function onDutyFor(topic) {
  return !!(duty && duty.on && duty.topics.indexOf(topic) >= 0);
}

function renderReminder() {
  var box = $('shift-reminder');
  if (!box) return;
  box.hidden = !reminder;
  if (!reminder) return;
  $('shift-reminder-text').textContent = reminderText() +
    (onDutyFor(reminder.topic) ? ' ' + t('c.shifts.reminder.on', { topic: topicTitle(reminder.topic) }) : '');
  $('shift-reminder-duty').hidden = onDutyFor(reminder.topic);
}

/* Goes on duty for the reminder's topic with the duty form (the topics
 * already on stay on, the capacity is the form's). */
function goOnDuty() {
  if (!reminder) return;
  var topic = reminder.topic;
  if (location.hash === '#shifts' || location.hash === '#board' || location.hash === '#letters') location.hash = '#chats';
  var box = $('duty-topic-' + topic);
  if (!box) {
    Chat.showError(t('c.shifts.notopic'));
    return;
  }
  box.checked = true;
  $('duty-form').requestSubmit();
  $('duty-status').focus();
}

function initShifts() {
  window.addEventListener('hashchange', applyShiftsView);
  $('shift-reminder-duty').addEventListener('click', goOnDuty);
  $('shift-reminder-close').addEventListener('click', function () {
    reminder = null;
    renderReminder();
  });
  $('shifts-heading').tabIndex = -1;
  $('duty-status').tabIndex = -1;
}

/* The strings changed (another language). */
function renderShifts() {
  renderList();
  renderReminder();
}

export { initShifts, onShiftsFrame, renderShifts, applyShiftsView };
