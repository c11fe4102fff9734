/* rota.js: the statistics page's Rota section (contract v3 §7): from the
 * plan to shifts people can work.
 *
 * The coordinator chooses the week (next Monday unless changed), the period
 * the plan reads (the last eight whole weeks), the topic, the chats a worker
 * holds and the shortest and longest shift; the target is the one set under
 * "When to open" (plan.js's fields), said in words beside the form.
 * "Preview" asks POST /api/rota without `publish` and shows the proposal:
 * a sentence with the shifts and worker-hours against the need, the shifts
 * as a list per day, and per topic a table of the week (hours down, days
 * across) with the workers needed and the shifts proposed in each hour.
 * "Publish" (after a preview of the same settings, and a question first)
 * asks again with `publish`; from then on the week is shown as GET
 * /api/rota?week= lists it: per hour the workers needed, the shifts
 * published and the shifts taken, and an hour with fewer taken than needed
 * says "uncovered" in its cell (a word and a marker, not colour alone).
 * "Remove untaken shifts" (with a question) is DELETE /api/rota?week=.
 * Times are the service's local ones, read from the ISO text itself and
 * never moved into the browser's zone. The need of a published week is
 * the need of the last preview of it, or, after a reload, of a preview
 * made with the settings shown (said so).
 *
 * "Planned against actual" reads the page's period (a view, page.js): the
 * worker-hours of taken shifts (`planned_s`) and on duty (`worker_s`) per
 * week; hidden while the statistics carry no `planned_s`. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { nf, tn, pad2, ymdParts, addDays, localToday, formatDay, weekdayName, parseHour, hourRange } from './format.js';
import { el, hidden, titledTable, tableHead, rowHeader, updateScrollRegions } from './table.js';
import { topicTitle, topicIds, fillTopicSelect } from './page.js';
import { savedToken, requestAuthed } from './login.js';

var t = I18N.t;
var $ = Chat.$;

var DEFAULT_CAPACITY = 2;
var DEFAULT_MIN_H = 3;
var DEFAULT_MAX_H = 5;
var PLAN_WEEKS = 8;            /* the period the plan reads, by default */
var MAX_PERIOD_DAYS = 400;     /* contract v3 §6 */
var SHORT = '\u25b2';          /* ▲ beside the word "uncovered" */
var HOUR_MS = 3600000;

var today = null;              /* the service's date, YYYY-MM-DD */
var preview = null;            /* {body, answer} of the last preview shown */
var published = null;          /* {week, shifts} as GET /api/rota listed them */
var needOf = {};               /* week -> {need, made} the need shown with a published week */
var confirmKind = null;        /* 'publish' | 'remove' while the question is open */
var busy = false;
var seq = 0;
var said = null;               /* {key, vars()} of the status line */
var stats = null;              /* the page's last statistics (planned against actual) */

/* ---- dates ---- */

function dow(ymd) {
  var p = ymdParts(ymd);
  return (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
}

function mondayOf(ymd) {
  return addDays(ymd, -dow(ymd));
}

function dayShort(ymd) {
  return formatDay(ymd, { weekday: 'short', day: 'numeric', month: 'numeric' });
}

function dayLong(ymd) {
  return formatDay(ymd, { weekday: 'long', day: 'numeric', month: 'numeric', year: 'numeric' });
}

/* "14.12.–20.12.2026": the week of Monday ymd. */
function weekText(ymd) {
  return formatDay(ymd, { day: 'numeric', month: 'numeric' }) + '\u2013' +
    formatDay(addDays(ymd, 6), { day: 'numeric', month: 'numeric', year: 'numeric' });
}

/* The offset of an ISO time with one ("+02:00", "Z") in ms, or null. */
function offsetMs(iso) {
  var m = /(Z|([+-])(\d\d):?(\d\d))$/.exec(iso || '');
  if (!m) return null;
  if (m[1] === 'Z') return 0;
  return (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4])) * 60000;
}

/* "2026-12-14T14" (the local day and hour as the text says) of an epoch
 * in ms, in the zone of offset off. */
function localKey(ms, off) {
  var d = new Date(ms + off);
  return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + 'T' + pad2(d.getUTCHours());
}

