/* overview.js: the period at a glance: the key figures, the waiting time
 * and feedback distributions, and the totals per topic. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { nf, num, tn, pct, hoursText, avgDuration } from './format.js';
import { BINS, zero, sumInto, countText, perTopic } from './sums.js';
import { el, cell, rowHeader, figure, tableHead, countCell } from './table.js';
import { topicTitle, topicsIn } from './page.js';
import { federated } from './orgs.js';

var t = I18N.t;
var $ = Chat.$;

function renderFigures(s) {
  var dl = $('figures');
  dl.textContent = '';
  dl.appendChild(figure('fig-joins', t('s.k.joins'), num(s.joins)));
  dl.appendChild(figure('fig-answer-rate', t('s.k.answer_rate'), pct(s.answered, s.queued),
    t('s.k.answer_rate.detail', { answered: num(s.answered), queued: num(s.queued) })));
  dl.appendChild(figure('fig-abandoned', t('s.k.abandoned'), num(s.abandoned)));
  dl.appendChild(figure('fig-refused', t('s.k.refused'), num(s.refused_closed + s.refused_full),
    t('s.k.refused.detail', {
      closed: num(s.refused_closed),
      /* refused_full counts the cut-off's refusals too: said apart here */
      full: num(s.refused_full - (s.refused_cutoff || 0)),
      cutoff: num(s.refused_cutoff || 0)
    })));
  dl.appendChild(figure('fig-wait', t('s.k.wait'), avgDuration(s.wait_answered_s, s.answered)));
  dl.appendChild(figure('fig-urgent', t('s.k.urgent'), countText(s, 'urgent'),
    s.queued > 0 && !s.hidden.urgent ? t('s.k.urgent.detail', { share: pct(s.urgent, s.queued) }) : null));
  dl.appendChild(figure('fig-chats', t('s.k.chats'), num(s.chats),
    s.chats > 0 ? t('s.k.chat_len', { len: avgDuration(s.chat_s, s.chats) }) : null));
  dl.appendChild(figure('fig-staffed', t('s.k.staffed'), hoursText(s.staffed_s), staffedDetail(s)));
}

/* "93 % of the opening hours[, 2 h of it while closed]": the share counts
 * on-duty time inside the opening hours only (sums.js), so it is at most
 * 100 %; on-duty time while closed is said apart. */
function staffedDetail(s) {
  var parts = [];
  if (s.open_s > 0) parts.push(t('s.k.staffed.detail', { share: staffedShare(s) }));
  var closed = s.staffed_s - (s.staffed_open_s || 0);
  if (closed >= 180) parts.push(t('s.k.staffed.closed', { n: nf(closed / 3600, { maximumFractionDigits: 1 }) }));
  return parts.length ? parts.join(', ') : null;
}

function staffedShare(s) {
  return pct(Math.min(s.staffed_open_s || 0, s.open_s), s.open_s);
}

function renderWaits(s) {
  var table = $('waits');
  table.textContent = '';
  tableHead(table, t('s.wait.caption'), ['s.col.wait', 's.col.answered', 's.col.abandoned']);
  var body = el('tbody');
  var sumA = 0;
  var sumB = 0;
  BINS.forEach(function (bin) {
    sumA += s['wait_answered_' + bin];
    sumB += s['wait_abandoned_' + bin];
  });
  BINS.forEach(function (bin) {
    var tr = el('tr');
    tr.appendChild(rowHeader(t('s.bin.' + bin)));
    tr.appendChild(countCell(s['wait_answered_' + bin], sumA, null));
    tr.appendChild(countCell(s['wait_abandoned_' + bin], sumB, 'bar-alt'));
    body.appendChild(tr);
  });
  table.appendChild(body);
  var foot = el('tr');
  foot.appendChild(rowHeader(t('s.total')));
  foot.appendChild(el('td', null, num(sumA)));
  foot.appendChild(el('td', null, num(sumB)));
  table.appendChild(el('tfoot')).appendChild(foot);
}

function feedbackAverage(s) {
  var n = 0;
  var sum = 0;
  for (var k = 1; k <= 5; k++) { n += s['feedback_' + k]; sum += k * s['feedback_' + k]; }
  return { n: n, avg: n > 0 ? sum / n : null };
}

