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
 * A closed, full or busy topic also names its quieter times in the link
 * ("Quieter times: Mon–Thu 14–16", in span.chatd-widget__quiet): the first
 * time it is needed, the widget loads quiet.js (the rule the chat's own pages
 * use) from the chat host and GET /api/status/week once; an empty week says
 * nothing. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var topic = script.getAttribute('data-topic');
  var lang = (script.getAttribute('data-lang') || document.documentElement.lang || 'fi').slice(0, 2);
  if (['fi', 'sv', 'en'].indexOf(lang) < 0) lang = 'en';
  var TEXT = {
    fi: { open: 'Chat auki', wait: 'Chat auki, jonossa noin {n} min', full: 'Jono on täynnä',
          busy: 'Chat auki, kaikki päivystäjät varattuja', busyWait: 'Chat auki, kaikki päivystäjät varattuja, jonossa noin {n} min',
          nobody: 'Chat auki, mutta kukaan ei päivystä juuri nyt – voit jäädä odottamaan',
          closed: 'Chat on kiinni', opens: 'Aukeaa {t}', offline: 'Chatin tila ei ole saatavilla',
          quiet: 'Rauhallisempia aikoja: {t}' },
    sv: { open: 'Chatten är öppen', wait: 'Chatten är öppen, ca {n} min kö', full: 'Kön är full',
          busy: 'Chatten är öppen, alla är upptagna', busyWait: 'Chatten är öppen, alla är upptagna, ca {n} min kö',
          nobody: 'Chatten är öppen, men ingen har jour just nu – du kan vänta',
          closed: 'Chatten är stängd', opens: 'Öppnar {t}', offline: 'Chattens läge är inte tillgängligt',
          quiet: 'Lugnare tider: {t}' },
    en: { open: 'Chat open', wait: 'Chat open, about {n} min wait', full: 'Queue full',
          busy: 'Chat open, everyone is busy', busyWait: 'Chat open, everyone is busy, about {n} min wait',
          nobody: 'Chat open, but nobody is on duty right now – you can wait',
          closed: 'Chat closed', opens: 'Opens {t}', offline: 'Chat status not available',
          quiet: 'Quieter times: {t}' }
  }[lang];

  var el = document.createElement('a');
  el.className = 'chatd-widget chatd-widget--closed';
  el.href = script.getAttribute('data-href') || origin + '/';
  el.setAttribute('aria-live', 'polite');
  el.textContent = TEXT.offline;
  var target = script.getAttribute('data-target') && document.getElementById(script.getAttribute('data-target'));
  if (target) target.appendChild(el); else script.parentNode.insertBefore(el, script.nextSibling);

  try {
    var style = document.createElement('style');
    style.textContent =
      ':where(.chatd-widget){display:inline-block;padding:.4em .8em;border-radius:.4em;color:#fff;' +
      'font:inherit;text-decoration:none;background:#5b5b5b}' +
      ':where(.chatd-widget--open){background:#1d6b3a}:where(.chatd-widget--full){background:#8a4b00}' +
      ':where(.chatd-widget--busy){background:#8a4b00}:where(.chatd-widget--nobody){background:#3d4b5c}' +
      ':where(.chatd-widget):focus-visible{outline:3px solid #1a4d8f;outline-offset:2px}' +
      ':where(.chatd-widget__quiet){display:block;font-size:.9em}';
    document.head.appendChild(style);
  } catch (e) { /* a strict CSP on the host site: the link stays unstyled */ }

  function when(iso) {
    var d = new Date(iso);
    return new Intl.DateTimeFormat(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
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
  var shown = null;   /* the topic last rendered */

  function loadQuiet() {
    quiet = 'loading';
    var done = function (phrases) {
      quiet = phrases;
      if (shown) render(shown);
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
    return TEXT.quiet.replace('{t}', window.ChatQuiet.quietText(quiet, lang));
  }

  function render(t) {
    shown = t;
    var state = t.state, text, cls = 'chatd-widget chatd-widget--' + state, avail = null;
    if (state === 'open') {
      avail = availability(t);
      var wait = typeof t.estimated_wait_s === 'number';
      if (avail === 'nobody') text = TEXT.nobody;
      else if (avail === 'busy') text = wait ? TEXT.busyWait.replace('{n}', minutes(t.estimated_wait_s)) : TEXT.busy;
      else if (avail === 'answering') text = TEXT.open;   /* a free slot now: no wait to speak of */
      else text = wait ? TEXT.wait.replace('{n}', minutes(t.estimated_wait_s)) : TEXT.open;
      if (avail !== 'open') cls += ' chatd-widget--' + avail;
    } else if (state === 'full') {
      text = TEXT.full;
    } else {
      text = t.next_open ? TEXT.opens.replace('{t}', when(t.next_open)) : TEXT.closed;
    }
    el.className = cls;
    el.textContent = text;
    var q = quietText(t, avail);
    if (q) {
      var span = document.createElement('span');
      span.className = 'chatd-widget__quiet';
      span.textContent = ' ' + q;   /* a space to read, should the host make it inline */
      el.appendChild(span);
    }
  }

  function pick(topics) {
    for (var i = 0; i < topics.length; i++) {
      if (!topic || topics[i].id === topic) return topics[i];
    }
    return null;
  }

  var delay = 1000;
  function connect() {
    var ws = new WebSocket(origin.replace(/^http/, 'ws') + '/ws', 'status.v1');
    ws.onmessage = function (ev) {
      delay = 1000;
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === 'status' && m.topics) {
        var t = pick(m.topics);
        if (t) render(t);
      }
    };
    ws.onclose = function () {
      el.className = 'chatd-widget chatd-widget--closed';
      el.textContent = TEXT.offline;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }
  connect();
})();