/* The local hours a shift covers, as localKey()s: from its start in steps
 * of an hour while before its end, in the zone of its start (a shift over
 * the night the clock moves is off by that hour in the table only). */
function shiftHours(s) {
  var a = Date.parse(s.start);
  var b = Date.parse(s.end);
  var off = offsetMs(s.start);
  var out = [];
  if (isNaN(a) || isNaN(b) || off === null) return out;
  for (var ms = a; ms < b && out.length < 24 * 8; ms += HOUR_MS) out.push(localKey(ms, off));
  return out;
}

/* "14:00–18:00" from the texts of start and end. */
function timeSpan(s) {
  return String(s.start).slice(11, 16) + '\u2013' + String(s.end).slice(11, 16);
}

/* ---- the form ---- */

function setDefaults() {
  var d = today || localToday();
  var monday = mondayOf(d);
  if (!$('rota-week').dataset.touched) $('rota-week').value = addDays(monday, 7);
  if (!$('rota-from').dataset.touched) $('rota-from').value = addDays(monday, -7 * PLAN_WEEKS);
  if (!$('rota-to').dataset.touched) $('rota-to').value = addDays(monday, -1);
  renderWeekSpan();
}

function renderTopicSelect() {
  fillTopicSelect('rota-topic');
}

/* The week the input names, as its Monday (any day of it will do). */
function chosenWeek() {
  var v = $('rota-week').value;
  return ymdParts(v) ? mondayOf(v) : null;
}

function renderWeekSpan() {
  var w = chosenWeek();
  $('rota-week-span').textContent = w ? t('s.rota.week.span', { from: dayLong(w), to: dayLong(addDays(w, 6)) }) : '';
}

/* The target of "When to open" when its fields hold one: {share, wait_s}. */
function planTarget() {
  var share = $('plan-share') ? Number($('plan-share').value) : NaN;
  var wait = $('plan-wait') ? Number($('plan-wait').value) : NaN;
  if (!(share >= 1 && share <= 100) || !(wait >= 0 && wait <= 240) ||
      $('plan-share').value === '' || $('plan-wait').value === '') return null;
  return { share: share / 100, wait_s: Math.round(wait * 60) };
}

function renderTarget() {
  var tg = planTarget();
  $('rota-target').textContent = tg
    ? t('s.rota.target', {
      share: nf(tg.share, { style: 'percent', maximumFractionDigits: 1 }),
      wait: I18N.formatDuration(tg.wait_s)
    })
    : t('s.rota.target.default');
}

function wholeIn(id, lo, hi) {
  var s = $(id).value.trim();
  var n = Number(s);
  return s !== '' && Math.floor(n) === n && n >= lo && n <= hi ? n : null;
}

/* The request's body from the form, or null (unless quiet, the field
 * told and focused). */
function readForm(quiet) {
  function fail(key, id) {
    if (quiet) return null;
    setError(key);
    $(id).focus();
    return null;
  }
  var week = chosenWeek();
  if (!week) return fail('s.rota.err.week', 'rota-week');
  var from = $('rota-from').value;
  var to = $('rota-to').value;
  if (!ymdParts(from)) return fail('s.rota.err.period', 'rota-from');
  if (!ymdParts(to) || from > to) return fail('s.rota.err.period', 'rota-to');
  var p = ymdParts(from);
  var q = ymdParts(to);
  if ((Date.UTC(q[0], q[1] - 1, q[2]) - Date.UTC(p[0], p[1] - 1, p[2])) / 86400000 + 1 > MAX_PERIOD_DAYS) {
    return fail('s.rota.err.long', 'rota-from');
  }
  var capacity = wholeIn('rota-capacity', 1, 50);
  if (capacity === null) return fail('s.rota.err.capacity', 'rota-capacity');
  var min = wholeIn('rota-min', 1, 24);
  if (min === null) return fail('s.rota.err.shift', 'rota-min');
  var max = wholeIn('rota-max', 1, 24);
  if (max === null || max < min) return fail('s.rota.err.shift', 'rota-max');
  var body = { week: week, from: from, to: to, capacity: capacity, shift_min_h: min, shift_max_h: max };
  if ($('rota-topic').value) body.topic = $('rota-topic').value;
  var tg = planTarget();
  if (tg) {
    body.target_share = tg.share;
    body.target_wait_s = tg.wait_s;
  }
  return body;
}

