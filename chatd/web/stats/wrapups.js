/* wrapups.js: after the chat (contract v2 §4, §5): the wrap-ups, how many
 * and how long, their kinds with the share of silent, test and prank
 * contacts said in words, and the visitors' own "did it help" and "would
 * contact again" answers. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { num, tn, pct, avgDuration } from './format.js';
import { countText, groupSum, groupText } from './sums.js';
import { el, rowHeader, figure, tableHead, fieldCell } from './table.js';

var t = I18N.t;
var $ = Chat.$;

/* Wrap-up kinds and the visitors' answers after a chat: counter and label. */
var KINDS = [
  ['kind_counselling', 's.kind.counselling'], ['kind_information', 's.kind.information'],
  ['kind_silent', 's.kind.silent'], ['kind_test', 's.kind.test'], ['kind_prank', 's.kind.prank'],
  ['kind_abusive', 's.kind.abusive']
];
/* not a conversation: the "noise" share of the wrap-ups */
var NOISE = ['kind_silent', 'kind_test', 'kind_prank'];
var HELPED = [['helped_yes', 's.helped.yes'], ['helped_somewhat', 's.helped.somewhat'],
  ['helped_no', 's.helped.no']];
var AGAIN = [['again_yes', 's.again.yes'], ['again_no', 's.again.no']];

function kindFields() {
  return KINDS.map(function (k) { return k[0]; });
}

/* Puts body into a table of wrap-ups, with a foot row of how many were sent. */
function endSentTable(table, body, s) {
  table.appendChild(body);
  var foot = el('tr');
  foot.appendChild(rowHeader(t('s.kinds.sent')));
  foot.appendChild(el('td', null, groupText(s, kindFields())));
  table.appendChild(el('tfoot')).appendChild(foot);
}

/* Wrap-ups: how many, how long, and their kinds, with the share that was
 * no conversation at all (silent, test, prank) said in words. */
function renderWrapups(s) {
  var sent = groupSum(s, kindFields());
  var dl = $('wrapup-figures');
  dl.textContent = '';
  var late = sent >= 0 && !s.hidden.wrapups ? s.wrapups - sent : -1;
  dl.appendChild(figure('fig-wrapups', t('s.k.wrapups'), countText(s, 'wrapups'),
    late > 0 ? t('s.k.wrapups.detail', { late: num(late) }) : null));
  dl.appendChild(figure('fig-wrapup-time', t('s.k.wrapup_time'), avgDuration(s.wrapup_s, s.wrapups)));

  var table = $('kinds');
  table.textContent = '';
  tableHead(table, t('s.kinds.caption'), ['s.col.kind', 's.col.count']);
  var body = el('tbody');
  KINDS.forEach(function (k) {
    var tr = el('tr');
    tr.setAttribute('data-kind', k[0].slice(5));
    tr.appendChild(rowHeader(t(k[1])));
    tr.appendChild(fieldCell(s, k[0], sent));
    body.appendChild(tr);
  });
  endSentTable(table, body, s);

  var noise = groupSum(s, NOISE);
  var say;
  if (sent < 0 || noise < 0) say = t('s.kinds.noise.hidden');
  else if (sent === 0) say = t('s.kinds.none');
  else say = t('s.kinds.noise', { share: pct(noise, sent), n: num(noise), all: num(sent) });
  $('kinds-noise').textContent = say;
}

/* One row group per question: each answer's count and its share of that
 * question's answers. */
function answerGroup(table, s, question, rows, key) {
  var body = el('tbody');
  body.setAttribute('data-question', key);
  var all = groupSum(s, rows.map(function (r) { return r[0]; }));
  rows.forEach(function (r, i) {
    var tr = el('tr');
    tr.setAttribute('data-answer', r[0]);
    if (i === 0) {
      var qh = el('th', 'answers-question', question);
      qh.scope = 'rowgroup';
      qh.rowSpan = rows.length;
      tr.appendChild(qh);
    }
    tr.appendChild(rowHeader(t(r[1])));
    tr.appendChild(fieldCell(s, r[0], all));
    body.appendChild(tr);
  });
  table.appendChild(body);
  return all;
}

/* The visitors' own answers after the chat (helped_*, again_*). */
function renderHelped(s) {
  var table = $('helped');
  table.textContent = '';
  tableHead(table, t('s.helped.caption'), ['s.col.question', 's.col.answer', 's.col.count']);
  var helped = answerGroup(table, s, t('s.helped.q'), HELPED, 'helped');
  var again = answerGroup(table, s, t('s.again.q'), AGAIN, 'again');
  var say = [];
  if (helped > 0) {
    say.push(tn('s.helped.summary', helped, {
      share: pct(s.helped_yes + s.helped_somewhat, helped), n: num(helped)
    }));
  }
  if (again > 0) say.push(t('s.again.summary', { share: pct(s.again_yes, again), n: num(again) }));
  if (helped === 0 && again === 0) say.push(t('s.helped.none'));
  $('helped-summary').textContent = say.join(' ');
}

export {
  endSentTable,
  kindFields,
  renderWrapups,
  renderHelped
};
