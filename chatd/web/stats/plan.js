/* plan.js: the statistics page's "When to open" view (contract v2 §6).
 *
 * GET /api/plan?from&to[&topic]&target_wait_s&target_share&redistribute=1
 * with the page's period, topic and Bearer token (stats.js owns those and
 * calls load()/render()/clear(), see addView in page.js). It opens with the
 * answer in words (answered contacts a week now, with the same staff hours
 * placed better, and with the full plan, out of the week's contacts), then
 * the target ("answer Y % within X min", which asks again), the hours where
 * one more slot answers the most people, and per topic a weekday × hour table
 * of slots had / needed and the proposed slots. A cell that needs more than
 * it had (the row's `short`) says so with a marker and in words, not by
 * colour alone; an hour that was closed says that in words too.
 * The rows' weekdays are 1 = Monday .. 7 and their hours the service's local
 * ones; the page's tables count Monday as 0. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { nf, tn, weekdayName, hourRange } from './format.js';
import { el, hidden, titledTable, weekTable, weekRow, updateScrollRegions, scrollToHour } from './table.js';
import { topicTitle, topicIds } from './page.js';
import { fetchAuthed } from './login.js';
import { federated, orgName, topicOrgOf } from './orgs.js';

var DEFAULT_SHARE_PCT = 80;
var DEFAULT_WAIT_MIN = 5;
var TOP = 10;
var MORE = '\u25b2';   /* ▲: needs more slots than it had */

var t = I18N.t;
var $ = Chat.$;

var query = null;      /* {from, to, topic, org, token} of the period shown */
var plan = null;       /* the last answer */
var seq = 0;

var ONE = { maximumFractionDigits: 1 };
function one(n) { return nf(n, ONE); }
function tenth(n) { return nf(n, { minimumFractionDigits: 1, maximumFractionDigits: 1 }); }
function whole(n) { return nf(Math.round(n)); }

function setError(key) {
  var e = $('plan-error');
  e.textContent = key ? t(key) : '';
  e.hidden = !key;
}

/* The target from the inputs: {share, wait_s}, or null (and the field
 * told and focused) when one is not a number in range. */
function target() {
  var share = Number($('plan-share').value);
  var wait = Number($('plan-wait').value);
  if ($('plan-share').value === '' || !(share >= 1 && share <= 100)) {
    setError('s.plan.share.invalid');
    $('plan-share').focus();
    return null;
  }
  if ($('plan-wait').value === '' || !(wait >= 0 && wait <= 240)) {
    setError('s.plan.wait.invalid');
    $('plan-wait').focus();
    return null;
  }
  return { share: share / 100, wait_s: Math.round(wait * 60) };
}

function fetchPlan() {
  if (!query) return;
  var tg = target();
  if (!tg) return;
  setError(null);
  var n = ++seq;
  $('plan-update').disabled = true;
  $('plan-headline').textContent = t('s.plan.loading');
  var url = '/api/plan?from=' + encodeURIComponent(query.from) + '&to=' + encodeURIComponent(query.to) +
    (query.topic ? '&topic=' + encodeURIComponent(query.topic) : '') +
    '&target_wait_s=' + tg.wait_s + '&target_share=' + tg.share + '&redistribute=1' +
    /* a federation: what the orgs would answer as one pool (contract v3 §4).
     * Asked of every topic the login sees, not of the chosen org's alone
     * (chatd pools the topics asked for): the org's rows and its own pooled
     * figures are taken from that answer (render) */
    (federated() ? '&pooled=1' : '');
  fetchAuthed(url, query.token, function () { return n === seq; })
    .then(function (j) {
      if (n !== seq || j === null) return;
      $('plan-update').disabled = false;
      plan = j && Array.isArray(j.hours) ? j : { hours: [] };
      render();
    })
    .catch(function (e) {
      if (n !== seq) return;
      $('plan-update').disabled = false;
      plan = null;
      clearOut();
      setError(e && e.message === '400' ? 's.plan.bad' : 's.plan.fail');
    });
}

function clearOut() {
  $('plan-headline').textContent = '';
  renderPooled(null);
  $('plan-gain').textContent = '';
  $('plan-grids').textContent = '';
  $('plan-gain-none').hidden = true;
}

/* ---- rendering ---- */

function render() {
  if (!plan) return;
  var rows = plan.hours;
  var apw = plan.answered_per_week;
  /* an org chosen, and a chatd that answered with every org's topics: the
   * org's rows only, and none of the summary but the org's own pooled
   * figures (the rest is of every org) */
  var org = query && query.org;
  if (org && rows.some(function (r) { return topicOrgOf(r.topic) !== org; })) {
    rows = rows.filter(function (r) { return topicOrgOf(r.topic) === org; });
    apw = null;
  }
  renderHeadline(rows, apw);
  renderPooled(rows.length ? plan.answered_per_week : null);   /* nothing to pool without contacts */
  renderGain(rows);
  renderGrids(rows);
  updateScrollRegions();
  var tables = $('plan-grids').querySelectorAll('table');
  for (var i = 0; i < tables.length; i++) scrollToBusiest(tables[i]);
}