function sameBody(a, b) {
  return !!a && !!b && JSON.stringify(a) === JSON.stringify(b);
}

/* ---- talking to the server ---- */

/* {ok, status, json} of method url (body as JSON), or null when the login
 * has to be made again (the page shows it, saying why). */
function request(method, url, body) {
  return requestAuthed(method, url, body, savedToken());
}

/* The server's refusal in the page's words, its own message beside. */
function refused(r, key) {
  setError(r && r.status === 400 ? 's.rota.err.bad' : key,
    r && r.json && typeof r.json.message === 'string' ? r.json.message : null);
}

function setBusy(on) {
  busy = on;
  ['rota-preview', 'rota-publish', 'rota-remove', 'rota-refresh', 'rota-yes'].forEach(function (id) {
    $(id).disabled = on;
  });
  $('rota-out').setAttribute('aria-busy', on ? 'true' : 'false');
}

/* The shifts published for week (GET /api/rota?week=), then render. */
function loadPublished(week, then) {
  if (!savedToken()) return;
  var n = ++seq;
  request('GET', '/api/rota?week=' + encodeURIComponent(week)).then(function (r) {
    if (n !== seq || !r) return;
    if (!r.ok) { refused(r, 's.rota.err.load'); return; }
    var list = Array.isArray(r.json.shifts) ? r.json.shifts : Array.isArray(r.json.items) ? r.json.items : [];
    published = { week: week, shifts: list.filter(validShift) };
    if (Array.isArray(r.json.need)) needOf[week] = { need: r.json.need, made: false };
    if (then) then();
    render();
    if (published.shifts.length && !needOf[week] && !preview) fetchNeed(week);
  }).catch(function () {
    if (n === seq) setError('s.rota.err.load');
  });
}

function validShift(s) {
  return s && typeof s.topic === 'string' && typeof s.start === 'string' && typeof s.end === 'string';
}

/* A published week shown after a reload: its need from a preview made
 * with the settings in the form (the sentence says so). */
function fetchNeed(week) {
  var body = readForm(true);
  if (!body || body.week !== week) return;
  request('POST', '/api/rota', body).then(function (r) {
    if (!r || !r.ok || !Array.isArray(r.json.need)) return;
    needOf[week] = { need: r.json.need, made: true };
    if (published && published.week === week && !preview) render();
  }).catch(function () { /* shown without the need */ });
}

function onPreview(ev) {
  ev.preventDefault();
  if (busy) return;
  closeConfirm();
  var body = readForm();
  if (!body) return;
  setError(null);
  setBusy(true);
  say('s.rota.loading');
  var n = ++seq;
  request('POST', '/api/rota', body).then(function (r) {
    if (n !== seq) return;
    setBusy(false);
    if (!r) return;
    if (!r.ok) { say(null); refused(r, 's.rota.err.load'); return; }
    preview = { body: body, answer: normalise(r.json) };
    needOf[body.week] = { need: preview.answer.need, made: false };
    say(null);
    render();
    /* what is already published that week, said beside the proposal */
    if (!published || published.week !== body.week) loadPublished(body.week);
    $('rota-summary').focus();
  }).catch(function () {
    if (n !== seq) return;
    setBusy(false);
    say(null);
    setError('s.rota.err.load');
  });
}

function normalise(j) {
  return {
    week: j.week,
    capacity: j.capacity,
    need: Array.isArray(j.need) ? j.need.filter(function (x) { return x && typeof x.start === 'string'; }) : [],
    shifts: Array.isArray(j.shifts) ? j.shifts.filter(validShift) : [],
    total_h: Number(j.total_h) || 0
  };
}

