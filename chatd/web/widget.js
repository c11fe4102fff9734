/* widget.js: the chat availability indicator for an organisation's own site.
 *
 *   <script src="https://CHAT-HOST/widget.js" data-topic="youth" data-lang="fi" async></script>
 *
 * Puts a link to the chat right after the script tag, reading "Chat open,
 * about N min wait", "Queue full" or "Opens Mon 14:00", kept live over the
 * status.v1 WebSocket of the chat host. An open topic says honestly who is
 * there (contract v2 §1): "Chat open" when someone can answer now, "everyone is
 * busy" (with the estimate) when every slot is taken, and "nobody on
 * duty right now, you can wait" when nobody is on duty. Optional attributes:
 * data-href (the link, default the chat host's visitor page), data-target (id
 * of an element to render into instead). Styles: the element has class
 * "chatd-widget", "chatd-widget--open|full|closed" and, when open,
 * "chatd-widget--answering|busy|nobody"; the defaults below have zero
 * specificity (:where), so any rule of the host site wins. No cookies, no
 * storage.
 * data-org="ID" (contract v3 §4) is for one organisation of a federation on
 * one chat host: the widget follows that org's topics only (status.v1 on
 * /ws?org=ID), data-topic picks among them (else the org's first), and the
 * link (by default the org's visitor page, /?org=ID) starts with the org's name in span.chatd-widget__org (the name in the
 * words' language, as chatd.ini gives it). An org the host does not know:
 * chatd closes the socket, and the widget shows nothing.
 * A closed, full or busy topic also names its quieter times in the link
 * ("Quieter times: Mon–Thu 14–16", in span.chatd-widget__quiet): the first
 * time it is needed, the widget loads quiet.js (the rule the chat's own pages
 * use) from the chat host and GET /api/status/week once; an empty week says
 * nothing.
 * The words are the chat's own (the avail.* strings of its i18n files, from
 * GET /api/words?lang=, in the language asked for or English): the widget
 * has none of its own, so the link appears only once the words and the
 * topic's status are both known, and not at all while the words cannot be
 * had (asked again whenever the status socket opens).
 * A topic full only because of the join cut-off (`full_reason: cutoff`,
 * contract v3 §1) is not "Queue full", which would send a young person to
 * try again in vain: it says until when new chats were taken
 * ("avail.cutoff") and when the chat opens again; from a server whose words
 * lack "avail.cutoff", only when it opens again ("avail.opens"), else that
 * it is closed. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var topic = script.getAttribute('data-topic');
  var org = script.getAttribute('data-org');
  if (org && !/^[a-z0-9_]{1,32}$/.test(org)) org = null;
  var orgNames = null;   /* the org's name {fi, sv, en} from the status, or null */
  var noOrg = false;     /* the host knows no such org: nothing to show */
  /* an explicit data-lang as written, else the host page's primary language */
  var lang = script.getAttribute('data-lang') ||
    (document.documentElement.lang || 'fi').split('-')[0].toLowerCase();
  /* The words (the avail.* strings of the chat's own i18n files, from GET
   * /api/words) and the language the server answered in (English for one
   * it does not have): null until they come. */
  var words = null;
  var wordsLang = lang;
  var wordsAsked = false;

  var el = document.createElement('a');
  el.className = 'chatd-widget chatd-widget--closed';
  el.href = script.getAttribute('data-href') || origin + '/' + (org ? '?org=' + org : '');
  el.setAttribute('aria-live', 'polite');
  var target = script.getAttribute('data-target') && document.getElementById(script.getAttribute('data-target'));

  try {
    var style = document.createElement('style');
    style.textContent =
      ':where(.chatd-widget){display:inline-block;padding:.4em .8em;border-radius:.4em;color:#fff;' +
      'font:inherit;text-decoration:none;background:#5b5b5b}' +
      ':where(.chatd-widget--open){background:#1d6b3a}:where(.chatd-widget--full){background:#8a4b00}' +
      ':where(.chatd-widget--busy){background:#8a4b00}:where(.chatd-widget--nobody){background:#3d4b5c}' +
      ':where(.chatd-widget):focus-visible{outline:3px solid #1a4d8f;outline-offset:2px}' +
      ':where(.chatd-widget__quiet){display:block;font-size:.9em}' +
      ':where(.chatd-widget__org){display:block;font-weight:bold}';
    document.head.appendChild(style);
  } catch (e) { /* a strict CSP on the host site: the link stays unstyled */ }

  function when(iso) {
    var d = new Date(iso);
    return new Intl.DateTimeFormat(wordsLang, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
  }

  /* The word key with {name} filled from vars; '' when the server has none. */
  function word(key, vars) {
    var s = words && typeof words[key] === 'string' ? words[key] : '';
    return s.replace(/\{(\w+)\}/g, function (m, name) {
      return vars && vars[name] !== undefined ? String(vars[name]) : m;
    });
  }

  /* Asks for the words once per connection until they come; a failure
   * leaves the widget saying nothing (see show()) and is asked again when
   * the status socket opens again. */
  function loadWords() {
    if (words || wordsAsked || !window.fetch) return;
    wordsAsked = true;
    window.fetch(origin + '/api/words?lang=' + encodeURIComponent(lang), { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !j.words || typeof j.words !== 'object') throw new Error('no words');
        words = j.words;
        if (typeof j.lang === 'string' && j.lang) wordsLang = j.lang;
        show();
      })
      .catch(function () { wordsAsked = false; });
  }

  /* The clock time of iso ("19:55"), in the words' language. */
  function clock(iso) {
    var d = new Date(iso);
    return new Intl.DateTimeFormat(wordsLang, { hour: '2-digit', minute: '2-digit' }).format(d);
  }

  /* Of a topic past its join cut-off: what will help, never "full". */
  function cutoffText(t) {
    var again = t.next_open ? word('avail.opens', { t: when(t.next_open) }) : '';
    if (t.joins_until && words && typeof words['avail.cutoff'] === 'string') {
      return word('avail.cutoff', { t: clock(t.joins_until) }) + (again ? '. ' + again : '');
    }
    return again || word('avail.closed');
  }

  function minutes(s) {
    return String(Math.max(1, Math.ceil(s / 60)));
  }

  /* Of an open topic: answering (a free slot now), busy (every slot taken),
   * nobody (nobody on duty), or open (an older server that does not say). */
  function availability(t) {
    if (t.staffed === false) return 'nobody';
    if (t.answering === true) return 'answering';
    if (t.answering === false) return 'busy';
    return 'open';
  }

  /* The topic's quieter times: null until asked, then 'loading', then the
   * phrases ([] when there are none or they cannot be had). */
  var quiet = null;
  var shown = null;   /* the topic last received */
  var offline = false;   /* the status socket is closed */

  function loadQuiet() {
    quiet = 'loading';
    var done = function (phrases) {
      quiet = phrases;
      show();
    };
    var week = window.fetch(origin + '/api/status/week?topic=' + encodeURIComponent(topic || shown.id),
      { credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; });
    var code = new Promise(function (resolve, reject) {
      if (window.ChatQuiet) { resolve(); return; }
      var s = document.createElement('script');
      s.src = origin + '/quiet.js';
      s.async = true;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
    Promise.all([week, code]).then(function (r) {
      done(r[0] && Array.isArray(r[0].hours) && window.ChatQuiet ? window.ChatQuiet.quietTimes(r[0].hours) : []);
    }).catch(function () { done([]); });
  }

  /* "Quieter times: ..." for a topic that is closed, full or busy, or ''. */
  function quietText(t, avail) {
    if (t.state === 'open' && avail !== 'busy' && avail !== 'nobody') return '';
    if (quiet === null && window.fetch && window.Promise) loadQuiet();
    if (!Array.isArray(quiet) || !quiet.length) return '';
    return word('avail.quiet', { t: window.ChatQuiet.quietText(quiet, wordsLang) });
  }

  /* The element is on the page only while it has something true to say:
   * not before both the words and the status are known, and not when the
   * words cannot be had (a link with no text, or a text of our own that
   * may not be the chat's, would be worse than none). */
  function place(on) {
    if (on && !el.parentNode) {
      if (target) target.appendChild(el); else script.parentNode.insertBefore(el, script.nextSibling);
    } else if (!on && el.parentNode) {
      el.parentNode.removeChild(el);
    }
  }

  /* Renders what is known: the topic last received, or that the status is
   * not available (offline); nothing until the words are in. */
  /* The org's name in the words' language, or ''. */
  function orgName() {
    if (!orgNames) return '';
    var base = wordsLang.split('-')[0];
    return orgNames[wordsLang] || orgNames[base] || orgNames.en || orgNames.fi || orgNames.sv || '';
  }

  /* With data-org, the org's name first in the link. */
  function addOrg() {
    var name = orgName();
    if (!name) return;
    var span = document.createElement('span');
    span.className = 'chatd-widget__org';
    span.textContent = name;
    el.insertBefore(span, el.firstChild);
    el.insertBefore(document.createTextNode(' '), span.nextSibling);
  }

  function show() {
    if (noOrg || !words || (!shown && !offline)) { place(false); return; }
    var text;
    if (offline) {
      el.className = 'chatd-widget chatd-widget--closed';
      text = word('avail.offline');
      el.textContent = text;
      if (text) addOrg();
      place(!!text);
      return;
    }
    var t = shown;
    var state = t.state, cls = 'chatd-widget chatd-widget--' + state, avail = null;
    if (state === 'open') {
      avail = availability(t);
      var wait = typeof t.estimated_wait_s === 'number' ? { n: minutes(t.estimated_wait_s) } : null;
      if (avail === 'nobody') text = word('avail.nobody');
      else if (avail === 'busy') text = wait ? word('avail.busyWait', wait) : word('avail.busy');
      else if (avail === 'answering') text = word('avail.open');   /* a free slot now: no wait to speak of */
      else text = wait ? word('avail.wait', wait) : word('avail.open');
      if (avail !== 'open') cls += ' chatd-widget--' + avail;
    } else if (state === 'full' && t.full_reason === 'cutoff') {
      cls += ' chatd-widget--cutoff';
      text = cutoffText(t);
    } else if (state === 'full') {
      text = word('avail.full');
    } else {
      text = t.next_open ? word('avail.opens', { t: when(t.next_open) }) : word('avail.closed');
    }
    el.className = cls;
    el.textContent = text;
    place(!!text);
    if (!text) return;
    addOrg();
    var q = quietText(t, avail);
    if (q) {
      var span = document.createElement('span');
      span.className = 'chatd-widget__quiet';
      span.textContent = ' ' + q;   /* a space to read, should the host make it inline */
      el.appendChild(span);
    }
  }

  function render(t) {
    shown = t;
    offline = false;
    show();
  }

  function pick(topics) {
    for (var i = 0; i < topics.length; i++) {
      if (!topic || topics[i].id === topic) return topics[i];
    }
    return null;
  }

  /* The org's name from a status's `orgs` (chatd names orgs only when its
   * config has [org] sections). */
  function takeOrg(m) {
    if (!org || !Array.isArray(m.orgs)) return;
    for (var i = 0; i < m.orgs.length; i++) {
      if (m.orgs[i] && m.orgs[i].id === org && m.orgs[i].name && typeof m.orgs[i].name === 'object') {
        orgNames = m.orgs[i].name;
      }
    }
  }

  var delay = 1000;
  function connect() {
    var ws = new WebSocket(origin.replace(/^http/, 'ws') + '/ws' + (org ? '?org=' + org : ''), 'status.v1');
    ws.onopen = loadWords;
    ws.onmessage = function (ev) {
      delay = 1000;
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === 'error' && m.code === 'not_found' && org) {
        noOrg = true;   /* no such org on this host: asking again will not help */
        show();
        return;
      }
      if (m.type === 'status' && m.topics) {
        takeOrg(m);
        var t = pick(m.topics);
        if (t) render(t);
      }
    };
    ws.onclose = function () {
      if (noOrg) return;
      offline = true;
      show();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }
  loadWords();
  connect();
})();
