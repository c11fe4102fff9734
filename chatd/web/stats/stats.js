/* stats.js: the coordinators' statistics page, the module that wires its
 * parts together.
 *
 * Everything the page shows comes from GET /api/stats with the login's token
 * (login.js) as a Bearer header: hourly buckets per topic, which the parts add
 * up (sums.js) into the key figures, waiting times, feedback and totals per
 * topic (overview.js), a weekday × hour heatmap of joins against the opening
 * hours and the hours with the most unmet demand (demand.js), the pre-chat
 * answers per topic (answers.js), and after the chat the wrap-ups' contact
 * categories (categories.js), their kinds and the visitors' own answers
 * (wrapups.js); the CSV download is built from the same JSON (csv.js).
 * Other views of the same period, "When to open" (plan.js), "Joins in
 * quiet hours" (quietshare.js) and the rota (rota.js, which has a week and
 * a period of its own and reads the page's for planned against actual),
 * have their own requests and are told of the period through page.js's
 * addView().
 *
 * This module owns the period: the filter form, the default dates (the
 * service's own "today"), the request and its sequence number (an older
 * answer never overwrites a newer one), and the result last shown, which
 * every part renders again when the language changes. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { formatDay, ymdParts, addDays, localToday } from './format.js';
import { zero, sumInto } from './sums.js';
import { updateScrollRegions, scrollToActivity } from './table.js';
import { setTopics, topicTitle, fillTopicSelect, addView, eachView, setStatus, renderStatus } from './page.js';
import { startLogin, savedToken, savedOrgs, showLogin, showStats, renderWhoami, fetchAuthed } from './login.js';
import * as orgs from './orgs.js';
import { renderFigures, renderWaits, renderFeedback, renderPerTopic } from './overview.js';
import { HEAT_BUSY, renderHeatmap, renderUnmet } from './demand.js';
import { renderAnswers } from './answers.js';
import { CATHOUR_BUSY, categoryList, categoriesByShare, renderCategories, renderCategoryHours } from './categories.js';
import { renderWrapups, renderHelped } from './wrapups.js';
import { renderCsv } from './csv.js';
import * as plan from './plan.js';
import * as quietShare from './quietshare.js';
import * as hours from './hours.js';
import * as rota from './rota.js';
import * as letters from './letters.js';

var t = I18N.t;
var $ = Chat.$;
var showError = Chat.showError;
var clearErrors = Chat.clearErrors;

var serverToday = null;      /* YYYY-MM-DD in the service's zone */
var result = null;           /* {buckets, questions, categories, from, to, topic} last shown */
var loadSeq = 0;
var shownCategories = [];    /* the categories of the result, most named first */

/* ---- topics, default period ---- */

function loadStatus() {
  return Chat.fetchStatus()
    .then(function (j) {
      setTopics(j.topics);
      orgs.setStatusOrgs(j);
      if (typeof j.generated === 'string' && ymdParts(j.generated.slice(0, 10))) {
        serverToday = j.generated.slice(0, 10);
      }
    })
    .catch(function () { /* topic ids are shown instead of titles */ });
}

function renderTopicSelect() {
  orgs.setMine(savedOrgs());
  orgs.fillOrgSelect();
  fillTopicSelect('topic');
}

function setDefaultPeriod() {
  var today = serverToday || localToday();
  if (!$('to').value) $('to').value = today;
  if (!$('from').value) $('from').value = addDays(today, -6);
}

/* ---- loading ---- */

function onFilterSubmit(ev) {
  ev.preventDefault();
  load();
}

function load() {
  var token = savedToken();
  if (!token) { showLogin(); return; }
  var from = $('from').value;
  var to = $('to').value;
  var topic = $('topic').value;
  var org = orgs.chosen();
  clearErrors();
  if (!ymdParts(from) || !ymdParts(to)) {
    showError(t('s.filter.invalid'));
    (ymdParts(from) ? $('to') : $('from')).focus();
    return;
  }
  if (from > to) {
    showError(t('s.filter.order'));
    $('from').focus();
    return;
  }
  var seq = ++loadSeq;
  $('show').disabled = true;
  /* what is shown is of the last period until this one's answer is in */
  $('results').setAttribute('aria-busy', 'true');
  setStatus('s.loading');
  eachView(function (v) { v.load({ from: from, to: to, topic: topic, org: org, token: token }); });
  var url = '/api/stats?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to) +
    (topic ? '&topic=' + encodeURIComponent(topic) : '') + orgs.orgParam();
  fetchAuthed(url, token, function () { return seq === loadSeq; })
    .then(function (j) {
      if (seq !== loadSeq || j === null) return;
      $('show').disabled = false;
      $('results').setAttribute('aria-busy', 'false');
      result = {
        /* of the organisation chosen (orgs.js), whatever chatd answered */
        buckets: orgs.bucketsOf(j && Array.isArray(j.buckets) ? j.buckets : []),
        questions: j && Array.isArray(j.questions) ? j.questions : [],
        categories: j && Array.isArray(j.categories) ? j.categories : [],
        until: j && typeof j.until === 'string' ? j.until : null,
        from: from, to: to, topic: topic, org: org
      };
      render();
      var shown = result;
      setStatus(untilText(shown) ? 's.loadedUntil' : 's.loaded', function () {
        return {
          from: formatDay(shown.from, { day: 'numeric', month: 'numeric', year: 'numeric' }),
          to: formatDay(shown.to, { day: 'numeric', month: 'numeric', year: 'numeric' }),
          topic: shown.topic ? topicTitle(shown.topic)
            : shown.org ? t('s.org.topics', { org: orgs.orgName(shown.org) }) : t('s.filter.all'),
          until: untilText(shown)
        };
      });
    })
    .catch(function (e) {
      if (seq !== loadSeq) return;
      $('show').disabled = false;
      $('results').setAttribute('aria-busy', 'false');
      setStatus(null);
      showError(e && e.message === '400' ? t('s.filter.invalid') : t('s.loadfail'),
        e && e.message ? e.message : null);
    });
}