function publish() {
  var body = preview.body;
  var week = body.week;
  var send = JSON.parse(JSON.stringify(body));
  send.publish = true;
  setError(null);
  setBusy(true);
  say('s.rota.publishing');
  var n = ++seq;
  request('POST', '/api/rota', send).then(function (r) {
    if (n !== seq) return;
    setBusy(false);
    if (!r) return;
    if (!r.ok) { say(null); refused(r, 's.rota.err.publish'); return; }
    var count = positions(preview.answer.shifts);
    preview = null;
    loadPublished(week, function () {
      say('s.rota.published', function () { return { shifts: tn('s.rota.n.shifts', count, { n: nf(count) }) }; });
    });
    $('rota-summary').focus();
  }).catch(function () {
    if (n !== seq) return;
    setBusy(false);
    say(null);
    setError('s.rota.err.publish');
  });
}

function removeUntaken() {
  var week = published.week;
  var count = published.shifts.filter(function (s) { return !s.taken_by; }).length;
  setError(null);
  setBusy(true);
  var n = ++seq;
  request('DELETE', '/api/rota?week=' + encodeURIComponent(week)).then(function (r) {
    if (n !== seq) return;
    setBusy(false);
    if (!r) return;
    if (!r.ok) { refused(r, 's.rota.err.remove'); return; }
    var removed = typeof r.json.deleted === 'number' ? r.json.deleted : count;
    loadPublished(week, function () {
      say('s.rota.removed', function () { return { shifts: tn('s.rota.n.shifts', removed, { n: nf(removed) }) }; });
    });
    $('rota-summary').focus();
  }).catch(function () {
    if (n !== seq) return;
    setBusy(false);
    setError('s.rota.err.remove');
  });
}

/* ---- the question before publishing or removing ---- */

function openConfirm(kind) {
  confirmKind = kind;
  renderConfirm();
  $('rota-confirm').hidden = false;
  $('rota-yes').focus();
}

function closeConfirm(back) {
  var was = confirmKind;
  confirmKind = null;
  $('rota-confirm').hidden = true;
  if (back && was) $(was === 'publish' ? 'rota-publish' : 'rota-remove').focus();
}

function renderConfirm() {
  if (!confirmKind) return;
  var q;
  if (confirmKind === 'publish') {
    var n = positions(preview.answer.shifts);
    q = tn('s.rota.confirm.publish', n, { n: nf(n), week: weekText(preview.body.week) });
    var already = published && published.week === preview.body.week ? published.shifts.length : 0;
    if (already) q += ' ' + tn('s.rota.confirm.again', already, { n: nf(already) });
    $('rota-yes').textContent = t('s.rota.yes.publish');
  } else {
    var open = published.shifts.filter(function (s) { return !s.taken_by; }).length;
    q = tn('s.rota.confirm.remove', open, { n: nf(open), week: weekText(published.week) });
    $('rota-yes').textContent = t('s.rota.yes.remove');
  }
  $('rota-question').textContent = q;
}

function onYes() {
  var kind = confirmKind;
  closeConfirm(false);
  if (kind === 'publish' && preview) publish();
  else if (kind === 'remove' && published) removeUntaken();
}

/* ---- status and errors ---- */

function setError(key, detail) {
  var e = $('rota-error');
  e.textContent = key ? t(key) + (detail ? ' (' + detail + ')' : '') : '';
  e.hidden = !key;
}

function say(key, vars) {
  said = key ? { key: key, vars: vars } : null;
  $('rota-status').textContent = said ? t(said.key, said.vars ? said.vars() : null) : '';
}

/* ---- the model of what is shown ---- */

/* The worker positions in a list of shift kinds ({count}) or of published
 * shifts (one each). */
function positions(list) {
  var n = 0;
  list.forEach(function (s) { n += typeof s.count === 'number' ? s.count : 1; });
  return n;
}

function hoursOf(list) {
  var h = 0;
  list.forEach(function (s) {
    h += shiftHours(s).length * (typeof s.count === 'number' ? s.count : 1);
  });
  return h;
}

/* What the week shows: per topic and local hour {need, shifts, taken};
 * mode 'preview' (shifts proposed) or 'published'. */