/* On a narrow screen each grid starts on its busiest hours: the run of as
 * many hours as the box shows with the most arrivals over the week (the
 * earlier hours are a swipe, or the arrow keys in the focused box, away;
 * the table's order, which a screen reader follows, stays 00 to 23). */
function scrollToBusiest(table) {
  var box = table.parentNode;
  var col = table.querySelector('td[data-hour]');
  if (!col || box.scrollWidth <= box.clientWidth + 1) {
    scrollToHour(table, 0);
    return;
  }
  var corner = table.querySelector('tbody th');
  var shown = Math.max(1, Math.floor((box.clientWidth - (corner ? corner.offsetWidth : 0)) / col.offsetWidth));
  var perHour = [];
  for (var h = 0; h < 24; h++) perHour.push(0);
  var cells = table.querySelectorAll('td[data-arrivals]');
  for (var i = 0; i < cells.length; i++) {
    perHour[Number(cells[i].getAttribute('data-hour'))] += Number(cells[i].getAttribute('data-arrivals')) || 0;
  }
  var best = 0;
  var bestSum = -1;
  for (var start = 0; start + shown <= 24; start++) {
    var sum = 0;
    for (var k = start; k < start + shown; k++) sum += perHour[k];
    if (sum > bestSum + 1e-9) { best = start; bestSum = sum; }
  }
  table.setAttribute('data-first-hour', String(best));
  scrollToHour(table, best);
}

/* The answer in words; each row is one hour of the week, so the week's
 * contacts are the sum of arrivals_per_h. "Placed better" is measured
 * against what the period's statistics say was answered a week (observed),
 * never against the model's own figure for the hours as staffed, which is
 * said beside it as the model's; and a better placement that would not
 * answer more than were answered is said to be no better. */
function renderHeadline(rows, apw) {
  var arrivals = 0;
  var answered = 0;
  rows.forEach(function (r) {
    arrivals += Number(r.arrivals_per_h) || 0;
    if (typeof r.answered_share === 'number') answered += r.answered_share * (Number(r.arrivals_per_h) || 0);
  });
  var all = Math.round(arrivals);
  var say;
  if (!rows.length || arrivals <= 0) say = t('s.plan.headline.none');
  else if (!apw) say = tn('s.plan.headline.arrivals', all, { all: whole(arrivals) });
  else {
    /* an older chatd without "observed": the rows' observed shares */
    var observed = typeof apw.observed === 'number' ? apw.observed : answered;
    var gain = Math.round(apw.redistributed) - Math.round(observed);
    say = tn('s.plan.headline.contacts', all, { all: whole(arrivals), observed: whole(observed) }) + ' ' +
      (gain >= 1
        ? t('s.plan.headline.better', { redistributed: whole(apw.redistributed), gain: whole(gain) })
        : t('s.plan.headline.nobetter')) + ' ' +
      t('s.plan.headline.model', { now: whole(apw.now), redistributed: whole(apw.redistributed), planned: whole(apw.planned) });
  }
  $('plan-headline').textContent = say;
}

/* The pooled plan in words (`answered_per_week.pooled`, with pooled=1):
 * what the orgs' topics of the same audience would answer as one queue in
 * each hour, beside `now` (each org apart, as staffed). It is an upper
 * bound that overflow between the orgs approaches, and the limits say so;
 * nothing is said without it. With an org chosen, that org's own figures
 * (`answered_per_week.orgs`: {org, now, pooled}, its visitors answered in
 * the one queue) when chatd gives them. */
function renderPooled(apw) {
  var p = $('plan-pooled');
  var org = query && query.org;
  var own = org && apw && Array.isArray(apw.orgs)
    ? apw.orgs.filter(function (o) { return o && o.org === org; })[0] : null;
  if (own) apw = own;
  var ok = !!apw && typeof apw.pooled === 'number' && typeof apw.now === 'number';
  p.hidden = !ok;
  $('plan-limits-pooled').hidden = !ok;
  if (!ok) { p.textContent = ''; return; }
  var gain = Math.round(apw.pooled) - Math.round(apw.now);
  var vars = { gain: whole(gain), pooled: whole(apw.pooled), now: whole(apw.now), org: own ? orgName(org) : '' };
  if (gain < 1) p.textContent = t('s.plan.pooled.same', vars);
  else p.textContent = tn(own ? 's.plan.pooled.org' : 's.plan.pooled.more', gain, vars);
}

/* Whether a row is flagged as short: chatd says so (`short`: never a closed
 * hour with fewer than one join a week); an older chatd's rows are compared
 * here. */
function isShort(r) {
  return typeof r.short === 'boolean' ? r.short : r.slots_needed > r.slots_had;
}

function when(r) {
  return weekdayName(r.dow - 1, 'short') + ' ' + hourRange(r.hour, false);
}

