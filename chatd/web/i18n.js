/* i18n.js: the languages of the visitor page, the worker console and the
 * coordinators' statistics page, and the few helpers the pages need to show
 * them.
 *
 * The strings live in one file per language, /i18n/CODE.json: the language's
 * own "name", its "dir" ("ltr" or "rtl"), an optional BCP 47 "locale" for
 * dates and numbers, and "strings". chatd lists the files at GET /api/langs,
 * so a new file is a new language on every page without a code change. All
 * listed files are loaded before a page starts (as many bytes as the one
 * table of before), so switching language stays instant.
 *
 * Markup asks for a string with data-i18n="key" (text content) or
 * data-i18n-attr="attr:key;attr:key" (attributes). Scripts use I18N.t(key, vars),
 * where "{name}" in a string is replaced by vars.name. A string missing in a
 * language falls back to English, a missing key shows the key itself.
 * Pages start through I18N.ready(fn) and mark where the language menu goes
 * with data-lang-menu. The chosen language lives only in
 * sessionStorage, like everything else here. */

var FALLBACK = 'en';
var STORE_KEY = 'chat.lang';
var tables = {};               /* code -> the language's file */
var listeners = [];

/* Until the strings are in, <main> stays invisible (style.css): no flash of
 * English, or of the wrong direction. The top bar, with quick exit, does not wait. */
document.documentElement.classList.add('i18n-loading');

function storageGet(key) {
  try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
}

function storageSet(key, value) {
  try { window.sessionStorage.setItem(key, value); } catch (e) { /* private mode: ignore */ }
}

function getJson(url) {
  return window.fetch(url, { credentials: 'same-origin' }).then(function (r) {
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  });
}

function codes() {
  return I18N.langs.map(function (l) { return l.code; });
}

/* The saved choice, else the first of the browser's languages we have
 * (exactly, then by its primary subtag: "sv-FI" finds "sv"), else English. */
function detect() {
  var have = codes();
  var lower = have.map(function (c) { return c.toLowerCase(); });
  var saved = storageGet(STORE_KEY);
  if (saved && have.indexOf(saved) >= 0) return saved;
  var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
  var i, j;
  for (i = 0; i < prefs.length; i++) {
    j = lower.indexOf(String(prefs[i]).toLowerCase());
    if (j >= 0) return have[j];
  }
  for (i = 0; i < prefs.length; i++) {
    var primary = String(prefs[i]).toLowerCase().split('-')[0];
    for (j = 0; j < lower.length; j++) {
      if (lower[j].split('-')[0] === primary) return have[j];
    }
  }
  return have.indexOf(FALLBACK) >= 0 ? FALLBACK : have[0] || FALLBACK;
}

function strings(code) {
  return tables[code] ? tables[code].strings : {};
}

/* The language list, then every listed file; a file that does not load is
 * left out of the menu. Never rejects: at worst the keys show. */
function load() {
  return getJson('/api/langs')
    .then(function (j) { return j && Array.isArray(j.langs) ? j.langs : []; })
    .catch(function () { return [{ code: FALLBACK, name: 'English', dir: 'ltr' }]; })
    .then(function (list) {
      return Promise.all(list.map(function (l) {
        return getJson('/i18n/' + encodeURIComponent(l.code) + '.json')
          .then(function (f) {
            if (f && f.strings && typeof f.strings === 'object') tables[l.code] = f;
          })
          .catch(function () { /* left out */ });
      })).then(function () {
        I18N.langs = list.filter(function (l) { return !!tables[l.code]; });
      });
    })
    .then(function () { I18N.lang = detect(); });
}

function domReady() {
  return new Promise(function (resolve) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve);
    else resolve();
  });
}

/* Intl formatters are slow to make (each looks its locale up) and quick to
 * use; the statistics page formats thousands of numbers and days. One per
 * kind, locale and options, made on first use. */
var formatters = new Map();