function model() {
  var mode = preview ? 'preview' : 'published';
  var week = preview ? preview.body.week : published ? published.week : null;
  if (!week) return null;
  var shifts = preview ? preview.answer.shifts : published && published.week === week ? published.shifts : [];
  var needs = needOf[week] ? needOf[week].need : [];
  var cells = {};
  function at(topic, key) {
    if (!cells[topic]) cells[topic] = {};
    if (!cells[topic][key]) cells[topic][key] = { need: 0, shifts: 0, taken: 0 };
    return cells[topic][key];
  }
  needs.forEach(function (x) {
    if (typeof x.topic !== 'string' || typeof x.start !== 'string') return;
    at(x.topic, x.start.slice(0, 13)).need += Number(x.workers) || 0;
  });
  shifts.forEach(function (s) {
    var c = typeof s.count === 'number' ? s.count : 1;
    shiftHours(s).forEach(function (k) {
      var cell = at(s.topic, k);
      cell.shifts += c;
      if (s.taken_by) cell.taken += c;
    });
  });
  var topics = [];
  topicIds().forEach(function (id) { if (cells[id]) topics.push(id); });
  Object.keys(cells).sort().forEach(function (id) { if (topics.indexOf(id) < 0) topics.push(id); });
  var needH = 0;
  var uncovered = 0;
  topics.forEach(function (id) {
    Object.keys(cells[id]).forEach(function (k) {
      var c = cells[id][k];
      needH += c.need;
      if (mode === 'published' && c.taken < c.need) uncovered += 1;
    });
  });
  return {
    mode: mode, week: week, shifts: shifts, cells: cells, topics: topics,
    needH: needH, haveNeed: !!needOf[week], needMade: !!(needOf[week] && needOf[week].made), uncovered: uncovered
  };
}

/* ---- rendering ---- */

function render() {
  renderTarget();
  renderWeekSpan();
  renderConfirm();
  var m = model();
  var out = $('rota-out');
  $('rota-publish').hidden = !(m && m.mode === 'preview' && m.shifts.length);
  $('rota-publish').disabled = busy || !(m && m.mode === 'preview' && sameBody(preview.body, currentBody()));
  $('rota-stale').hidden = !(m && m.mode === 'preview' && !sameBody(preview.body, currentBody()));
  var untaken = published && (!m || m.week === published.week) ? published.shifts.filter(function (s) { return !s.taken_by; }).length : 0;
  $('rota-remove').hidden = !(m && m.mode === 'published' && untaken > 0);
  $('rota-back').hidden = !(m && m.mode === 'preview' && published && published.week === m.week && published.shifts.length);
  $('rota-refresh').hidden = !(m && m.mode === 'published' && published && published.shifts.length);
  $('rota-actions').hidden = $('rota-publish').hidden && $('rota-remove').hidden && $('rota-back').hidden &&
    $('rota-refresh').hidden;
  out.hidden = !m;
  if (!m) return;
  renderSummary(m);
  renderDays(m);
  renderGrids(m);
  updateScrollRegions();
}

/* The form as it would be sent (null where a field is wrong). */
function currentBody() {
  return readForm(true);
}

function renderSummary(m) {
  var box = $('rota-summary');
  box.textContent = '';
  var week = weekText(m.week);
  var n = positions(m.shifts);
  var h = hoursOf(m.shifts);
  var parts = [];
  if (m.mode === 'preview') {
    parts.push(!n ? t('s.rota.sum.nothing', { week: week })
      : t('s.rota.sum.preview', {
        week: week,
        shifts: tn('s.rota.n.shifts', n, { n: nf(n) }),
        wh: tn('s.rota.n.wh', h, { n: nf(h) }),
        need: tn('s.rota.n.wh', m.needH, { n: nf(m.needH) })
      }));
    var already = published && published.week === m.week ? published.shifts.length : 0;
    if (already) parts.push(tn('s.rota.sum.already', already, { n: nf(already) }));
  } else if (!n) {
    parts.push(t('s.rota.sum.none', { week: week }));
  } else {
    var taken = m.shifts.filter(function (s) { return s.taken_by; }).length;
    parts.push(t('s.rota.sum.published', {
      week: week,
      shifts: tn('s.rota.n.shifts', n, { n: nf(n) }),
      wh: tn('s.rota.n.wh', h, { n: nf(h) }),
      taken: nf(taken),
      open: nf(n - taken)
    }));
    if (m.haveNeed) {
      parts.push(t('s.rota.sum.need', { need: tn('s.rota.n.wh', m.needH, { n: nf(m.needH) }) }));
      parts.push(m.uncovered
        ? tn('s.rota.sum.uncovered', m.uncovered, { n: nf(m.uncovered) })
        : t('s.rota.sum.covered'));
      if (m.needMade) parts.push(t('s.rota.sum.needmade'));
    }
  }
  box.appendChild(el('p', 'rota-headline', parts.join(' ')));
}

