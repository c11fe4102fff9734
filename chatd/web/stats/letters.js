/* letters.js: letters per topic and week (contract v3 §3): received,
 * answered, the average time from a letter to its answer and how many were
 * answered after their due time, from the hourly letters_received,
 * letters_answered, letter_answer_s and letters_overdue counters. The
 * counters are sums, so the page shows the average answer time: a median
 * would need a distribution the statistics do not keep. The section stays
 * hidden while no bucket of the period carries a letter counter. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { num, avgDuration, ymdParts, addDays, formatDay } from './format.js';
import { el, titledTable, rowHeader, tableHead, updateScrollRegions } from './table.js';
import { topicTitle } from './page.js';

var t = I18N.t;
var $ = Chat.$;

var FIELDS = ['letters_received', 'letters_answered', 'letter_answer_s', 'letters_overdue'];

/* The Monday (YYYY-MM-DD) of the week of an hour's local date. */
function mondayOf(hour) {
  var ymd = String(hour || '').slice(0, 10);
  var p = ymdParts(ymd);
  if (!p) return null;
  var dow = (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
  return addDays(ymd, -dow);
}

/* {topic: {monday: sums}} of the buckets that carry letter counters. */
function weekly(buckets) {
  var out = {};
  var any = false;
  buckets.forEach(function (b) {
    if (!FIELDS.some(function (f) { return typeof b[f] === 'number'; })) return;
    any = true;
    var wk = mondayOf(b.hour);
    if (!wk) return;
    var tp = out[b.topic] || (out[b.topic] = {});
    var s = tp[wk] || (tp[wk] = { letters_received: 0, letters_answered: 0, letter_answer_s: 0, letters_overdue: 0 });
    FIELDS.forEach(function (f) { s[f] += Number(b[f]) || 0; });
  });
  return any ? out : null;
}

function render(result) {
  var section = $('letters-section');
  if (!section) return;
  var byTopic = result && Array.isArray(result.buckets) ? weekly(result.buckets) : null;
  section.hidden = !byTopic;
  var box = $('letters-stats');
  box.textContent = '';
  if (!byTopic) return;
  Object.keys(byTopic).sort().forEach(function (tid) {
    var table = titledTable(box, { tag: 'h3', cls: 'letters-topic', id: 'letters-' + tid, text: topicTitle(tid) },
      'data letters-table', tid);
    tableHead(table, t('s.letters.caption', { topic: topicTitle(tid) }),
      ['s.letters.week', 's.letters.received', 's.letters.answered', 's.letters.avg', 's.letters.overdue']);
    var body = el('tbody');
    Object.keys(byTopic[tid]).sort().forEach(function (wk) {
      var s = byTopic[tid][wk];
      var tr = el('tr');
      tr.setAttribute('data-week', wk);
      tr.appendChild(rowHeader(t('s.letters.weekof', { day: formatDay(wk, { day: 'numeric', month: 'numeric', year: 'numeric' }) })));
      tr.appendChild(el('td', 'num', num(s.letters_received)));
      tr.appendChild(el('td', 'num', num(s.letters_answered)));
      tr.appendChild(el('td', 'num', longDuration(s.letter_answer_s, s.letters_answered)));
      tr.appendChild(el('td', 'num', num(s.letters_overdue)));
      body.appendChild(tr);
    });
    table.appendChild(body);
  });
  updateScrollRegions();
}

/* Answer times run to days: hours past two, days past two days. */
function longDuration(sum, count) {
  if (!(count > 0)) return avgDuration(0, 0);
  var s = sum / count;
  if (s < 7200) return avgDuration(sum, count);
  if (s < 172800) return t('s.letters.hours', { n: num(Math.round(s / 360) / 10) });
  return t('s.letters.days', { n: num(Math.round(s / 8640) / 10) });
}

/* What stats.js tells of the period (see page.js addView). */
var view = {
  load: function () { /* the buckets come with render() */ },
  render: render,
  clear: function () {
    var section = $('letters-section');
    if (section) section.hidden = true;
  }
};

export { view };
