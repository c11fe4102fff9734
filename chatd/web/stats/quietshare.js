/* quietshare.js: the statistics page's "Joins in quiet hours" view. Per
 * week (Monday to Sunday) of the chosen period, how many joins fell in the
 * hours the visitor page names as quieter times: the same rule (quiet.js)
 * over the same GET /api/status/week of each topic shown. Those quiet hours
 * are today's (the last 28 days), applied to every week of the period: a
 * rising share means more people came when it was quiet.
 * Buckets come from stats.js (render(result)); weeks are fetched once per
 * topic and page load (they change hourly, the period does not matter). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as ChatQuiet from '../quiet-rule.js';
import { nf, num, formatDay, addDays, parseHour } from './format.js';
import { el, cell, rowHeader, bar, updateScrollRegions } from './table.js';
import { topicTitle, topicIds } from './page.js';

var t = I18N.t;
var $ = Chat.$;

var weeks = {};        /* topic id -> {set, phrases} or 'loading' */
var last = null;       /* the result last rendered */

function fetchWeek(id) {
  weeks[id] = 'loading';
  window.fetch('/api/status/week?topic=' + encodeURIComponent(id), { credentials: 'omit' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .catch(function () { return null; })
    .then(function (j) {
      var hours = j && Array.isArray(j.hours) ? j.hours : [];
      weeks[id] = { set: ChatQuiet.quietSet(hours), phrases: ChatQuiet.quietTimes(hours) };
      if (last) render(last);
    });
}

function topicsShown(result) {
  return result.topic ? [result.topic] : topicIds();
}

/* [{start: 'YYYY-MM-DD' (a Monday), joins, quiet}] in order. */
function perWeek(buckets, result) {
  var byStart = {};
  var starts = [];
  buckets.forEach(function (b) {
    var p = parseHour(b.hour);
    var w = weeks[b.topic];
    if (!p || !w || w === 'loading') return;
    var start = addDays(p.day, -p.dow);
    if (!byStart[start]) { byStart[start] = { start: start, joins: 0, quiet: 0 }; starts.push(start); }
    var n = typeof b.joins === 'number' ? b.joins : 0;
    byStart[start].joins += n;
    if (w.set[(p.dow + 1) + '/' + p.hour]) byStart[start].quiet += n;
  });
  /* every week of the period, also one without joins */
  for (var d = addDays(result.from, -((dowOf(result.from) + 7) % 7)); d <= result.to; d = addDays(d, 7)) {
    if (!byStart[d]) { byStart[d] = { start: d, joins: 0, quiet: 0 }; starts.push(d); }
  }
  starts.sort();
  return starts.map(function (s) { return byStart[s]; });
}

function dowOf(ymd) {
  return parseHour(ymd + 'T00').dow;
}

function render(result) {
  last = result;
  var ids = topicsShown(result);
  var waiting = false;
  ids.forEach(function (id) {
    if (!weeks[id]) fetchWeek(id);
    if (weeks[id] === 'loading') waiting = true;
  });
  var table = $('quietshare');
  table.textContent = '';
  if (waiting) {
    $('quietshare-hours').textContent = t('s.loading');
    return;
  }
  var named = ids.filter(function (id) { return weeks[id].phrases.length; });
  $('quietshare-hours').textContent = named.length
    ? named.map(function (id) {
      return t('s.qs.hours', { topic: topicTitle(id), times: ChatQuiet.quietText(weeks[id].phrases, I18N.locale()) });
    }).join(' ')
    : t('s.qs.none');
  table.hidden = !named.length;
  if (!named.length) return;
  table.appendChild(el('caption', 'visually-hidden', t('s.qs.caption')));
  var head = el('tr');
  ['s.qs.col.week', 's.col.joins', 's.qs.col.quiet', 's.qs.col.share'].forEach(function (k, i) {
    head.appendChild(cell('th', t(k), i === 1 || i === 2 ? 'num' : null));
  });
  table.appendChild(el('thead')).appendChild(head);
  var body = el('tbody');
  perWeek(result.buckets, result).forEach(function (w) {
    var tr = el('tr');
    tr.setAttribute('data-week', w.start);
    tr.appendChild(rowHeader(t('s.qs.week', {
      day: formatDay(w.start, { day: 'numeric', month: 'numeric', year: 'numeric' })
    })));
    tr.appendChild(el('td', 'num', num(w.joins)));
    tr.appendChild(el('td', 'num', num(w.quiet)));
    var td = el('td', 'bar-cell');
    var share = w.joins > 0 ? w.quiet / w.joins : 0;
    td.appendChild(el('span', 'bar-text', w.joins > 0
      ? nf(share, { style: 'percent', maximumFractionDigits: 1 }) : t('s.none')));
    td.appendChild(bar(share, null));
    tr.appendChild(td);
    body.appendChild(tr);
  });
  table.appendChild(body);
  updateScrollRegions();
}

/* What stats.js tells of the period (see page.js addView). */
var view = {
  load: function () { /* the buckets come with render() */ },
  render: render,
  clear: function () { last = null; }
};

export { view };