/* The shifts as a list per day of the week: one line per kind of shift
 * (topic, start, end), with how many, and once published who took them. */
function renderDays(m) {
  var box = $('rota-days');
  box.textContent = '';
  var kinds = kindsByDay(m.shifts);
  for (var d = 0; d < 7; d++) {
    var day = addDays(m.week, d);
    var list = kinds[day] || [];
    var sec = el('div', 'rota-day');
    sec.setAttribute('data-day', day);
    var hd = el('h4', 'rota-day-name', formatDay(day, { weekday: 'long', day: 'numeric', month: 'numeric' }));
    hd.id = 'rota-day-' + d;
    sec.appendChild(hd);
    if (!list.length) {
      sec.appendChild(el('p', 'muted rota-day-none', t('s.rota.day.none')));
    } else {
      var ul = el('ul', 'rota-shifts');
      ul.setAttribute('aria-labelledby', hd.id);
      for (var i = 0; i < list.length; i++) ul.appendChild(shiftLine(m, list[i]));
      sec.appendChild(ul);
    }
    box.appendChild(sec);
  }
}

/* day -> the kinds of shift starting that day ({topic, start, end, count,
 * takers}), by start and topic. */
function kindsByDay(shifts) {
  var byKey = {};
  var out = {};
  shifts.forEach(function (s) {
    var key = s.topic + '|' + s.start + '|' + s.end;
    var k = byKey[key];
    if (!k) {
      k = byKey[key] = { topic: s.topic, start: s.start, end: s.end, count: 0, takers: [] };
      var day = String(s.start).slice(0, 10);
      (out[day] = out[day] || []).push(k);
    }
    k.count += typeof s.count === 'number' ? s.count : 1;
    if (s.taken_by) k.takers.push(String(s.taken_by));
  });
  Object.keys(out).forEach(function (day) {
    out[day].sort(function (a, b) {
      return a.start < b.start ? -1 : a.start > b.start ? 1 : a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0;
    });
  });
  return out;
}

function shiftLine(m, k) {
  var li = el('li');
  li.setAttribute('data-topic', k.topic);
  li.setAttribute('data-start', k.start);
  li.appendChild(el('span', 'rota-time', timeSpan(k)));
  li.appendChild(document.createTextNode(' \u00b7 ' + topicTitle(k.topic) + ' \u00b7 '));
  if (m.mode === 'preview') {
    li.appendChild(el('span', 'rota-count', tn('s.rota.n.workers', k.count, { n: nf(k.count) })));
    return li;
  }
  var open = k.count - k.takers.length;
  if (k.takers.length) {
    li.appendChild(el('span', 'rota-taken', t('s.rota.item.taken', { who: k.takers.join(', ') })));
    if (open) li.appendChild(document.createTextNode('; '));
  }
  if (open) {
    li.className = 'rota-has-open';
    li.appendChild(el('strong', 'rota-open', tn('s.rota.item.open', open, { n: nf(open) })));
  }
  return li;
}

/* Per topic a table of the week: a row per hour with anything in it (from
 * the first such hour to the last), a column per day. */