/* The hours where one more slot answers the most people, most first. */
function renderGain(rows) {
  var best = rows.filter(function (r) { return r.gain_per_slot > 0; })
    .sort(function (a, b) {
      return b.gain_per_slot - a.gain_per_slot || a.dow - b.dow || a.hour - b.hour ||
        (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);
    })
    .slice(0, TOP);
  var list = $('plan-gain');
  list.textContent = '';
  $('plan-gain-none').hidden = best.length > 0;
  list.hidden = !best.length;
  best.forEach(function (r) {
    var li = el('li');
    li.setAttribute('data-topic', r.topic);
    li.setAttribute('data-dow', String(r.dow));
    li.setAttribute('data-hour', String(r.hour));
    li.appendChild(el('span', 'plan-when', when(r)));
    li.appendChild(document.createTextNode(' · ' + topicTitle(r.topic) + ' · '));
    li.appendChild(el('strong', 'plan-gain-n', t('s.plan.gain', { n: tenth(r.gain_per_slot) })));
    var detail = tn('s.plan.gain.detail', r.slots_had, { had: one(r.slots_had), needed: whole(r.slots_needed) }, ONE);
    if (r.thin) detail += ', ' + t('s.plan.thin');
    li.appendChild(el('span', 'plan-detail' + (r.thin ? ' plan-thin' : ''), ' (' + detail + ')'));
    list.appendChild(li);
  });
}

function topicsOf(rows) {
  var ids = [];
  topicIds().forEach(function (id) {
    if (rows.some(function (r) { return r.topic === id; })) ids.push(id);
  });
  rows.forEach(function (r) { if (ids.indexOf(r.topic) < 0) ids.push(r.topic); });
  return ids;
}

/* One weekday × hour table per topic: "had / needed" and "→ proposed". */
function renderGrids(rows) {
  var box = $('plan-grids');
  box.textContent = '';
  topicsOf(rows).forEach(function (id) {
    var cells = {};
    rows.forEach(function (r) { if (r.topic === id) cells[(r.dow - 1) + '/' + r.hour] = r; });
    /* the topic's name above the scroll box, where a phone shows it whole */
    var table = titledTable(box, { tag: 'h4', cls: 'plan-topic', id: 'plan-topic-' + id, text: topicTitle(id) },
      'heatmap plan-grid', id);
    var body = weekTable(table, t('s.plan.grid.caption', { topic: topicTitle(id) }));
    for (var d = 0; d < 7; d++) {
      var tr = weekRow(d);
      for (var h = 0; h < 24; h++) tr.appendChild(gridCell(d, h, cells[d + '/' + h]));
      body.appendChild(tr);
    }
  });
}

function gridCell(d, h, r) {
  var td = el('td');
  td.setAttribute('data-day', String(d));
  td.setAttribute('data-hour', String(h));
  if (!r) {
    td.className = 'plan-none';
    td.appendChild(hidden(t('s.plan.cell.none')));
    return td;
  }
  var more = isShort(r);
  var closed = r.open === false;
  td.className = more ? 'plan-more' : closed ? 'plan-closed' : 'plan-ok';
  td.setAttribute('data-had', String(r.slots_had));
  td.setAttribute('data-needed', String(r.slots_needed));
  td.setAttribute('data-arrivals', String(Number(r.arrivals_per_h) || 0));
  if (more) td.setAttribute('data-more', '');
  if (closed) td.setAttribute('data-closed', '');
  var shown = el('span', 'plan-cell');
  shown.setAttribute('aria-hidden', 'true');
  shown.appendChild(el('span', 'plan-had', (more ? MORE : '') + one(r.slots_had) + '/' + whole(r.slots_needed)));
  if (typeof r.slots_proposed === 'number') {
    shown.appendChild(el('span', 'plan-proposed', '\u2192' + whole(r.slots_proposed)));
  }
  td.appendChild(shown);
  var words = tn(more ? 's.plan.cell.more' : 's.plan.cell', r.slots_had,
    { had: one(r.slots_had), needed: whole(r.slots_needed) }, ONE);
  if (closed) words = t('s.plan.cell.closed') + ', ' + words;
  if (typeof r.slots_proposed === 'number') words += ', ' + t('s.plan.cell.proposed', { n: whole(r.slots_proposed) });
  if (r.thin) words += ', ' + t('s.plan.thin');
  td.appendChild(hidden(words));
  td.title = weekdayName(d, 'short') + ' ' + hourRange(h, false) + ': ' + words;
  return td;
}

/* ---- the view's part in the page ---- */

/* What stats.js tells of the period (see page.js addView). */
var view = {
  load: function (q) {
    query = q;
    fetchPlan();
  },
  render: function () { render(); },
  clear: function () {
    seq += 1;
    query = null;
    plan = null;
    setError(null);
    clearOut();
  }
};

/* Wires the target form; the page calls it once the strings are in. */
function init() {
  $('plan-share').value = String(DEFAULT_SHARE_PCT);
  $('plan-wait').value = String(DEFAULT_WAIT_MIN);
  $('plan-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    fetchPlan();
  });
  ['plan-share', 'plan-wait'].forEach(function (id) {
    $(id).addEventListener('change', fetchPlan);
  });
}

export { view, init };
