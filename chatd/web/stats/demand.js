/* demand.js: demand by weekday and hour (joins against the opening hours,
 * added up over the period) and the hours with the most unmet demand
 * (refused because closed or full, or left the queue). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { num, tn, weekdayName, hourRange, hourLabel, parseHour } from './format.js';
import { zero, sumInto } from './sums.js';
import { el, hidden, cell, rowHeader, weekTable, weekRow } from './table.js';

var t = I18N.t;
var $ = Chat.$;

/* the cells of the heatmap with something in them */
var HEAT_BUSY = 'td.heat-open, td[data-joins]:not([data-joins="0"])';

function renderHeatmap(buckets) {
  var joins = [];
  var open = [];
  var d, h;
  for (d = 0; d < 7; d++) {
    joins.push([]);
    open.push([]);
    for (h = 0; h < 24; h++) { joins[d].push(0); open[d].push(false); }
  }
  for (var i = 0; i < buckets.length; i++) {
    var p = parseHour(buckets[i].hour);
    if (!p) continue;
    joins[p.dow][p.hour] += Number(buckets[i].joins) || 0;
    if (Number(buckets[i].open_s) > 0) open[p.dow][p.hour] = true;
  }
  var max = 0;
  var peak = null;
  for (d = 0; d < 7; d++) {
    for (h = 0; h < 24; h++) {
      if (joins[d][h] > max) { max = joins[d][h]; peak = { d: d, h: h }; }
    }
  }

  var table = $('heatmap');
  var body = weekTable(table, t('s.heat.caption'));
  for (d = 0; d < 7; d++) {
    var tr = weekRow(d);
    for (h = 0; h < 24; h++) {
      var n = joins[d][h];
      var level = n > 0 ? Math.max(1, Math.ceil((n / max) * 5)) : 0;
      var td = el('td', 'heat-' + level + (open[d][h] ? ' heat-open' : ''));
      td.setAttribute('data-day', String(d));
      td.setAttribute('data-hour', String(h));
      td.setAttribute('data-joins', String(n));
      td.title = tn(open[d][h] ? 's.heat.cell.open' : 's.heat.cell', n,
        { day: weekdayName(d, 'short'), hour: hourRange(h, false), n: num(n) });
      if (n > 0) td.appendChild(el('span', 'heat-n', num(n)));
      else td.appendChild(hidden(num(0)));
      if (open[d][h]) td.appendChild(hidden(', ' + t('s.heat.open')));
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  $('heat-peak').textContent = peak
    ? t('s.heat.peak', { when: weekdayName(peak.d, 'long') + ' ' + hourRange(peak.h, true), n: num(max) })
    : '';
}

function renderUnmet(buckets) {
  var byHour = {};
  var keys = [];
  for (var i = 0; i < buckets.length; i++) {
    var b = buckets[i];
    var k = b.hour;
    if (!byHour[k]) { byHour[k] = zero(); keys.push(k); }
    sumInto(byHour[k], b);
  }
  var rows = [];
  for (i = 0; i < keys.length; i++) {
    var s = byHour[keys[i]];
    var unmet = s.refused_closed + s.refused_full + s.abandoned;
    if (unmet > 0) rows.push({ hour: keys[i], unmet: unmet, s: s });
  }
  rows.sort(function (a, b2) {
    return b2.unmet - a.unmet || (a.hour < b2.hour ? -1 : a.hour > b2.hour ? 1 : 0);
  });
  rows = rows.slice(0, 10);
  var table = $('unmet');
  table.textContent = '';
  $('unmet-none').hidden = rows.length > 0;
  table.hidden = rows.length === 0;
  if (!rows.length) return;
  table.appendChild(el('caption', 'visually-hidden', t('s.unmet.heading')));
  var head = el('tr');
  ['s.col.hour', 's.col.unmet', 's.col.refused_closed', 's.col.refused_full', 's.col.abandoned',
    's.col.open', 's.col.staffed'].forEach(function (key, j) {
    head.appendChild(cell('th', t(key), j > 0 && j < 5 ? 'num' : null));
  });
  table.appendChild(el('thead')).appendChild(head);
  var body = el('tbody');
  rows.forEach(function (r) {
    var tr = el('tr');
    var when = rowHeader(null);
    when.appendChild(el('span', 'when-day', hourLabel(r.hour, 'day')));
    when.appendChild(document.createTextNode(' '));
    when.appendChild(el('span', 'when-time', hourLabel(r.hour, 'time')));
    tr.appendChild(when);
    tr.appendChild(el('td', 'num strong', num(r.unmet)));
    tr.appendChild(el('td', 'num', num(r.s.refused_closed)));
    tr.appendChild(el('td', 'num', num(r.s.refused_full)));
    tr.appendChild(el('td', 'num', num(r.s.abandoned)));
    tr.appendChild(el('td', null, t(r.s.open_s > 0 ? 's.yes' : 's.no')));
    tr.appendChild(el('td', null, t(r.s.staffed_s > 0 ? 's.yes' : 's.no')));
    body.appendChild(tr);
  });
  table.appendChild(body);
}

export {
  HEAT_BUSY,
  renderHeatmap,
  renderUnmet
};