function renderGrids(m) {
  var box = $('rota-grids');
  box.textContent = '';
  $('rota-legend-preview').hidden = m.mode !== 'preview';
  $('rota-legend-published').hidden = m.mode !== 'published';
  $('rota-legend-marks').hidden = m.mode !== 'published' || !m.haveNeed;
  m.topics.forEach(function (id) {
    var cells = m.cells[id];
    var lo = 24;
    var hi = -1;
    Object.keys(cells).forEach(function (k) {
      var h = Number(k.slice(11, 13));
      lo = Math.min(lo, h);
      hi = Math.max(hi, h);
    });
    if (hi < 0) return;
    var table = titledTable(box, { tag: 'h4', cls: 'rota-topic', id: 'rota-topic-' + id, text: topicTitle(id) },
      'rota-grid', id);
    table.appendChild(el('caption', 'visually-hidden',
      t(m.mode === 'preview' ? 's.rota.grid.caption.preview' : 's.rota.grid.caption', { topic: topicTitle(id) })));
    var head = el('tr');
    var corner = el('th', 'rota-corner', t('s.rota.grid.hour'));
    corner.scope = 'col';
    head.appendChild(corner);
    for (var d = 0; d < 7; d++) {
      var th = el('th');
      th.scope = 'col';
      var day = addDays(m.week, d);
      var vis = el('span', null, dayShort(day));
      vis.setAttribute('aria-hidden', 'true');
      th.appendChild(vis);
      th.appendChild(hidden(formatDay(day, { weekday: 'long', day: 'numeric', month: 'long' })));
      head.appendChild(th);
    }
    table.appendChild(el('thead')).appendChild(head);
    var body = table.appendChild(el('tbody'));
    for (var h = lo; h <= hi; h++) {
      var tr = el('tr');
      tr.appendChild(rowHeader(hourRange(h, false)));
      for (d = 0; d < 7; d++) {
        var dayOf = addDays(m.week, d);
        tr.appendChild(gridCell(m, d, h, cells[dayOf + 'T' + pad2(h)]));
      }
      body.appendChild(tr);
    }
  });
}

function gridCell(m, d, h, c) {
  var td = el('td');
  td.setAttribute('data-day', String(d));
  td.setAttribute('data-hour', String(h));
  var when = weekdayName(d, 'short') + ' ' + hourRange(h, false);
  if (!c || (!c.need && !c.shifts)) {
    td.className = 'rota-none';
    td.appendChild(hidden(t('s.rota.cell.none')));
    return td;
  }
  td.setAttribute('data-need', String(c.need));
  td.setAttribute('data-shifts', String(c.shifts));
  var shown = el('span', 'rota-cell');
  shown.setAttribute('aria-hidden', 'true');
  var words;
  if (m.mode === 'preview') {
    td.className = !c.need ? 'rota-extra' : c.shifts >= c.need ? 'rota-ok' : 'rota-short';
    shown.appendChild(el('span', 'rota-nums', nf(c.need) + '/' + nf(c.shifts)));
    words = t('s.rota.cell.preview', { need: nf(c.need), shifts: nf(c.shifts) });
  } else {
    td.setAttribute('data-taken', String(c.taken));
    shown.appendChild(el('span', 'rota-nums', (m.haveNeed ? nf(c.need) : '\u2013') + '/' + nf(c.shifts) + '/' + nf(c.taken)));
    words = m.haveNeed
      ? t('s.rota.cell.published', { need: nf(c.need), shifts: nf(c.shifts), taken: nf(c.taken) })
      : t('s.rota.cell.noneed', { shifts: nf(c.shifts), taken: nf(c.taken) });
    if (m.haveNeed && c.taken < c.need) {
      td.className = 'rota-short';
      td.setAttribute('data-uncovered', '');
      shown.appendChild(el('span', 'rota-mark', SHORT + ' ' + t('s.rota.cell.uncovered')));
      words += ': ' + tn('s.rota.cell.missing', c.need - c.taken, { n: nf(c.need - c.taken) });
    } else {
      td.className = m.haveNeed && c.need > 0 ? 'rota-ok' : 'rota-extra';
    }
  }
  td.appendChild(shown);
  td.appendChild(hidden(words));
  td.title = when + ': ' + words;
  return td;
}

/* ---- planned against actual (the page's period) ---- */

