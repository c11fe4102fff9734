/* sums.js: the buckets of GET /api/stats added up. The counters this page
 * knows are in chatadmin's CSV column order; the buckets may have more
 * (contract v2 §5), summed all the same. A count chatd hid for being under
 * --min-count comes as the text "<K": it adds nothing to a sum, and a sum
 * with such a part says so (sum.hidden[field] = K). */
import { num, parseHour } from './format.js';

/* The buckets' counters this page knows, in chatadmin's CSV column order;
 * the buckets may have more (contract v2 §5), summed all the same. */
var BINS = ['0_1', '1_5', '5_15', '15_30', '30_60', '60p'];
var FIELDS = ['open_s', 'staffed_s', 'worker_s', 'joins', 'refused_closed', 'refused_full',
  'queued', 'answered', 'abandoned', 'wait_answered_s', 'wait_abandoned_s', 'chats', 'chat_s',
  'msgs_visitor', 'msgs_worker', 'transfers', 'blocks',
  'feedback_1', 'feedback_2', 'feedback_3', 'feedback_4', 'feedback_5']
  .concat(BINS.map(function (b) { return 'wait_answered_' + b; }))
  .concat(BINS.map(function (b) { return 'wait_abandoned_' + b; }))
  .concat(BINS.map(function (b) { return 'chat_' + b; }))
  .concat(['urgent', 'alerts', 'first_reply_s', 'first_replies', 'wrapups', 'wrapup_s',
    'kind_counselling', 'kind_information', 'kind_silent', 'kind_test', 'kind_prank',
    'kind_abusive', 'slot_s', 'helped_yes', 'helped_somewhat', 'helped_no', 'again_yes',
    'again_no', 'refused_cutoff']);

/* Adds every counter of bucket (or sum) b into acc; a hidden one ("<K")
 * is remembered in acc.hidden[field] = K instead. */
function sumInto(acc, b) {
  /* the on-duty time inside the opening hours: a bucket's staffed_s counts
   * up to its open_s (issue 27; staffed_s counts every on-duty second, also
   * while the topic is closed). Exact where opening hours start and end on
   * the hour; never more than the open time. Sums add it like any counter. */
  if (b.hour !== undefined && typeof b.staffed_s === 'number' && typeof b.open_s === 'number') {
    acc.staffed_open_s = (acc.staffed_open_s || 0) + Math.min(b.staffed_s, b.open_s);
  }
  for (var k in b) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || k === 'topic' || k === 'hour') continue;
    var v = b[k];
    if (typeof v === 'number') {
      acc[k] = (acc[k] || 0) + v;
    } else if (k === 'hidden' && v && typeof v === 'object') {
      for (var h in v) {
        if (Object.prototype.hasOwnProperty.call(v, h)) acc.hidden[h] = Math.max(acc.hidden[h] || 0, v[h]);
      }
    } else if (typeof v === 'string' && /^<\d+$/.test(v)) {
      acc.hidden[k] = Math.max(acc.hidden[k] || 0, Number(v.slice(1)));
    }
  }
  return acc;
}

function zero() {
  var z = { hidden: {} };
  for (var i = 0; i < FIELDS.length; i++) z[FIELDS[i]] = 0;
  z.staffed_open_s = 0;
  return z;
}

/* A sum's counter as text: the number, or "<K" as chatadmin writes it when
 * all of it was hidden, or "≥N" when some parts were. */
function countText(s, field) {
  var n = s[field] || 0;
  var k = s.hidden[field];
  if (!k) return num(n);
  return n > 0 ? '\u2265' + num(n) : '<' + num(k);
}

/* The sum of a group of a sum's counters, or -1 when one of them is hidden
 * (a share of it would be a guess). */
function groupSum(s, fields) {
  var all = 0;
  for (var i = 0; i < fields.length; i++) {
    if (s.hidden[fields[i]]) return -1;
    all += s[fields[i]] || 0;
  }
  return all;
}

/* groupSum as text: with a hidden part, "≥" what is known. */
function groupText(s, fields) {
  var all = groupSum(s, fields);
  if (all >= 0) return num(all);
  var known = 0;
  for (var i = 0; i < fields.length; i++) known += s[fields[i]] || 0;
  return '\u2265' + num(known);
}

/* The sums of the buckets per weekday (Monday = 0) and hour: [7][24]. */
function weekSums(buckets) {
  var grid = [];
  for (var d = 0; d < 7; d++) {
    grid.push([]);
    for (var h = 0; h < 24; h++) grid[d].push({ hidden: {} });
  }
  for (var i = 0; i < buckets.length; i++) {
    var p = parseHour(buckets[i].hour);
    if (p) sumInto(grid[p.dow][p.hour], buckets[i]);
  }
  return grid;
}

/* Sums per topic: {ids: [topic ids], sums: {id: sum}}; every topic of ids
 * (the configured ones in the selection) is there, also with nothing in it. */
function perTopic(buckets, topicIds) {
  var sums = {};
  var ids = topicIds.slice();
  var i;
  for (i = 0; i < ids.length; i++) sums[ids[i]] = zero();
  for (i = 0; i < buckets.length; i++) {
    var id = buckets[i].topic;
    if (!sums[id]) { sums[id] = zero(); ids.push(id); }
    sumInto(sums[id], buckets[i]);
  }
  return { ids: ids, sums: sums };
}

export {
  BINS,
  FIELDS,
  sumInto,
  zero,
  countText,
  groupSum,
  groupText,
  weekSums,
  perTopic
};