var I18N = {
  langs: [],                   /* [{code, name, dir}] as listed by /api/langs and loaded */
  lang: FALLBACK,

  /* Runs fn once the strings are loaded, the page is parsed and translated. */
  ready: function (fn) {
    loaded.then(fn);
  },

  /* The string for key in the current language with {name} placeholders filled. */
  t: function (key, vars) {
    var s = strings(I18N.lang)[key];
    if (s === undefined) s = strings(FALLBACK)[key];
    if (s === undefined) return key;
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, name) {
        return vars[name] === undefined || vars[name] === null ? m : String(vars[name]);
      });
    }
    return s;
  },

  /* Whether a key exists (used to pick friendly texts for error codes). */
  has: function (key) {
    return Object.prototype.hasOwnProperty.call(strings(FALLBACK), key);
  },

  /* BCP 47 locale used for dates and numbers. */
  locale: function () {
    var f = tables[I18N.lang];
    return f && typeof f.locale === 'string' ? f.locale : I18N.lang;
  },

  /* A formatter of kind (Intl.NumberFormat, Intl.DateTimeFormat,
   * Intl.PluralRules, Intl.ListFormat) for the current locale and opts; it
   * throws as the constructor does. */
  intl: function (Kind, opts) {
    var locale = I18N.locale();
    var key = Kind.name + ' ' + locale + ' ' + JSON.stringify(opts || {});
    var f = formatters.get(key);
    if (!f) {
      f = new Kind(locale, opts);
      formatters.set(key, f);
    }
    return f;
  },

  /* "ltr" or "rtl", the current language's direction. */
  dir: function () {
    var f = tables[I18N.lang];
    return f && f.dir === 'rtl' ? 'rtl' : 'ltr';
  },

  /* A title object {fi, sv, en} in the current language, falling back sensibly. */
  pick: function (obj, fallback) {
    if (!obj || typeof obj !== 'object') return fallback || '';
    return obj[I18N.lang] || obj[I18N.lang.split('-')[0]] || obj.en || obj.fi || obj.sv || fallback || '';
  },

  /* An ISO-8601 time as local, readable text ("Mon 22.11. 09:00"). */
  formatTime: function (iso, withDay) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var opts = { hour: '2-digit', minute: '2-digit' };
    if (withDay) {
      opts.weekday = 'short';
      opts.day = 'numeric';
      opts.month = 'numeric';
    }
    try {
      return I18N.intl(Intl.DateTimeFormat, opts).format(d);
    } catch (e) {
      return d.toLocaleString();
    }
  },

  /* An ISO-8601 time as a moment a person plans by: "today at 17:00",
   * "tomorrow at 17:00" or "Mon 8.12. at 17:00", by the days of this
   * browser's calendar. todayKey words a time today (or earlier) instead of
   * 'time.today': 'time.clock' gives the bare clock, as in "until 20:00",
   * and 'time.at' the clock after a verb, as in "closes at 20:00". */
  formatWhen: function (iso, todayKey) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    var time = I18N.formatTime(iso, false);
    var now = new Date();
    var day0 = function (x) { return new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime(); };
    var days = Math.round((day0(d) - day0(now)) / 86400000);
    if (days <= 0) return I18N.t(todayKey || 'time.today', { time: time });
    if (days === 1) return I18N.t('time.tomorrow', { time: time });
    var day;
    try {
      day = I18N.intl(Intl.DateTimeFormat, { weekday: 'short', day: 'numeric', month: 'numeric' }).format(d);
    } catch (e) {
      day = d.toDateString();
    }
    return I18N.t('time.day', { day: day, time: time });
  },

  /* A duration in seconds as "45 s" or "3 min". */
  formatDuration: function (s) {
    s = Math.max(0, Math.round(Number(s) || 0));
    if (s < 60) return I18N.t('time.seconds', { n: s });
    return I18N.t('time.minutes', { n: Math.round(s / 60) });
  },

  /* Translate every data-i18n / data-i18n-attr element below root; for the
   * whole document also <html lang dir>. */
  apply: function (root) {
    root = root || document;
    var els = root.querySelectorAll('[data-i18n]');
    for (var i = 0; i < els.length; i++) {
      els[i].textContent = I18N.t(els[i].getAttribute('data-i18n'));
    }
    els = root.querySelectorAll('[data-i18n-attr]');
    for (i = 0; i < els.length; i++) {
      var pairs = els[i].getAttribute('data-i18n-attr').split(';');
      for (var j = 0; j < pairs.length; j++) {
        var kv = pairs[j].split(':');
        if (kv.length === 2) els[i].setAttribute(kv[0].trim(), I18N.t(kv[1].trim()));
      }
    }
    if (root === document) {
      document.documentElement.lang = I18N.lang;
      document.documentElement.dir = I18N.dir();
    }
  },

  /* Switch language, re-translate the page and tell the page's own renderers. */
  set: function (lang) {
    if (!tables[lang]) return;
    I18N.lang = lang;
    storageSet(STORE_KEY, lang);
    I18N.apply(document);
    for (var i = 0; i < listeners.length; i++) listeners[i](lang);
  },

  onChange: function (fn) {
    listeners.push(fn);
  },

  /* Builds the language menu into box: a labelled <select id="lang"> with
   * one option per language, each in its own name. */
  menu: function (box) {
    var label = document.createElement('label');
    label.htmlFor = 'lang';
    label.setAttribute('data-i18n', 'lang.label');
    label.textContent = I18N.t('lang.label');
    var select = document.createElement('select');
    select.id = 'lang';
    for (var i = 0; i < I18N.langs.length; i++) {
      var l = I18N.langs[i];
      var o = document.createElement('option');
      o.value = l.code;
      o.textContent = l.name;
      o.lang = l.code;
      o.dir = l.dir === 'rtl' ? 'rtl' : 'ltr';
      select.appendChild(o);
    }
    select.value = I18N.lang;
    select.addEventListener('change', function () { I18N.set(select.value); });
    box.textContent = '';
    box.appendChild(label);
    box.appendChild(select);
  }
};

/* Every page's language menu is an element with data-lang-menu. */
var loaded = Promise.all([load(), domReady()]).then(function () {
  var box = document.querySelector('[data-lang-menu]');
  if (box) I18N.menu(box);
  I18N.apply(document);
  document.documentElement.classList.remove('i18n-loading');
});

export { I18N };
