/* categories.js: the wrap-ups' contact categories (cat_ID, labelled
 * through the body's `categories` where it has them, else by their ids):
 * by share, most named first, and one chosen (or all) by weekday and hour. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { num, weekdayName, hourRange } from './format.js';
import { countText, groupSum, weekSums } from './sums.js';
import { el, hidden, rowHeader, tableHead, fieldCell, weekTable, weekRow } from './table.js';
import { endSentTable, kindFields } from './wrapups.js';

var t = I18N.t;
var $ = Chat.$;

/* the cells of the categories' weekday × hour table with something in them */
var CATHOUR_BUSY = 'td[data-n]:not([data-n="0"])';

/* "mental_health" -> "Mental health": a category's name when the body
 * does not label it. */
function prettyId(id) {
  var text = String(id).replace(/_+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/* The wrap-up categories: those the body's `categories` lists (with
 * labels), in its order, then any other cat_ID the buckets carry (one no
 * longer configured, or a daemon that does not list them). [{id, label}] */
function categoryList(buckets, categories) {
  var out = [];
  var seen = {};
  categories.forEach(function (c) {
    if (c && typeof c.id === 'string' && !seen[c.id]) {
      seen[c.id] = true;
      out.push({ id: c.id, label: c.label });
    }
  });
  for (var i = 0; i < buckets.length; i++) {
    for (var k in buckets[i]) {
      if (Object.prototype.hasOwnProperty.call(buckets[i], k) && k.indexOf('cat_') === 0 && !seen[k.slice(4)]) {
        seen[k.slice(4)] = true;
        out.push({ id: k.slice(4), label: null });
      }
    }
  }
  return out;
}

function categoryName(c) {
  return c.label ? I18N.pick(c.label, prettyId(c.id)) : prettyId(c.id);
}

/* Most named first; equal ones in the configured order. */
function categoriesByShare(s, cats) {
  return cats.map(function (c, i) { return { c: c, i: i, n: s['cat_' + c.id] || 0 }; })
    .sort(function (a, b) { return b.n - a.n || a.i - b.i; })
    .map(function (x) { return x.c; });
}

/* Did the period have any wrap-up (sent or not), or one that was hidden? */
function anyWrapups(s) {
  return (s.wrapups || 0) > 0 || !!s.hidden.wrapups;
}

/* Categories by share: a bar per category, its count and its share of the
 * wrap-ups sent (one wrap-up may name several categories, or none). */
function renderCategories(s, cats) {
  var table = $('categories');
  table.textContent = '';
  var none = !cats.length || !anyWrapups(s);
  $('cat-none').hidden = !none;
  table.hidden = none;
  if (none) return;
  var sent = groupSum(s, kindFields());
  tableHead(table, t('s.cat.caption'), ['s.col.category', 's.col.wrapups']);
  var body = el('tbody');
  cats.forEach(function (c) {
    var tr = el('tr');
    tr.setAttribute('data-category', c.id);
    tr.appendChild(rowHeader(categoryName(c)));
    tr.appendChild(fieldCell(s, 'cat_' + c.id, sent));
    body.appendChild(tr);
  });
  endSentTable(table, body, s);
}

/* The category chooser of the weekday × hour table: all of them together,
 * then each one, most named first; the choice stays over a new period. */
function renderCategoryPick(cats) {
  var sel = $('cathour-cat');
  var keep = sel.value;
  sel.textContent = '';
  var all = el('option', null, t('s.cathour.all'));
  all.value = '';
  sel.appendChild(all);
  cats.forEach(function (c) {
    var o = el('option', null, categoryName(c));
    o.value = c.id;
    sel.appendChild(o);
  });
  sel.value = keep;
  if (sel.value !== keep) sel.value = '';
}

/* The counters fields of sum s as one: {n, hidden: {n: K}}, for countText. */
function chosenSum(s, fields) {
  var v = { n: 0, hidden: {} };
  fields.forEach(function (f) {
    v.n += s[f] || 0;
    if (s.hidden[f]) v.hidden.n = Math.max(v.hidden.n || 0, s.hidden[f]);
  });
  return v;
}

/* Wrap-ups naming the chosen category (or all of them, each naming
 * counted) by weekday and hour, as numbers in the cells; the colour only
 * repeats them. A cell with a hidden part says so as countText does. */
function renderCategoryHours(buckets, cats) {
  $('cathour-section').hidden = !cats.length;
  if (!cats.length) return;
  renderCategoryPick(cats);
  var chosen = $('cathour-cat').value;
  var pick = null;
  cats.forEach(function (c) { if (c.id === chosen) pick = c; });
  var fields = (pick ? [pick] : cats).map(function (c) { return 'cat_' + c.id; });
  var week = weekSums(buckets);
  var d, h;
  var max = 0;
  var peak = null;
  var someHidden = false;
  for (d = 0; d < 7; d++) {
    for (h = 0; h < 24; h++) {
      var v = chosenSum(week[d][h], fields);
      someHidden = someHidden || !!v.hidden.n;
      week[d][h] = v;
      if (v.n > max) { max = v.n; peak = { d: d, h: h }; }
    }
  }
  var name = pick ? categoryName(pick) : t('s.cathour.all');
  var body = weekTable($('cathour'), t('s.cathour.caption', { category: name }));
  for (d = 0; d < 7; d++) {
    var tr = weekRow(d);
    for (h = 0; h < 24; h++) {
      var c = week[d][h];
      var level = c.n > 0 ? Math.max(1, Math.ceil((c.n / max) * 5)) : (c.hidden.n ? 1 : 0);
      var td = el('td', 'heat-' + level);
      td.setAttribute('data-day', String(d));
      td.setAttribute('data-hour', String(h));
      td.setAttribute('data-n', String(c.n));
      var text = countText(c, 'n');
      td.title = t('s.cathour.cell', { day: weekdayName(d, 'short'), hour: hourRange(h, false), n: text });
      td.appendChild(level > 0 ? el('span', 'heat-n', text) : hidden(text));
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  var say = '';   /* nothing to say when all there is was hidden */
  if (peak) say = t('s.cathour.peak', { when: weekdayName(peak.d, 'long') + ' ' + hourRange(peak.h, true), n: num(max) });
  else if (!someHidden) say = pick ? t('s.cathour.empty', { category: name }) : t('s.cathour.empty.all');
  $('cathour-peak').textContent = say;
}

export {
  CATHOUR_BUSY,
  categoryList,
  categoriesByShare,
  renderCategories,
  renderCategoryHours
};
