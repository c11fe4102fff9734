/* page.js: what the statistics page's parts share: the configured topics
 * (from GET /api/status), the status line under the title, and the views
 * of the period. A view ({load(query), render(result), clear()}, see
 * addView) is told when a period is asked for, whenever the page renders,
 * and when the token goes. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { topicInChoice } from './orgs.js';

var t = I18N.t;
var $ = Chat.$;

var topicList = [];          /* from /api/status */
var views = [];

function setTopics(list) {
  topicList = Array.isArray(list) ? list : [];
}

function topicTitle(id) {
  return Chat.topicTitle(topicList, id);
}

function topicIds() {
  return topicList.map(function (x) { return x.id; });
}

/* The configured topics in a selection: all of them (of the organisation
 * chosen, orgs.js), or the one chosen. */
function topicsIn(topic) {
  return topicIds().filter(function (id) { return topic ? id === topic : topicInChoice(id); });
}

/* Fills the select with id: "all topics" first, then each configured
 * topic of the organisation chosen; the choice is kept when the topic is
 * still there. */
function fillTopicSelect(id) {
  var sel = $(id);
  var keep = sel.value;
  sel.textContent = '';
  var all = document.createElement('option');
  all.textContent = t('s.filter.all');
  all.value = '';
  sel.appendChild(all);
  topicIds().filter(topicInChoice).forEach(function (topic) {
    var o = document.createElement('option');
    o.textContent = topicTitle(topic);
    o.value = topic;
    sel.appendChild(o);
  });
  sel.value = keep;
  if (sel.value !== keep) sel.value = '';
}

/* Another view of the same period: load(query) when a period is asked for
 * ({from, to, topic, token}), render(result) whenever the page renders,
 * clear() when the token goes. */
function addView(v) {
  views.push(v);
}

function eachView(fn) {
  views.forEach(fn);
}

var statusKey = null;
var statusVars = null;

function setStatus(key, vars) {
  statusKey = key;
  statusVars = vars || null;
  renderStatus();
}

function renderStatus() {
  var s = $('status');
  s.textContent = statusKey ? t(statusKey, statusVars ? statusVars() : null) : '';
  s.hidden = !statusKey;
}

export {
  setTopics,
  topicTitle,
  topicIds,
  topicsIn,
  fillTopicSelect,
  addView,
  eachView,
  setStatus,
  renderStatus
};