/* "19:00" when the figures end before the period does: the server counts an
 * hour only once it has ended (so the running hour is not in them), and says
 * where they end as `until` (ISO, the service's local time); with the day
 * when that is not the period's last one. null when the whole period is in. */
function untilText(r) {
  if (!r.until || !ymdParts(r.until.slice(0, 10)) || !/^\d\d:\d\d$/.test(r.until.slice(11, 16))) return null;
  var day = r.until.slice(0, 10);
  var hm = r.until.slice(11, 16);
  if (day > r.to || (day === addDays(r.to, 1) && hm === '00:00')) return null;
  return day === r.to ? hm : formatDay(day, { day: 'numeric', month: 'numeric' }) + ' ' + hm;
}

/* ---- rendering ---- */

function render() {
  if (!result) return;
  var buckets = result.buckets;
  var total = zero();
  for (var i = 0; i < buckets.length; i++) sumInto(total, buckets[i]);
  $('results').hidden = false;
  $('nodata').hidden = buckets.length > 0;
  renderFigures(total);
  renderHeatmap(buckets);
  renderUnmet(buckets);
  renderWaits(total);
  renderFeedback(total);
  renderPerTopic(buckets, result.topic);
  orgs.renderPerOrg(buckets);
  renderAnswers(buckets, result.questions, result.topic);
  var cats = categoriesByShare(total, categoryList(buckets, result.categories));
  shownCategories = cats;
  renderCategories(total, cats);
  renderCategoryHours(buckets, cats);
  renderWrapups(total);
  renderHelped(total);
  renderCsv(result);
  eachView(function (v) { v.render(result); });
  updateScrollRegions();
  scrollToActivity($('heatmap'), HEAT_BUSY);
  scrollToActivity($('cathour'), CATHOUR_BUSY);
}


/* ---- start ---- */

function onLangChange() {
  document.title = t('s.title');
  renderWhoami();
  renderTopicSelect();
  renderStatus();
  if (result) render();
}

function init() {
  I18N.onChange(onLangChange);
  document.title = t('s.title');
  $('title').tabIndex = -1;
  startLogin({
    loggedIn: function () {
      renderTopicSelect();   /* the orgs of this login */
      load();
    },
    loggedOut: function () {
      result = null;
      loadSeq += 1;
    }
  });
  addView(plan.view);
  addView(quietShare.view);
  addView(hours.view);
  addView(rota.view);
  addView(letters.view);
  plan.init();
  hours.init();
  rota.init();
  $('filter-form').addEventListener('submit', onFilterSubmit);
  $('org').addEventListener('change', function () { fillTopicSelect('topic'); });
  $('cathour-cat').addEventListener('change', function () {
    if (!result) return;
    renderCategoryHours(result.buckets, shownCategories);
    updateScrollRegions();
    scrollToActivity($('cathour'), CATHOUR_BUSY);
  });
  window.addEventListener('resize', updateScrollRegions);

  var haveToken = !!savedToken();
  if (haveToken) showStats();
  else showLogin();
  setDefaultPeriod();
  loadStatus().then(function () {
    /* the service's own date decides "today" unless someone already chose dates */
    var moved = false;
    if (serverToday && !$('from').dataset.touched && !$('to').dataset.touched &&
        $('to').value !== serverToday) {
      $('to').value = serverToday;
      $('from').value = addDays(serverToday, -6);
      moved = true;
    }
    renderTopicSelect();
    /* the orgs came after the login: its org, not all the answer had */
    var orgMoved = !!result && (result.org || '') !== orgs.chosen();
    if (savedToken() && (!result || moved || orgMoved)) load();
    else if (result) render(); /* topic titles are known now */
  });
  ['from', 'to'].forEach(function (id) {
    $(id).addEventListener('input', function () { $(id).dataset.touched = '1'; });
  });
}


I18N.ready(init);