function renderPlanned() {
  var sec = $('rota-pa');
  var buckets = stats && Array.isArray(stats.buckets) ? stats.buckets : [];
  var has = buckets.some(function (b) { return typeof b.planned_s === 'number'; });
  sec.hidden = !has;
  var table = $('rota-pa-table');
  table.textContent = '';
  if (!has) return;
  var weeks = {};
  buckets.forEach(function (b) {
    var p = parseHour(b.hour);
    if (!p) return;
    var w = mondayOf(p.day);
    if (!weeks[w]) weeks[w] = { planned: 0, actual: 0 };
    weeks[w].planned += Number(b.planned_s) || 0;
    weeks[w].actual += Number(b.worker_s) || 0;
  });
  tableHead(table, t('s.rota.pa.caption'), ['s.rota.pa.week', 's.rota.pa.planned', 's.rota.pa.actual', 's.rota.pa.share']);
  var body = table.appendChild(el('tbody'));
  var one = { maximumFractionDigits: 1 };
  Object.keys(weeks).sort().forEach(function (w) {
    var x = weeks[w];
    var tr = el('tr');
    tr.setAttribute('data-week', w);
    tr.appendChild(rowHeader(weekText(w)));
    tr.appendChild(el('td', 'num', nf(x.planned / 3600, one)));
    tr.appendChild(el('td', 'num', nf(x.actual / 3600, one)));
    tr.appendChild(el('td', 'num', x.planned > 0
      ? nf(x.actual / x.planned, { style: 'percent', maximumFractionDigits: 0 }) : t('s.none')));
    body.appendChild(tr);
  });
}

/* ---- the section's part in the page ---- */

var view = {
  /* a period asked for: what is published now (taken since?) is asked too */
  load: function () {
    var w = published ? published.week : chosenWeek();
    if (w) loadPublished(w);
  },
  render: function (result) {
    stats = result || stats;
    renderTopicSelect();
    renderPlanned();
    render();
  },
  clear: function () {
    seq += 1;
    preview = null;
    published = null;
    needOf = {};
    stats = null;
    closeConfirm(false);
    setBusy(false);
    setError(null);
    say(null);
    render();
    renderPlanned();
  }
};

function onWeekChange() {
  $('rota-week').dataset.touched = '1';
  renderWeekSpan();
  var w = chosenWeek();
  closeConfirm(false);
  if (preview && preview.body.week !== w) preview = null;
  if (w && (!published || published.week !== w)) {
    published = null;
    render();
    loadPublished(w);
  } else {
    render();
  }
}

/* Wires the form; the page calls it once the strings are in. */
function init() {
  $('rota-capacity').value = String(DEFAULT_CAPACITY);
  $('rota-min').value = String(DEFAULT_MIN_H);
  $('rota-max').value = String(DEFAULT_MAX_H);
  setDefaults();
  Chat.fetchStatus().then(function (j) {
    if (typeof j.generated === 'string' && ymdParts(j.generated.slice(0, 10))) {
      var was = chosenWeek();
      today = j.generated.slice(0, 10);
      setDefaults();
      if (chosenWeek() !== was && savedToken()) {
        published = null;
        loadPublished(chosenWeek());
      }
    }
    renderTopicSelect();
  }).catch(function () { /* the browser's date */ });
  $('rota-form').addEventListener('submit', onPreview);
  $('rota-week').addEventListener('change', onWeekChange);
  ['rota-from', 'rota-to'].forEach(function (id) {
    $(id).addEventListener('input', function () { $(id).dataset.touched = '1'; });
  });
  ['rota-from', 'rota-to', 'rota-topic', 'rota-capacity', 'rota-min', 'rota-max', 'plan-share', 'plan-wait'].forEach(function (id) {
    if ($(id)) $(id).addEventListener('input', render);
    if ($(id)) $(id).addEventListener('change', render);
  });
  $('rota-publish').addEventListener('click', function () { if (preview) openConfirm('publish'); });
  $('rota-remove').addEventListener('click', function () { if (published) openConfirm('remove'); });
  $('rota-back').addEventListener('click', function () {
    preview = null;
    render();
    $('rota-summary').focus();
  });
  $('rota-refresh').addEventListener('click', function () {
    if (published) loadPublished(published.week, function () { say('s.rota.refreshed'); });
  });
  $('rota-yes').addEventListener('click', onYes);
  $('rota-no').addEventListener('click', function () { closeConfirm(true); });
  $('rota-confirm').addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') closeConfirm(true);
  });
  $('rota-summary').tabIndex = -1;
}

export { view, init };