function renderFeedback(s) {
  var table = $('feedback');
  table.textContent = '';
  tableHead(table, t('s.fb.caption'), ['s.col.score', 's.col.count']);
  var fb = feedbackAverage(s);
  var body = el('tbody');
  for (var k = 5; k >= 1; k--) {
    var tr = el('tr');
    tr.appendChild(rowHeader(num(k)));
    tr.appendChild(countCell(s['feedback_' + k], fb.n, null));
    body.appendChild(tr);
  }
  table.appendChild(body);
  $('fb-summary').textContent = fb.n > 0
    ? tn('s.fb.avg', fb.n, { avg: nf(fb.avg, { minimumFractionDigits: 1, maximumFractionDigits: 1 }), n: num(fb.n) })
    : t('s.fb.none');
}

function renderPerTopic(buckets, topic) {
  var pt = perTopic(buckets, topicsIn(topic));
  var sums = pt.sums;
  var ids = pt.ids;
  /* one row per measure, one column per topic (and the total): a handful of
   * topics fit a phone this way round */
  var rows = [
    ['joins', 's.col.joins', function (s) { return num(s.joins); }],
    ['queued', 's.col.queued', function (s) { return num(s.queued); }],
    ['answered', 's.col.answered', function (s) { return num(s.answered); }],
    ['answer_rate', 's.col.answer_rate', function (s) { return pct(s.answered, s.queued); }],
    ['urgent', 's.col.urgent', function (s) { return countText(s, 'urgent'); }],
    ['abandoned', 's.col.abandoned', function (s) { return num(s.abandoned); }],
    ['refused_closed', 's.col.refused_closed', function (s) { return num(s.refused_closed); }],
    ['refused_full', 's.col.refused_full', function (s) { return num(s.refused_full); }],
    ['refused_cutoff', 's.col.refused_cutoff', function (s) { return num(s.refused_cutoff || 0); }],
    ['wait_avg', 's.col.wait_avg', function (s) { return avgDuration(s.wait_answered_s, s.answered); }],
    ['chats', 's.col.chats', function (s) { return num(s.chats); }],
    ['open_h', 's.col.open_h', function (s) { return nf(s.open_s / 3600, { maximumFractionDigits: 1 }); }],
    ['staffed_h', 's.col.staffed_h', function (s) { return nf(s.staffed_s / 3600, { maximumFractionDigits: 1 }); }],
    ['staffed_share', 's.col.staffed_share', function (s) { return staffedShare(s); }],
    /* issue 27: counted all along, shown now */
    ['first_reply_avg', 's.col.first_reply_avg', function (s) { return avgDuration(s.first_reply_s, s.first_replies); }],
    ['alerts', 's.col.alerts', function (s) { return countText(s, 'alerts'); }],
    ['transfers', 's.col.transfers', function (s) { return countText(s, 'transfers'); }],
    ['blocks', 's.col.blocks', function (s) { return countText(s, 'blocks'); }],
    ['feedback_avg', 's.col.feedback_avg', function (s) {
      var fb = feedbackAverage(s);
      return fb.n ? nf(fb.avg, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : t('s.none');
    }]
  ];
  if (federated()) {   /* contract v3 §4: overflow between the orgs, per topic */
    rows.push(['overflow_out', 's.col.overflow_out', function (s) { return num(s.overflow_out || 0); }]);
    rows.push(['overflow_in', 's.col.overflow_in', function (s) { return num(s.overflow_in || 0); }]);
  }
  var total = zero();
  ids.forEach(function (tid) { sumInto(total, sums[tid]); });
  var columns = ids.map(function (tid) { return { id: tid, title: topicTitle(tid), s: sums[tid] }; });
  if (ids.length > 1) columns.push({ id: '', title: t('s.total'), s: total, total: true });

  var table = $('per-topic');
  table.textContent = '';
  table.appendChild(el('caption', 'visually-hidden', t('s.topics.heading')));
  var head = el('tr');
  head.appendChild(el('td'));
  columns.forEach(function (c) {
    var th = cell('th', c.title, 'num' + (c.total ? ' total' : ''));
    if (c.id) th.setAttribute('data-topic', c.id);
    head.appendChild(th);
  });
  table.appendChild(el('thead')).appendChild(head);
  var body = el('tbody');
  rows.forEach(function (r) {
    var tr = el('tr');
    tr.setAttribute('data-measure', r[0]);
    tr.appendChild(rowHeader(t(r[1])));
    columns.forEach(function (c) {
      var td = el('td', 'num' + (c.total ? ' total' : ''), r[2](c.s));
      if (c.id) td.setAttribute('data-topic', c.id);
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
}

export {
  renderFigures,
  renderWaits,
  renderFeedback,
  renderPerTopic
};
