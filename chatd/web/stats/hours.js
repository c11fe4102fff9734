/* hours.js: the statistics page's editor of exceptions to the topics'
 * weeks (contract v3 §5).
 *
 * GET /api/hours (Bearer, coordinator or admin) answers the stored
 * exceptions and a calendar of the next eight weeks per topic: each date's
 * hours in force, its regular ones and the id of its exception. Each topic
 * gets a table, a row a week (Monday first) and a column a weekday. A day
 * closed by an exception shows its regular hours struck through and the
 * word "Closed"; other hours are marked with a star and a word ("Extra
 * hours" on a day that is usually closed, "Changed hours" otherwise), and
 * the note is shown: never colour alone. Every exception has a Remove
 * button (its name says which date); the form above adds one (POST: the
 * topic, the date, closed or an interval, a note) and everything works by
 * keyboard. An exception is in force at once for visitors; the calendar is
 * asked again after each change. What the server refuses is said in the
 * page's language, from the error's code. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { formatDay, weekdayName, addDays, ymdParts } from './format.js';
import { el, hidden, titledTable, updateScrollRegions } from './table.js';
import { requestAuthed } from './login.js';

var t = I18N.t;
var $ = Chat.$;

var NOTE_MAX = 200;
var STAR = '\u2605'; /* ★: hours other than the regular ones */
var CROSS = '\u2715'; /* ✕: closed by an exception */

var token = null;      /* the page's login, from the period's query */
var data = null;       /* the last GET /api/hours answer */
var seq = 0;
var said = null;       /* {key, vars()} of the status line */

/* ---- talking to the server ---- */

function request(method, url, body) {
  return requestAuthed(method, url, body, token);
}

function load() {
  if (!token) return;
  var n = ++seq;
  request('GET', '/api/hours').then(function (r) {
    if (n !== seq || !r) return;
    if (!r.ok || !r.json.calendar) { setError('s.hours.err.load'); return; }
    data = r.json;
    render();
  }).catch(function () {
    if (n === seq) setError('s.hours.err.load');
  });
}

/* ---- the status and error lines ---- */

/* An error replaces the status line: what was saved before is not news. */
function setError(key) {
  var e = $('hours-error');
  e.textContent = key ? t(key) : '';
  e.hidden = !key;
  if (key) say(null);
}

function say(key, vars) {
  said = key ? { key: key, vars: vars } : null;
  $('hours-status').textContent = said ? t(said.key, said.vars ? said.vars() : null) : '';
}

/* ---- words ---- */

function longDay(ymd) {
  return formatDay(ymd, { weekday: 'long', day: 'numeric', month: 'long' });
}

function shortDay(ymd) {
  return formatDay(ymd, { day: 'numeric', month: 'numeric' });
}

/* "09:00–21:00, 22:00–02:00" from the calendar's "HH:MM-HH:MM" texts. */
function times(list) {
  return list.map(function (x) { return x.replace('-', '\u2013'); }).join(', ');
}

function topicName(id) {
  return data ? Chat.topicTitle(data.calendar.topics, id) : id;
}

function exceptionById(id) {
  var list = data && Array.isArray(data.exceptions) ? data.exceptions : [];
  for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
  return null;
}

/* ---- the calendar ---- */

