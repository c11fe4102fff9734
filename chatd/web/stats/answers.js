/* answers.js: per topic, how often each pre-chat answer was chosen (the
 * q_QID_AID counters, labelled through the body's `questions`). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { groupSum, perTopic } from './sums.js';
import { el, titledTable, rowHeader, tableHead, fieldCell } from './table.js';
import { topicTitle, topicsIn } from './page.js';

var t = I18N.t;
var $ = Chat.$;

/* The questions asked in topic (those without a topic list everywhere). */
function questionsIn(questions, topic) {
  return questions.filter(function (q) {
    return q && typeof q.id === 'string' && (!Array.isArray(q.topics) || q.topics.indexOf(topic) >= 0);
  });
}

/* Per topic with questions, a small table: question, answer, how often
 * (and its share of that question's answers), from the q_QID_AID sums. */
function renderAnswers(buckets, questions, topic) {
  var pt = perTopic(buckets, topicsIn(topic));
  var box = $('answers');
  box.textContent = '';
  var shown = 0;
  pt.ids.forEach(function (tid) {
    var qs = questionsIn(questions, tid);
    if (!qs.length) return;
    shown += 1;
    var s = pt.sums[tid];
    var table = titledTable(box, { tag: 'h3', cls: 'answers-topic', id: 'answers-' + tid, text: topicTitle(tid) },
      'data bars answers-table', tid);
    tableHead(table, t('s.answers.caption', { topic: topicTitle(tid) }),
      ['s.col.question', 's.col.answer', 's.col.count']);
    qs.forEach(function (q) {
      var answers = Array.isArray(q.answers) ? q.answers : [];
      var body = el('tbody');
      body.setAttribute('data-question', q.id);
      /* shares only where every answer's count is known */
      var all = groupSum(s, answers.map(function (a) { return 'q_' + q.id + '_' + a.id; }));
      answers.forEach(function (a, i) {
        var field = 'q_' + q.id + '_' + a.id;
        var tr = el('tr');
        tr.setAttribute('data-answer', a.id);
        if (i === 0) {
          var qh = el('th', 'answers-question', I18N.pick(q.text, q.id));
          qh.scope = 'rowgroup';
          qh.rowSpan = answers.length;
          tr.appendChild(qh);
        }
        tr.appendChild(rowHeader(I18N.pick(a.label, a.id)));
        tr.appendChild(fieldCell(s, field, all));
        body.appendChild(tr);
      });
      table.appendChild(body);
    });
  });
  $('answers-none').hidden = shown > 0;
}

export {
  renderAnswers
};
