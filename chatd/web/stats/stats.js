/* stats.js: the coordinators' statistics page.
 *
 * Login goes over worker.v1 like the console: the password is sent once, the
 * welcome's token is kept in sessionStorage ('stats.token', never
 * localStorage) and the socket is closed again; only coordinators and admins
 * keep it. Everything else is GET /api/stats with that token as a Bearer
 * header: hourly buckets per topic, which this page adds up into a
 * weekday × hour heatmap of joins against the opening hours, the hours with
 * the most unmet demand, answer rate, waiting time and feedback distributions,
 * totals per topic (with the urgent joins) and, per topic, how often each
 * pre-chat answer was chosen (the q_QID_AID counters, labelled through the
 * body's `questions`). After the chat (contract v2 §4, §5): the wrap-ups'
 * contact categories by share and by weekday × hour (cat_ID, labelled through
 * the body's `categories` where it has them, else by their ids), their kinds
 * with the share of silent, test and prank contacts, the mean wrap-up time,
 * and the visitors' "did it help" and "would contact again" answers.
 * The CSV download is built here from the same JSON, with the columns in the
 * order the buckets have them (chatadmin's).
 * A count chatd hid for being under --min-count comes as the text "<K": it
 * adds nothing to a sum, and a sum with such a part says so.
 *
 * Other views of the same period (stats/plan.js: when to open;
 * stats/quietshare.js: joins in quiet hours) register with StatsPage.view():
 * load(query) when a period is asked for, render(result) whenever this page
 * renders, clear() when the token goes; they use the helpers below.
 *
 * Bucket hours are the service's local time ("2026-11-23T10:00:00+02:00"):
 * weekday and hour are read from the text itself, never converted into the
 * browser's time zone. No style attributes are written (CSP style-src 'self'):
 * colours are classes, bar lengths are SVG attributes. */