/* Monday = 0 of a date, without time zones. */
function dow(ymd) {
  var p = ymdParts(ymd);
  return (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
}

function render() {
  var box = $('hours-calendars');
  box.textContent = '';
  renderTopicSelect();
  if (!data) return;
  var from = data.calendar.from;
  $('hours-date').min = from;
  $('hours-date').max = addDays(from, 400);
  data.calendar.topics.forEach(function (topic) { renderTopic(box, topic, from); });
  $('hours-none').hidden = (data.exceptions || []).some(function (x) { return x.date >= from; });
  if (said) say(said.key, said.vars);
  updateScrollRegions();
}

function renderTopic(box, topic, from) {
  var table = titledTable(box, {
    tag: 'h3', cls: 'hours-topic', id: 'hours-topic-' + topic.id, text: topicName(topic.id)
  }, 'hours-cal', topic.id);
  table.appendChild(el('caption', 'visually-hidden', t('s.hours.caption', { topic: topicName(topic.id) })));
  var head = el('thead');
  var hr = el('tr');
  var corner = el('td');
  hr.appendChild(corner);
  for (var d = 0; d < 7; d++) {
    var th = el('th');
    th.scope = 'col';
    var short = el('span', null, weekdayName(d, 'short'));
    short.setAttribute('aria-hidden', 'true');
    th.appendChild(short);
    th.appendChild(hidden(weekdayName(d, 'long')));
    hr.appendChild(th);
  }
  head.appendChild(hr);
  table.appendChild(head);
  var body = el('tbody');
  var byDate = {};
  topic.days.forEach(function (day) { byDate[day.date] = day; });
  var last = topic.days.length ? topic.days[topic.days.length - 1].date : from;
  for (var monday = addDays(from, -dow(from)); monday <= last; monday = addDays(monday, 7)) {
    var tr = el('tr');
    var rh = el('th', null, t('s.hours.week', { date: shortDay(monday) }));
    rh.scope = 'row';
    tr.appendChild(rh);
    for (var i = 0; i < 7; i++) {
      var date = addDays(monday, i);
      tr.appendChild(dayCell(topic.id, date, byDate[date]));
    }
    body.appendChild(tr);
  }
  table.appendChild(body);
}

function dayCell(topicId, date, day) {
  var td = el('td', 'hours-day');
  td.setAttribute('data-date', date);
  td.appendChild(el('span', 'hours-date', shortDay(date)));
  if (!day) {
    td.classList.add('hours-out');
    td.appendChild(hidden(t('s.hours.outside')));
    return td;
  }
  var x = day.exception !== null ? exceptionById(day.exception) : null;
  if (!x) {
    td.appendChild(day.regular.length ? el('span', 'hours-times', times(day.regular))
      : el('span', 'hours-shut', t('s.hours.shut')));
    return td;
  }
  td.setAttribute('data-exception', String(x.id));
  if (x.closed) {
    td.classList.add('hours-x-closed');
    td.appendChild(el('strong', 'hours-tag', CROSS + ' ' + t('s.hours.closed')));
  } else {
    var extra = !day.regular.length;
    td.classList.add(extra ? 'hours-x-extra' : 'hours-x-changed');
    td.appendChild(el('strong', 'hours-tag', STAR + ' ' + t(extra ? 's.hours.extra' : 's.hours.changed')));
    td.appendChild(el('span', 'hours-times', times(day.hours)));
  }
  if (day.regular.length) {
    var was = el('s', 'hours-was');
    was.appendChild(hidden(t('s.hours.usually') + ' '));
    was.appendChild(document.createTextNode(times(day.regular)));
    td.appendChild(was);
  }
  if (x.note) td.appendChild(el('span', 'hours-note', x.note));
  var rm = el('button', 'button small secondary hours-remove', t('s.hours.remove'));
  rm.type = 'button';
  rm.setAttribute('aria-label', t('s.hours.remove.label', { date: longDay(date), topic: topicName(topicId) }));
  rm.addEventListener('click', function () { remove(x, rm); });
  td.appendChild(rm);
  return td;
}

function renderTopicSelect() {
  var sel = $('hours-topic');
  var keep = sel.value;
  sel.textContent = '';
  (data ? data.calendar.topics : []).forEach(function (topic) {
    var o = el('option', null, topicName(topic.id));
    o.value = topic.id;
    sel.appendChild(o);
  });
  if (keep) sel.value = keep;
  if (!sel.value && sel.options.length) sel.value = sel.options[0].value;
}

/* ---- changes ---- */

function what(x) {
  return x.closed ? t('s.hours.what.closed') : t('s.hours.what.open', { times: times([x.open]) });
}

function refusal(r) {
  var code = r && r.json ? r.json.error : null;
  return code === 'unknown_topic' ? 's.hours.err.topic'
    : code === 'too_many' ? 's.hours.err.many'
      : code === 'bad_request' ? 's.hours.err.bad' : 's.hours.err.fail';
}

/* The form as a POST body, or null (the field told and focused). */
function formBody() {
  var date = $('hours-date').value;
  var open = $('hours-kind-open').checked;
  var from = $('hours-from').value;
  var to = $('hours-to').value;
  var note = $('hours-note').value.trim();
  if (!ymdParts(date)) return invalid('hours-date', 's.hours.err.date');
  if (data && date < data.calendar.from) return invalid('hours-date', 's.hours.err.past');
  if (open && (!/^\d\d:\d\d$/.test(from) || !/^\d\d:\d\d$/.test(to) || from === to)) {
    return invalid(/^\d\d:\d\d$/.test(from) ? 'hours-to' : 'hours-from', 's.hours.err.times');
  }
  if (note.length > NOTE_MAX) return invalid('hours-note', 's.hours.err.note');
  var body = { topic: $('hours-topic').value, date: date };
  if (open) body.open = from + '-' + to;
  else body.closed = true;
  if (note) body.note = note;
  return body;
}

function invalid(id, key) {
  setError(key);
  $(id).focus();
  return null;
}

function save(ev) {
  ev.preventDefault();
  if (!token) return;
  var body = formBody();
  if (!body) return;
  setError(null);
  $('hours-save').disabled = true;
  request('POST', '/api/hours', body).then(function (r) {
    $('hours-save').disabled = false;
    if (!r) return;
    if (!r.ok) { setError(refusal(r)); return; }
    var x = r.json;
    $('hours-note').value = '';
    say(x.replaced ? 's.hours.saved.replaced' : 's.hours.saved', function () {
      return { topic: topicName(x.topic), date: longDay(x.date), what: what(x) };
    });
    load();
  }).catch(function () {
    $('hours-save').disabled = false;
    setError('s.hours.err.fail');
  });
}

function remove(x, button) {
  setError(null);
  button.disabled = true;
  request('DELETE', '/api/hours?id=' + encodeURIComponent(String(x.id))).then(function (r) {
    if (!r) return;
    if (!r.ok && r.status !== 404) { button.disabled = false; setError('s.hours.err.fail'); return; }
    say('s.hours.removed', function () {
      return { topic: topicName(x.topic), date: longDay(x.date) };
    });
    $('hours-heading').focus(); /* the button goes with its exception */
    load();
  }).catch(function () {
    button.disabled = false;
    setError('s.hours.err.fail');
  });
}

function kindChanged() {
  var open = $('hours-kind-open').checked;
  $('hours-from').disabled = !open;
  $('hours-to').disabled = !open;
}

/* ---- the view's part in the page ---- */

var view = {
  load: function (q) { /* each "Show" asks again: chatadmin may have changed them */
    token = q.token;
    load();
  },
  render: function () { render(); },
  clear: function () {
    seq += 1;
    token = null;
    data = null;
    said = null;
    setError(null);
    say(null);
    $('hours-calendars').textContent = '';
  }
};

function init() {
  $('hours-heading').tabIndex = -1;
  $('hours-note').maxLength = NOTE_MAX;
  $('hours-form').addEventListener('submit', save);
  /* a refusal is about what was typed: it goes once the form changes */
  $('hours-form').addEventListener('input', function () { setError(null); });
  $('hours-kind-closed').addEventListener('change', kindChanged);
  $('hours-kind-open').addEventListener('change', kindChanged);
  kindChanged();
}

export { view, init };
