/* orgs.js: the organisations of a federation on one chatd (contract v3 §4)
 * on the statistics page: the choice of organisation in the filter form,
 * the buckets of the one chosen, and the totals per organisation with the
 * overflow between them.
 *
 * The orgs and their names come from GET /api/status (`orgs`, and each
 * topic's `org`); chatd names orgs only when its config has [org] sections,
 * and without them the page shows no choice and nothing of orgs. The
 * choice offers the orgs of the login (the welcome's `orgs` when chatd
 * sends it, else every org) and "All organisations" to one who may see
 * more than one. A bucket's org is its `org` when chatd says it, else its
 * topic's org from the status; the page keeps to the chosen org's buckets
 * whatever /api/stats?org= answered.
 *
 * Overflow: `overflow_out` counts a topic's visitors answered by a worker
 * of another org, `overflow_in` the visitors of another org answered on
 * this topic's duty. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { num, pct } from './format.js';
import { zero, sumInto } from './sums.js';
import { el, cell, rowHeader } from './table.js';

var t = I18N.t;
var $ = Chat.$;

var orgs = [];          /* [{id, name}] from /api/status, or [] */
var topicOrg = {};      /* topic id -> org id */
var mine = null;        /* the login's org ids (welcome.orgs), or null: every org */

function setStatusOrgs(j) {
  orgs = j && Array.isArray(j.orgs) ? j.orgs.filter(function (o) {
    return o && typeof o.id === 'string';
  }) : [];
  topicOrg = {};
  (j && Array.isArray(j.topics) ? j.topics : []).forEach(function (tp) {
    if (tp && typeof tp.org === 'string') topicOrg[tp.id] = tp.org;
  });
}

/* The orgs of the login: ids, or null for "whatever chatd shows". */
function setMine(ids) {
  mine = Array.isArray(ids) ? ids.filter(function (x) { return typeof x === 'string'; }) : null;
}

function federated() {
  return orgs.length > 0;
}

/* The orgs the choice offers. */
function offered() {
  if (!mine) return orgs;
  return orgs.filter(function (o) { return mine.indexOf(o.id) >= 0 || mine.indexOf('*') >= 0; });
}

function orgName(id) {
  return Chat.orgName(orgs, id);
}

/* The chosen org's id, or '' for all the login may see. */
function chosen() {
  return federated() ? $('org').value : '';
}

/* Fills the select: each org the login has, and "All organisations" first
 * when that is more than one; hidden without orgs. */
function fillOrgSelect() {
  var box = $('org-field');
  box.hidden = !federated();
  if (!federated()) return;
  var sel = $('org');
  var keep = sel.value;
  var list = offered();
  sel.textContent = '';
  if (list.length !== 1) {
    var all = document.createElement('option');
    all.value = '';
    all.textContent = t('s.org.all');
    sel.appendChild(all);
  }
  list.forEach(function (o) {
    var opt = document.createElement('option');
    opt.value = o.id;
    opt.textContent = orgName(o.id);
    sel.appendChild(opt);
  });
  sel.value = keep;
  if (sel.selectedIndex < 0 || sel.value !== keep) sel.selectedIndex = 0;
}

/* The org of a bucket: its own `org`, else its topic's. */
function bucketOrg(b) {
  return typeof b.org === 'string' ? b.org : topicOrg[b.topic];
}

/* The org of topic id (from the status), or undefined. */
function topicOrgOf(id) {
  return topicOrg[id];
}

/* Whether topic id is in the choice. */
function topicInChoice(id) {
  var org = chosen();
  return !org || topicOrg[id] === org;
}

/* The buckets of the chosen org (all of them when none is chosen). */
function bucketsOf(buckets) {
  var org = chosen();
  if (!org) return buckets;
  return buckets.filter(function (b) { return bucketOrg(b) === org; });
}

/* "&org=ID" for the requests, or '': only for an org the login is known
 * to have (an org not its own would be refused, and the page keeps to the
 * chosen org's buckets itself). */
function orgParam() {
  var org = chosen();
  return org && mine && (mine.indexOf(org) >= 0 || mine.indexOf('*') >= 0)
    ? '&org=' + encodeURIComponent(org) : '';
}

/* The totals per org of the buckets (the chosen one, or all shown), with
 * the overflow between orgs; the panel is hidden without orgs. */
function renderPerOrg(buckets) {
  var section = $('org-section');
  section.hidden = !federated();
  if (!federated()) return;
  var ids = chosen() ? [chosen()] : offered().map(function (o) { return o.id; });
  var sums = {};
  ids.forEach(function (id) { sums[id] = zero(); });
  buckets.forEach(function (b) {
    var id = bucketOrg(b);
    if (!id) return;
    if (!sums[id]) { sums[id] = zero(); ids.push(id); }
    sumInto(sums[id], b);
  });
  var rows = [
    ['s.col.joins', function (s) { return num(s.joins); }],
    ['s.col.answered', function (s) { return num(s.answered); }],
    ['s.col.answer_rate', function (s) { return pct(s.answered, s.queued); }],
    ['s.col.abandoned', function (s) { return num(s.abandoned); }],
    ['s.col.overflow_out', function (s) { return num(s.overflow_out || 0); }],
    ['s.col.overflow_in', function (s) { return num(s.overflow_in || 0); }]
  ];
  var table = $('per-org');
  table.textContent = '';
  table.appendChild(el('caption', 'visually-hidden', t('s.org.heading')));
  var head = el('tr');
  head.appendChild(el('td'));
  ids.forEach(function (id) {
    var th = cell('th', orgName(id), 'num');
    th.setAttribute('data-org', id);
    head.appendChild(th);
  });
  table.appendChild(el('thead')).appendChild(head);
  var body = table.appendChild(el('tbody'));
  rows.forEach(function (r) {
    var tr = el('tr');
    tr.appendChild(rowHeader(t(r[0])));
    ids.forEach(function (id) { tr.appendChild(cell('td', r[1](sums[id]), 'num')); });
    body.appendChild(tr);
  });
}

export {
  setStatusOrgs,
  setMine,
  federated,
  fillOrgSelect,
  chosen,
  orgName,
  topicInChoice,
  topicOrgOf,
  bucketsOf,
  orgParam,
  renderPerOrg
};
