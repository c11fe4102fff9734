/* quiet.js: "quieter times" from GET /api/status/week (contract v2 §1), as
 * window.ChatQuiet. Pure: no DOM, no fetch, no clock, no page strings, so
 * that the visitor page, the statistics page and widget.js (which loads this
 * file from its own chat host, as it runs on other sites without common.js or
 * the i18n files) all use one rule, and a test can run it in node.
 *
 * The rule: an hour of the week is quiet when at least 90 % of its joins were
 * answered and its typical wait is no longer than the median typical wait of
 * all the hours the week lists (those open with at least 5 joins). The
 * median is of the topic's own hours, so a topic that is never quick still
 * gets its better half named; an hour nobody was answered in (wait null) is
 * never quiet.
 *
 * The phrases: quiet hours of a day that follow each other make a range
 * ("14–16" is 14:00 to 16:00); weekdays in a row with the same range make one
 * phrase ("Mon–Thu 14–16"). At most MAX_PHRASES, the largest (days × hours)
 * kept, shown in week order. */
(function (root) {
  'use strict';

  var MIN_ANSWERED_SHARE = 0.9;
  var MAX_PHRASES = 3;

  function median(xs) {
    var s = xs.slice().sort(function (a, b) { return a - b; });
    var m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  function validHour(h) {
    return h && h.dow >= 1 && h.dow <= 7 && h.hour >= 0 && h.hour <= 23 &&
      Math.floor(h.dow) === h.dow && Math.floor(h.hour) === h.hour;
  }

  /* The quiet hours of week.hours as a set: {"dow/hour": true} (dow 1 =
   * Monday .. 7, local hours as the daemon sends them). */
  function quietSet(hours) {
    var list = Array.isArray(hours) ? hours.filter(validHour) : [];
    var waits = list.map(function (h) { return h.typical_wait_s; })
      .filter(function (w) { return typeof w === 'number' && w >= 0; });
    var out = {};
    if (!waits.length) return out;
    var mid = median(waits);
    list.forEach(function (h) {
      if (typeof h.answered_share === 'number' && h.answered_share >= MIN_ANSWERED_SHARE &&
          typeof h.typical_wait_s === 'number' && h.typical_wait_s <= mid) {
        out[h.dow + '/' + h.hour] = true;
      }
    });
    return out;
  }

  /* The quiet hours of week.hours grouped into at most max (default 3)
   * phrases [{from: dow, to: dow, start: hour, end: hour (exclusive, 24 =
   * midnight)}], in week order; [] when no hour is quiet. */
  function quietTimes(hours, max) {
    var quiet = quietSet(hours);
    /* each day's runs of consecutive quiet hours, keyed "start-end" */
    var runs = {};
    var keys = [];
    for (var d = 1; d <= 7; d++) {
      for (var h = 0; h < 24; h++) {
        if (!quiet[d + '/' + h] || (h > 0 && quiet[d + '/' + (h - 1)])) continue;
        var end = h + 1;
        while (end < 24 && quiet[d + '/' + end]) end++;
        var k = h + '-' + end;
        if (!runs[k]) { runs[k] = []; keys.push(k); }
        runs[k].push(d);
      }
    }
    /* days in a row with the same run make one phrase */
    var phrases = [];
    keys.forEach(function (run) {
      var se = run.split('-').map(Number);
      var days = runs[run];
      for (var i = 0; i < days.length; i++) {
        var j = i;
        while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
        phrases.push({ from: days[i], to: days[j], start: se[0], end: se[1] });
        i = j;
      }
    });
    var size = function (p) { return (p.to - p.from + 1) * (p.end - p.start); };
    var inWeek = function (a, b) { return a.from - b.from || a.start - b.start; };
    phrases.sort(function (a, b) { return size(b) - size(a) || inWeek(a, b); });
    return phrases.slice(0, max || MAX_PHRASES).sort(inWeek);
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  /* The phrases as text in locale: "Mon–Thu 14–16, Sat 10–12" (weekday
   * names from Intl: "ma–to 14–16", "mån–tors 14–16"). */
  function quietText(phrases, locale) {
    var day = function (dow) {
      /* 2024-01-01 was a Monday */
      var date = new Date(Date.UTC(2024, 0, dow));
      try {
        return new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(date);
      } catch (e) {
        return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][dow - 1];
      }
    };
    return phrases.map(function (p) {
      var days = p.from === p.to ? day(p.from) : day(p.from) + '\u2013' + day(p.to);
      return days + ' ' + pad2(p.start) + '\u2013' + pad2(p.end);
    }).join(', ');
  }

  var api = { quietSet: quietSet, quietTimes: quietTimes, quietText: quietText };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ChatQuiet = api;
})(typeof window !== 'undefined' ? window : this);