(function () {
  'use strict';

  var TOKEN_KEY = 'stats.token';
  var WHO_KEY = 'stats.who';
  var LOGIN_TIMEOUT_MS = 20000;

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
      'again_no']);

  /* Wrap-up kinds and the visitors' answers after a chat: counter and label. */
  var KINDS = [
    ['kind_counselling', 's.kind.counselling'], ['kind_information', 's.kind.information'],
    ['kind_silent', 's.kind.silent'], ['kind_test', 's.kind.test'], ['kind_prank', 's.kind.prank'],
    ['kind_abusive', 's.kind.abusive']
  ];
  /* not a conversation: the "noise" share of the wrap-ups */
  var NOISE = ['kind_silent', 'kind_test', 'kind_prank'];
  /* the cells of the categories' weekday × hour table with something in them */
  var CATHOUR_BUSY = 'td[data-n]:not([data-n="0"])';
  var HELPED = [['helped_yes', 's.helped.yes'], ['helped_somewhat', 's.helped.somewhat'],
    ['helped_no', 's.helped.no']];
  var AGAIN = [['again_yes', 's.again.yes'], ['again_no', 's.again.no']];

  var t = I18N.t;
  var $ = Chat.$;
  var store = Chat.store;
  var stored = Chat.stored;
  var showError = Chat.showError;
  var clearErrors = Chat.clearErrors;

  var topicList = [];          /* from /api/status */
  var serverToday = null;      /* YYYY-MM-DD in the service's zone */
  var result = null;           /* {buckets, questions, categories, from, to, topic} last shown */
  var loadSeq = 0;
  var csvUrl = null;
  var shownCategories = [];    /* the categories of the result, most named first */
  var loginBusy = false;
  var views = [];              /* see StatsPage.view() */

  /* ---- storage ---- */

  function who() {
    try { return JSON.parse(stored(WHO_KEY) || 'null'); } catch (e) { return null; }
  }

  /* ---- formatting ---- */

  function nf(n, opts) {
    try {
      return new Intl.NumberFormat(I18N.locale(), opts).format(n);
    } catch (e) {
      return String(n);
    }
  }

  function num(n) { return nf(n || 0); }

  function pct(part, whole) {
    return whole > 0 ? nf(part / whole, { style: 'percent', maximumFractionDigits: 1 }) : t('s.none');
  }

  function hoursText(seconds) {
    return t('s.hours', { n: nf(seconds / 3600, { maximumFractionDigits: 1 }) });
  }

  function avgDuration(sum, count) {
    return count > 0 ? I18N.formatDuration(sum / count) : t('s.none');
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  function ymdParts(ymd) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  }

  function ymdOf(date) {
    return date.getUTCFullYear() + '-' + pad2(date.getUTCMonth() + 1) + '-' + pad2(date.getUTCDate());
  }

  function addDays(ymd, days) {
    var p = ymdParts(ymd);
    return ymdOf(new Date(Date.UTC(p[0], p[1] - 1, p[2] + days)));
  }

  function localToday() {
    var d = new Date();
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
  }

  /* A calendar date, formatted in the page's language without any time zone shift. */
  function formatDay(ymd, opts) {
    var p = ymdParts(ymd);
    if (!p) return ymd;
    var o = { timeZone: 'UTC' };
    for (var k in opts) if (Object.prototype.hasOwnProperty.call(opts, k)) o[k] = opts[k];
    try {
      return new Intl.DateTimeFormat(I18N.locale(), o).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
    } catch (e) {
      return ymd;
    }
  }

  /* Monday = 0 .. Sunday = 6; 2024-01-01 was a Monday. */
  function weekdayName(i, style) {
    return formatDay(addDays('2024-01-01', i), { weekday: style });
  }

  /* "2026-11-23T10:00:00+02:00" -> {day: "2026-11-23", hour: 10, dow: 0}. */
  function parseHour(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})/.exec(iso || '');
    if (!m) return null;
    var d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return { day: m[1] + '-' + m[2] + '-' + m[3], hour: Number(m[4]), dow: (d.getUTCDay() + 6) % 7 };
  }

  function hourRange(h, withMinutes) {
    var end = (h + 1) % 24;
    return withMinutes ? pad2(h) + ':00–' + pad2(end) + ':00' : pad2(h) + '–' + pad2(end);
  }

  /* A bucket's hour as "ma 23.11.2026" (part 'day') or "10:00–11:00" (part 'time'). */
  function hourLabel(iso, part) {
    var p = parseHour(iso);
    if (!p) return part === 'day' ? iso : '';
    if (part === 'time') return hourRange(p.hour, true);
    return formatDay(p.day, { weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric' });
  }

  function topicTitle(id) {
    return Chat.topicTitle(topicList, id);
  }

  /* ---- DOM helpers ---- */

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

  /* Scroll containers are focusable only while they scroll (keyboard users can then scroll them). */
  function updateScrollRegions() {
    var regions = document.querySelectorAll('.table-scroll');
    for (var i = 0; i < regions.length; i++) {
      if (regions[i].scrollWidth > regions[i].clientWidth + 1) regions[i].tabIndex = 0;
      else regions[i].removeAttribute('tabindex');
    }
  }

  /* ---- status ---- */

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

  /* ---- views ---- */

  function showLogin() {
    Chat.showLogin(true, 'stats-view');
    setStatus(null);
  }

  function showStats() {
    Chat.showLogin(false, 'stats-view');
    renderWhoami();
  }

  function renderWhoami() {
    Chat.whoami(stored(TOKEN_KEY) ? who() : null);
  }

  /* ---- login / logout over worker.v1 ---- */

  function setLoginBusy(on) {
    loginBusy = on;
    $('login-submit').disabled = on;
  }

  /* One worker.v1 socket for one exchange (no reconnect): on.open(sock),
   * on.message(m, sock), on.close(). */
  function oneShot(on) {
    var sock = new Chat.Socket('worker.v1', {
      open: function () { on.open(sock); },
      message: function (m) { on.message(m, sock); },
      close: function () { if (on.close) on.close(); }
    });
    sock.connect();
    return sock;
  }

  function onLoginSubmit(ev) {
    ev.preventDefault();
    if (loginBusy) return;
    var f = Chat.loginFields();
    if (!f) return;
    clearErrors();
    setLoginBusy(true);
    var done = false;
    var sock = null;
    var timer = window.setTimeout(function () { fail(); }, LOGIN_TIMEOUT_MS);

    function finish() {
      done = true;
      window.clearTimeout(timer);
      setLoginBusy(false);
    }

    /* no answer (m undefined) or a refusal */
    function fail(m) {
      if (done) return;
      finish();
      if (sock) sock.close();
      showLogin();
      if (m) {
        Chat.loginRefused(m);
        return;
      }
      showError(t('s.login.noconn'));
      $('login-password').value = '';
      $('login-password').focus();
    }

    sock = oneShot({
      open: function (s) {
        s.send({ type: 'login', user: f.user, password: f.password, ref: 'login' });
        f = null;
      },
      message: function (m, s) {
        if (m.ref !== 'login' || done) return;
        if (m.type === 'welcome') {
          if (m.role !== 'coordinator' && m.role !== 'admin') {
            /* revoke the token this login made: a worker has nothing to do here */
            s.send({ type: 'logout', scope: 'this', ref: 'logout' });
            finish();
            window.setTimeout(function () { s.close(); }, 2000);
            showLogin();
            showError(t('s.login.forbidden'));
            $('login-password').value = '';
            $('login-user').focus();
            return;
          }
          finish();
          store(TOKEN_KEY, m.token);
          store(WHO_KEY, JSON.stringify({ user: m.user, alias: m.alias, role: m.role }));
          s.close(1000);
          $('login-password').value = '';
          showStats();
          $('title').focus();
          load();
        } else if (m.type === 'error') {
          fail(m);
        }
      },
      close: function () { fail(); }
    });
  }

  /* Forgets the token here and revokes it in the daemon (best effort): only
   * this page's token, so the same person's console tabs stay logged in. */
  function logout() {
    var token = stored(TOKEN_KEY);
    store(TOKEN_KEY, null);
    store(WHO_KEY, null);
    result = null;
    loadSeq += 1;
    views.forEach(function (v) { v.clear(); });
    clearErrors();
    showLogin();
    $('results').hidden = true;
    $('login-user').focus();
    if (!token) return;
    var sock = oneShot({
      open: function (s) { s.send({ type: 'login', token: token, ref: 'l' }); },
      message: function (m, s) {
        if (m.type === 'welcome') s.send({ type: 'logout', scope: 'this', ref: 'o' });
        else if (m.type === 'error') s.close();
      }
    });
    window.setTimeout(function () { sock.close(); }, 5000);
  }

  /* Token gone stale or wrong role: back to the login form. */
  function needLogin(key) {
    views.forEach(function (v) { v.clear(); });
    store(TOKEN_KEY, null);
    store(WHO_KEY, null);
    $('results').hidden = true;
    showLogin();
    showError(t(key));
  }

  /* ---- topics, default period ---- */

  function loadStatus() {
    return Chat.fetchStatus()
      .then(function (j) {
        topicList = j.topics;
        if (typeof j.generated === 'string' && ymdParts(j.generated.slice(0, 10))) {
          serverToday = j.generated.slice(0, 10);
        }
      })
      .catch(function () { /* topic ids are shown instead of titles */ });
  }

  function renderTopicSelect() {
    var sel = $('topic');
    var keep = sel.value;
    sel.textContent = '';
    var all = el('option', null, t('s.filter.all'));
    all.value = '';
    sel.appendChild(all);
    for (var i = 0; i < topicList.length; i++) {
      var o = el('option', null, topicTitle(topicList[i].id));
      o.value = topicList[i].id;
      sel.appendChild(o);
    }
    sel.value = keep;
    if (sel.value !== keep) sel.value = '';
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
    var token = stored(TOKEN_KEY);
    if (!token) { showLogin(); return; }
    var from = $('from').value;
    var to = $('to').value;
    var topic = $('topic').value;
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
    setStatus('s.loading');
    views.forEach(function (v) { v.load({ from: from, to: to, topic: topic, token: token }); });
    var url = '/api/stats?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to) +
      (topic ? '&topic=' + encodeURIComponent(topic) : '');
    window.fetch(url, {
      cache: 'no-store',
      credentials: 'omit',
      headers: { Authorization: 'Bearer ' + token }
    })
      .then(function (r) {
        if (seq !== loadSeq) return null;
        if (r.status === 401) { needLogin('c.login.expired'); return null; }
        if (r.status === 403) { needLogin('s.login.forbidden'); return null; }
        if (r.status === 400) throw new Error('400');
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (j) {
        if (seq !== loadSeq || j === null) return;
        $('show').disabled = false;
        result = {
          buckets: j && Array.isArray(j.buckets) ? j.buckets : [],
          questions: j && Array.isArray(j.questions) ? j.questions : [],
          categories: j && Array.isArray(j.categories) ? j.categories : [],
          from: from, to: to, topic: topic
        };
        render();
        setStatus('s.loaded', function () {
          return {
            from: formatDay(result.from, { day: 'numeric', month: 'numeric', year: 'numeric' }),
            to: formatDay(result.to, { day: 'numeric', month: 'numeric', year: 'numeric' }),
            topic: result.topic ? topicTitle(result.topic) : t('s.filter.all')
          };
        });
      })
      .catch(function (e) {
        if (seq !== loadSeq) return;
        $('show').disabled = false;
        setStatus(null);
        showError(e && e.message === '400' ? t('s.filter.invalid') : t('s.loadfail'),
          e && e.message ? e.message : null);
      });
  }

  /* ---- sums ---- */

  /* Adds every counter of bucket (or sum) b into acc; a hidden one ("<K")
   * is remembered in acc.hidden[field] = K instead. */
  function sumInto(acc, b) {
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
    renderPerTopic(buckets);
    renderAnswers(buckets);
    var cats = categoriesByShare(total, categoryList(buckets));
    shownCategories = cats;
    renderCategories(total, cats);
    renderCategoryHours(buckets, cats);
    renderWrapups(total);
    renderHelped(total);
    renderCsv(buckets);
    views.forEach(function (v) { v.render(result); });
    updateScrollRegions();
    scrollToActivity($('heatmap'), 'td.heat-open, td[data-joins]:not([data-joins="0"])');
    scrollToActivity($('cathour'), CATHOUR_BUSY);
  }

  /* On a narrow screen a weekday × hour table starts at the first hour with
   * something in it (busy: its cells' selector), not at midnight (the
   * earlier hours are a swipe away). */
  function scrollToActivity(table, busy) {
    var box = table.parentNode;
    box.scrollLeft = 0;
    if (box.scrollWidth <= box.clientWidth + 1) return;
    var first = 24;
    var cells = table.querySelectorAll(busy);
    for (var i = 0; i < cells.length; i++) {
      first = Math.min(first, Number(cells[i].getAttribute('data-hour')));
    }
    if (first === 24 || first === 0) return;
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

  function renderFigures(s) {
    var dl = $('figures');
    dl.textContent = '';
    dl.appendChild(figure('fig-joins', t('s.k.joins'), num(s.joins)));
    dl.appendChild(figure('fig-answer-rate', t('s.k.answer_rate'), pct(s.answered, s.queued),
      t('s.k.answer_rate.detail', { answered: num(s.answered), queued: num(s.queued) })));
    dl.appendChild(figure('fig-abandoned', t('s.k.abandoned'), num(s.abandoned)));
    dl.appendChild(figure('fig-refused', t('s.k.refused'), num(s.refused_closed + s.refused_full),
      t('s.k.refused.detail', { closed: num(s.refused_closed), full: num(s.refused_full) })));
    dl.appendChild(figure('fig-wait', t('s.k.wait'), avgDuration(s.wait_answered_s, s.answered)));
    dl.appendChild(figure('fig-urgent', t('s.k.urgent'), countText(s, 'urgent'),
      s.queued > 0 && !s.hidden.urgent ? t('s.k.urgent.detail', { share: pct(s.urgent, s.queued) }) : null));
    dl.appendChild(figure('fig-chats', t('s.k.chats'), num(s.chats),
      s.chats > 0 ? t('s.k.chat_len', { len: avgDuration(s.chat_s, s.chats) }) : null));
    dl.appendChild(figure('fig-staffed', t('s.k.staffed'), hoursText(s.staffed_s),
      s.open_s > 0 ? t('s.k.staffed.detail', { share: pct(s.staffed_s, s.open_s) }) : null));
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

  function renderHeatmap(buckets) {
    var joins = [];
    var open = [];
    var d, h;
    for (d = 0; d < 7; d++) {
      joins.push([]);
      open.push([]);
      for (h = 0; h < 24; h++) { joins[d].push(0); open[d].push(false); }
    }
    for (var i = 0; i < buckets.length; i++) {
      var p = parseHour(buckets[i].hour);
      if (!p) continue;
      joins[p.dow][p.hour] += Number(buckets[i].joins) || 0;
      if (Number(buckets[i].open_s) > 0) open[p.dow][p.hour] = true;
    }
    var max = 0;
    var peak = null;
    for (d = 0; d < 7; d++) {
      for (h = 0; h < 24; h++) {
        if (joins[d][h] > max) { max = joins[d][h]; peak = { d: d, h: h }; }
      }
    }

    var table = $('heatmap');
    var body = weekTable(table, t('s.heat.caption'));
    for (d = 0; d < 7; d++) {
      var tr = weekRow(d);
      for (h = 0; h < 24; h++) {
        var n = joins[d][h];
        var level = n > 0 ? Math.max(1, Math.ceil((n / max) * 5)) : 0;
        var td = el('td', 'heat-' + level + (open[d][h] ? ' heat-open' : ''));
        td.setAttribute('data-day', String(d));
        td.setAttribute('data-hour', String(h));
        td.setAttribute('data-joins', String(n));
        td.title = t(open[d][h] ? 's.heat.cell.open' : 's.heat.cell',
          { day: weekdayName(d, 'short'), hour: hourRange(h, false), n: num(n) });
        if (n > 0) td.appendChild(el('span', 'heat-n', num(n)));
        else td.appendChild(hidden(num(0)));
        if (open[d][h]) td.appendChild(hidden(', ' + t('s.heat.open')));
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    $('heat-peak').textContent = peak
      ? t('s.heat.peak', { when: weekdayName(peak.d, 'long') + ' ' + hourRange(peak.h, true), n: num(max) })
      : '';
  }

  function renderUnmet(buckets) {
    var byHour = {};
    var keys = [];
    for (var i = 0; i < buckets.length; i++) {
      var b = buckets[i];
      var k = b.hour;
      if (!byHour[k]) { byHour[k] = zero(); keys.push(k); }
      sumInto(byHour[k], b);
    }
    var rows = [];
    for (i = 0; i < keys.length; i++) {
      var s = byHour[keys[i]];
      var unmet = s.refused_closed + s.refused_full + s.abandoned;
      if (unmet > 0) rows.push({ hour: keys[i], unmet: unmet, s: s });
    }
    rows.sort(function (a, b2) {
      return b2.unmet - a.unmet || (a.hour < b2.hour ? -1 : a.hour > b2.hour ? 1 : 0);
    });
    rows = rows.slice(0, 10);
    var table = $('unmet');
    table.textContent = '';
    $('unmet-none').hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    if (!rows.length) return;
    table.appendChild(el('caption', 'visually-hidden', t('s.unmet.heading')));
    var head = el('tr');
    ['s.col.hour', 's.col.unmet', 's.col.refused_closed', 's.col.refused_full', 's.col.abandoned',
      's.col.open', 's.col.staffed'].forEach(function (key, j) {
      head.appendChild(cell('th', t(key), j > 0 && j < 5 ? 'num' : null));
    });
    table.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    rows.forEach(function (r) {
      var tr = el('tr');
      var when = rowHeader(null);
      when.appendChild(el('span', 'when-day', hourLabel(r.hour, 'day')));
      when.appendChild(document.createTextNode(' '));
      when.appendChild(el('span', 'when-time', hourLabel(r.hour, 'time')));
      tr.appendChild(when);
      tr.appendChild(el('td', 'num strong', num(r.unmet)));
      tr.appendChild(el('td', 'num', num(r.s.refused_closed)));
      tr.appendChild(el('td', 'num', num(r.s.refused_full)));
      tr.appendChild(el('td', 'num', num(r.s.abandoned)));
      tr.appendChild(el('td', null, t(r.s.open_s > 0 ? 's.yes' : 's.no')));
      tr.appendChild(el('td', null, t(r.s.staffed_s > 0 ? 's.yes' : 's.no')));
      body.appendChild(tr);
    });
    table.appendChild(body);
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
      ? t('s.fb.avg', { avg: nf(fb.avg, { minimumFractionDigits: 1, maximumFractionDigits: 1 }), n: num(fb.n) })
      : t('s.fb.none');
  }

  /* Sums per topic: {ids: [topic ids], sums: {id: sum}}; every configured
   * topic in the selection is there, also with nothing in it. */
  function perTopic(buckets) {
    var sums = {};
    var ids = [];
    var i;
    for (i = 0; i < topicList.length; i++) {
      if (!result.topic || result.topic === topicList[i].id) {
        ids.push(topicList[i].id);
        sums[topicList[i].id] = zero();
      }
    }
    for (i = 0; i < buckets.length; i++) {
      var id = buckets[i].topic;
      if (!sums[id]) { sums[id] = zero(); ids.push(id); }
      sumInto(sums[id], buckets[i]);
    }
    return { ids: ids, sums: sums };
  }

  function renderPerTopic(buckets) {
    var pt = perTopic(buckets);
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
      ['wait_avg', 's.col.wait_avg', function (s) { return avgDuration(s.wait_answered_s, s.answered); }],
      ['chats', 's.col.chats', function (s) { return num(s.chats); }],
      ['open_h', 's.col.open_h', function (s) { return nf(s.open_s / 3600, { maximumFractionDigits: 1 }); }],
      ['staffed_h', 's.col.staffed_h', function (s) { return nf(s.staffed_s / 3600, { maximumFractionDigits: 1 }); }],
      ['feedback_avg', 's.col.feedback_avg', function (s) {
        var fb = feedbackAverage(s);
        return fb.n ? nf(fb.avg, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : t('s.none');
      }]
    ];
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

  /* The questions asked in topic (those without a topic list everywhere). */
  function questionsIn(topic) {
    return result.questions.filter(function (q) {
      return q && typeof q.id === 'string' && (!Array.isArray(q.topics) || q.topics.indexOf(topic) >= 0);
    });
  }

  /* Per topic with questions, a small table: question, answer, how often
   * (and its share of that question's answers), from the q_QID_AID sums. */
  function renderAnswers(buckets) {
    var pt = perTopic(buckets);
    var box = $('answers');
    box.textContent = '';
    var shown = 0;
    pt.ids.forEach(function (tid) {
      var qs = questionsIn(tid);
      if (!qs.length) return;
      shown += 1;
      var s = pt.sums[tid];
      var h = el('h3', 'answers-topic', topicTitle(tid));
      h.id = 'answers-' + tid;
      box.appendChild(h);
      var scroll = el('div', 'table-scroll');
      scroll.setAttribute('role', 'region');
      scroll.setAttribute('aria-labelledby', h.id);
      var table = el('table', 'data bars answers-table');
      table.setAttribute('data-topic', tid);
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
      scroll.appendChild(table);
      box.appendChild(scroll);
    });
    $('answers-none').hidden = shown > 0;
  }

  /* ---- after the chat: wrap-ups and the visitors' answers ---- */

  /* "mental_health" -> "Mental health": a category's name when the body
   * does not label it. */
  function prettyId(id) {
    var text = String(id).replace(/_+/g, ' ').trim();
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /* The wrap-up categories: those the body's `categories` lists (with
   * labels), in its order, then any other cat_ID the buckets carry (one no
   * longer configured, or a daemon that does not list them). [{id, label}] */
  function categoryList(buckets) {
    var out = [];
    var seen = {};
    result.categories.forEach(function (c) {
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

  function kindFields() {
    return KINDS.map(function (k) { return k[0]; });
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
    table.appendChild(body);
    var foot = el('tr');
    foot.appendChild(rowHeader(t('s.kinds.sent')));
    foot.appendChild(el('td', null, groupText(s, kindFields())));
    table.appendChild(el('tfoot')).appendChild(foot);
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
        /* the chosen counters as one: {n, hidden: {n: K}} for countText */
        var s = week[d][h];
        var v = { n: 0, hidden: {} };
        fields.forEach(function (f) {
          v.n += s[f] || 0;
          if (s.hidden[f]) v.hidden.n = Math.max(v.hidden.n || 0, s.hidden[f]);
        });
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
    table.appendChild(body);
    var foot = el('tr');
    foot.appendChild(rowHeader(t('s.kinds.sent')));
    foot.appendChild(el('td', null, groupText(s, kindFields())));
    table.appendChild(el('tfoot')).appendChild(foot);

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
      say.push(t('s.helped.summary', {
        share: pct(s.helped_yes + s.helped_somewhat, helped), n: num(helped)
      }));
    }
    if (again > 0) say.push(t('s.again.summary', { share: pct(s.again_yes, again), n: num(again) }));
    if (helped === 0 && again === 0) say.push(t('s.helped.none'));
    $('helped-summary').textContent = say.join(' ');
  }

  /* ---- CSV ---- */

  function csvField(v) {
    var s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* The columns: those of the buckets, in their order (chatadmin's), or
   * the known ones when there is no bucket. */
  function csvColumns(buckets) {
    var cols = ['topic', 'hour'];
    var seen = { topic: true, hour: true };
    for (var i = 0; i < buckets.length; i++) {
      for (var k in buckets[i]) {
        if (Object.prototype.hasOwnProperty.call(buckets[i], k) && !seen[k]) {
          seen[k] = true;
          cols.push(k);
        }
      }
    }
    return cols.length > 2 ? cols : cols.concat(FIELDS);
  }

  function buildCsv(buckets) {
    var cols = csvColumns(buckets);
    var lines = [cols.join(',')];
    for (var i = 0; i < buckets.length; i++) {
      var row = [];
      for (var j = 0; j < cols.length; j++) row.push(csvField(buckets[i][cols[j]]));
      lines.push(row.join(','));
    }
    return lines.join('\n') + '\n';
  }

  function renderCsv(buckets) {
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = URL.createObjectURL(new Blob([buildCsv(buckets)], { type: 'text/csv;charset=utf-8' }));
    var a = $('csv');
    a.href = csvUrl;
    a.setAttribute('download', 'chatd-stats-' + result.from + '-' + result.to +
      (result.topic ? '-' + result.topic : '') + '.csv');
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
    Chat.loginForm({ submit: onLoginSubmit, logout: logout });
    $('filter-form').addEventListener('submit', onFilterSubmit);
    $('cathour-cat').addEventListener('change', function () {
      if (!result) return;
      renderCategoryHours(result.buckets, shownCategories);
      updateScrollRegions();
      scrollToActivity($('cathour'), CATHOUR_BUSY);
    });
    window.addEventListener('resize', updateScrollRegions);

    var haveToken = !!stored(TOKEN_KEY);
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
      if (stored(TOKEN_KEY) && (!result || moved)) load();
      else if (result) render(); /* topic titles are known now */
    });
    ['from', 'to'].forEach(function (id) {
      $(id).addEventListener('input', function () { $(id).dataset.touched = '1'; });
    });
  }

  /* What the other views of this page use (see the head of this file). */
  window.StatsPage = {
    view: function (v) { views.push(v); },
    el: el, hidden: hidden, cell: cell, rowHeader: rowHeader, bar: bar, nf: nf, num: num,
    weekdayName: weekdayName, hourRange: hourRange, formatDay: formatDay, addDays: addDays,
    parseHour: parseHour, weekTable: weekTable, weekRow: weekRow, needLogin: needLogin,
    topicTitle: topicTitle, topicIds: function () { return topicList.map(function (x) { return x.id; }); },
    updateScrollRegions: updateScrollRegions, scrollToActivity: scrollToActivity
  };

  I18N.ready(init);
})();
