/* format.js: numbers, shares, durations, calendar days and hours of the
 * statistics page, in the page's language. Bucket hours are the service's
 * local time ("2026-11-23T10:00:00+02:00"): weekday and hour are read from
 * the text itself, never converted into the browser's time zone. */
import { I18N } from '../i18n.js';

var t = I18N.t;

function nf(n, opts) {
  try {
    return I18N.intl(Intl.NumberFormat, opts).format(n);
  } catch (e) {
    return String(n);
  }
}

function num(n) { return nf(n || 0); }

/* A string with a count in it, in the plural form the language wants for
 * count (issue 27). key holds the "other" form, key + '.one' the singular
 * (fi, sv and en have just these two; a language with more forms adds
 * key + '.few' and so on to every file, which keep the same keys).
 * Intl.PluralRules picks the form for the number as it is shown: opts are
 * the fraction digits handed to nf, so "1.0 slots" stays plural in English. */
function tn(key, count, vars, opts) {
  var form = 'other';
  try {
    form = I18N.intl(Intl.PluralRules, opts).select(Number(count) || 0);
  } catch (e) { /* the "other" form */ }
  return t(form !== 'other' && I18N.has(key + '.' + form) ? key + '.' + form : key, vars);
}

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
    return I18N.intl(Intl.DateTimeFormat, o).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
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

export {
  nf,
  num,
  tn,
  pct,
  hoursText,
  avgDuration,
  pad2,
  ymdParts,
  addDays,
  localToday,
  formatDay,
  weekdayName,
  parseHour,
  hourRange,
  hourLabel
};
