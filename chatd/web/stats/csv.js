/* csv.js: the period's hourly buckets as a CSV download, built here from
 * the same JSON, with the columns in the order the buckets have them
 * (chatadmin's). */
import * as Chat from '../common.js';
import { FIELDS } from './sums.js';

var $ = Chat.$;

var csvUrl = null;

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

function renderCsv(result) {
  var buckets = result.buckets;
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = URL.createObjectURL(new Blob([buildCsv(buckets)], { type: 'text/csv;charset=utf-8' }));
  var a = $('csv');
  a.href = csvUrl;
  a.setAttribute('download', 'chatd-stats-' + result.from + '-' + result.to +
    (result.topic ? '-' + result.topic : '') + '.csv');
}

export {
  renderCsv
};
