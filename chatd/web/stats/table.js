/* table.js: the statistics page's DOM pieces: elements, table heads, the
 * weekday × hour tables, count cells with their bars, and the scrolling of
 * wide tables. No style attributes are written (CSP style-src 'self'):
 * colours are classes, bar lengths are SVG attributes. */
import { I18N } from '../i18n.js';
import { num, pct, pad2, weekdayName, hourRange } from './format.js';
import { countText } from './sums.js';

var t = I18N.t;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function hidden(text) { return el('span', 'visually-hidden', text); }

function cell(tag, text, cls) {
  var c = el(tag, cls, text);
  if (tag === 'th') c.scope = 'col';
  return c;
}

function rowHeader(text) {
  var th = el('th', null, text);
  th.scope = 'row';
  return th;
}

/* A bar as SVG (length in attributes: no inline style); decorative, the number is text. */
function bar(share, cls) {
  var ns = 'http://www.w3.org/2000/svg';
  var svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'bar');
  svg.setAttribute('viewBox', '0 0 100 10');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  var bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('class', 'bar-track');
  bg.setAttribute('width', '100');
  bg.setAttribute('height', '10');
  svg.appendChild(bg);
  if (share > 0) {
    var r = document.createElementNS(ns, 'rect');
    r.setAttribute('class', 'bar-fill' + (cls ? ' ' + cls : ''));
    r.setAttribute('width', String(Math.max(1, Math.round(share * 1000) / 10)));
    r.setAttribute('height', '10');
    svg.appendChild(r);
  }
  return svg;
}

/* Scroll containers are focusable only while they scroll (keyboard users
 * can then scroll them). Every box is measured before any is changed: a
 * change between two measurements would make the browser lay the page out
 * again for each box. */
function updateScrollRegions() {
  var regions = document.querySelectorAll('.table-scroll');
  var scrolls = [];
  for (var i = 0; i < regions.length; i++) scrolls.push(regions[i].scrollWidth > regions[i].clientWidth + 1);
  for (var j = 0; j < regions.length; j++) {
    if (scrolls[j] === regions[j].hasAttribute('tabindex')) continue;
    if (scrolls[j]) regions[j].tabIndex = 0;
    else regions[j].removeAttribute('tabindex');
  }
}

/* On a narrow screen a weekday × hour table starts at the first hour with
 * something in it (busy: its cells' selector), not at midnight (the
 * earlier hours are a swipe away). */
function scrollToActivity(table, busy) {
  var first = 24;
  var cells = table.querySelectorAll(busy);
  for (var i = 0; i < cells.length; i++) {
    first = Math.min(first, Number(cells[i].getAttribute('data-hour')));
  }
  scrollToHour(table, first === 24 ? 0 : first);
}

/* Scrolls a weekday × hour table's box so that hour is its first column
 * after the weekday names (0: the start). */
function scrollToHour(table, first) {
  var box = table.parentNode;
  box.scrollLeft = 0;
  if (box.scrollWidth <= box.clientWidth + 1 || !first) return;
  var col = table.querySelector('td[data-hour="' + first + '"]');
  var corner = table.querySelector('tbody th');
  if (!col || !corner) return;
  /* how far the hour is from the box's start edge (the right one in rtl,
   * where scrollLeft counts negative) */
  var rtl = I18N.dir() === 'rtl';
  var b = box.getBoundingClientRect();
  var c = col.getBoundingClientRect();
  var from = rtl ? b.right - c.right : c.left - b.left;
  box.scrollLeft = (rtl ? -1 : 1) * Math.max(0, from - corner.offsetWidth - 8);
}

function figure(id, label, value, detail) {
  var box = el('div', 'figure');
  box.id = id;
  box.appendChild(el('dt', null, label));
  box.appendChild(el('dd', 'figure-value', value));
  if (detail) box.appendChild(el('dd', 'figure-detail', detail));
  return box;
}

/* A table's hidden caption and its head row of column titles (keys). */
function tableHead(table, caption, keys) {
  table.appendChild(el('caption', 'visually-hidden', caption));
  var head = el('tr');
  keys.forEach(function (key) { head.appendChild(cell('th', t(key))); });
  table.appendChild(el('thead')).appendChild(head);
}

/* Empties a weekday × hour table and gives it its caption and the hours'
 * header row; returns its (new, empty) tbody. */
function weekTable(table, caption) {
  table.textContent = '';
  table.appendChild(el('caption', 'visually-hidden', caption));
  var head = el('tr');
  head.appendChild(cell('th', t('s.heat.day'), 'heat-corner'));
  for (var h = 0; h < 24; h++) {
    var th = cell('th', null, 'heat-hour');
    var vis = el('span', null, pad2(h));
    vis.setAttribute('aria-hidden', 'true');
    th.appendChild(vis);
    th.appendChild(hidden(hourRange(h, false)));
    head.appendChild(th);
  }
  table.appendChild(el('thead')).appendChild(head);
  return table.appendChild(el('tbody'));
}

/* A weekday's row (Monday = 0) with its header: short name shown, long read. */
function weekRow(d) {
  var tr = el('tr');
  var rh = rowHeader(null);
  var short = el('span', null, weekdayName(d, 'short'));
  short.setAttribute('aria-hidden', 'true');
  rh.appendChild(short);
  rh.appendChild(hidden(weekdayName(d, 'long')));
  tr.appendChild(rh);
  return tr;
}

/* "3 (50 %)" and a bar, in one cell. */
function countCell(n, whole, cls) {
  var td = el('td', 'bar-cell');
  var text = el('span', 'bar-text', num(n));
  if (whole > 0) text.appendChild(el('span', 'share', ' (' + pct(n, whole) + ')'));
  td.appendChild(text);
  td.appendChild(bar(whole > 0 ? n / whole : 0, cls));
  return td;
}

/* countCell for a sum's counter, which may be hidden: then its text as
 * countText says, and no share (whole: a groupSum, -1 when unknown). */
function fieldCell(s, field, whole) {
  var td = countCell(s[field] || 0, Math.max(whole, 0), null);
  if (s.hidden[field]) td.querySelector('.bar-text').textContent = countText(s, field);
  return td;
}

/* A topic's table under its heading in box: the heading (tag, cls, id), then
 * a scroll region named by it, where a phone shows the heading whole and
 * the table scrolls; the table (tableCls, data-topic) is returned, already
 * in place. */
function titledTable(box, heading, tableCls, topic) {
  var h = el(heading.tag, heading.cls, heading.text);
  h.id = heading.id;
  box.appendChild(h);
  var scroll = el('div', 'table-scroll');
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-labelledby', h.id);
  var table = el('table', tableCls);
  table.setAttribute('data-topic', topic);
  scroll.appendChild(table);
  box.appendChild(scroll);
  return table;
}

export {
  el,
  titledTable,
  hidden,
  cell,
  rowHeader,
  bar,
  updateScrollRegions,
  scrollToActivity,
  scrollToHour,
  figure,
  tableHead,
  weekTable,
  weekRow,
  countCell,
  fieldCell
};
