/* topiclist.js: the visitor's list of topics, one button each. Each open
 * topic says honestly what to expect (contract v2 §1): someone can answer
 * now, everyone on duty is busy (with the estimate), or nobody is on duty
 * at all; a topic that is closed, full or busy names its quieter times
 * (quiet.js's rule over GET /api/status/week, fetched once per page load).
 * Contract v3 §1: an open topic says when it closes; a topic full because
 * of the join cut-off (`full_reason: cutoff`) is not "full": it says until
 * when new chats were taken, when the chat closes and when it is open
 * again, since only a later time can help; a full queue says that places
 * free up. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as ChatQuiet from '../quiet-rule.js';

var QUIET_WAIT_S = 600;        /* an estimate this long makes a topic busy */

var t = I18N.t;
var $ = Chat.$;

var weeks = {};                /* topic id -> its quiet-time phrases, 'loading' or [] */
var weekCame = function () {};

/* The topic buttons in #topics (keeping the focus on the same topic), with
 * note (an i18n key or '') above them; onClick(ev) on each. */
function renderTopicList(topics, note, onClick) {
  var box = $('topics');
  var active = document.activeElement;
  var focused = active && box.contains(active) ? active.getAttribute('data-topic') : null;
  box.textContent = '';
  var noteEl = $('topics-note');
  noteEl.textContent = note ? t(note) : '';
  noteEl.hidden = !note;
  $('topics-none').hidden = topics.length > 0;
  for (var i = 0; i < topics.length; i++) {
    var tp = topics[i];
    var state = tp.state === 'open' || tp.state === 'full' ? tp.state : 'closed';
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'topic topic-' + state;
    b.setAttribute('data-topic', tp.id);
    var title = document.createElement('span');
    title.className = 'topic-title';
    title.textContent = I18N.pick(tp.title, tp.id);
    var st = document.createElement('span');
    st.className = 'topic-state';
    var badge = document.createElement('span');
    var cutoff = state === 'full' && tp.full_reason === 'cutoff';
    badge.className = 'badge badge-' + state;
    badge.textContent = cutoff ? t('v.topic.cutoff') : t('v.topic.' + state);
    if (cutoff) b.className += ' topic-cutoff';
    st.appendChild(badge);
    var avail = state === 'open' ? availability(tp) : null;
    if (avail) {
      b.className += ' topic-' + avail;
      badge.className += ' badge-' + avail;
    }
    var detail = '';
    if (state === 'closed' && tp.next_open) {
      detail = t('v.topic.opens', { time: I18N.formatTime(tp.next_open, true) });
    } else if (avail === 'open' && typeof tp.estimated_wait_s === 'number' && tp.estimated_wait_s >= 60) {
      detail = t('v.topic.wait', { wait: I18N.formatDuration(tp.estimated_wait_s) });
    }
    if (detail) {
      var d = document.createElement('span');
      d.className = 'topic-detail';
      d.textContent = detail;
      st.appendChild(d);
    }
    b.appendChild(title);
    b.appendChild(st);
    var say = avail ? availText(tp) : '';
    if (state === 'full') say = cutoff ? cutoffText(tp) : (tp.full_reason === 'queue' ? t('v.topic.full.queue') : '');
    if (say) {
      var a = document.createElement('span');
      a.className = state === 'full' ? 'topic-avail topic-why' : 'topic-avail';
      a.textContent = say;
      b.appendChild(a);
    }
    if (state === 'open' && tp.closes_at) {
      var cl = document.createElement('span');
      cl.className = 'topic-closes';
      cl.textContent = t('v.topic.closes', { when: I18N.formatWhen(tp.closes_at, 'time.clock') });
      b.appendChild(cl);
    }
    var quiet = quietLine(tp, state, avail);
    if (quiet) {
      var q = document.createElement('span');
      q.className = 'topic-quiet';
      q.textContent = quiet;
      b.appendChild(q);
    }
    b.addEventListener('click', onClick);
    box.appendChild(b);
    if (focused === tp.id) b.focus();
  }
}

/* Why a topic takes no new chats although inside its hours, from
 * {joins_until, closes_at, next_open} (a status topic or a queue_full
 * error): "New chats were taken until 19:55. The chat closes at 20:00.
 * It is open again tomorrow at 17:00." */
function cutoffText(info) {
  var parts = [];
  if (info.joins_until && info.closes_at) {
    parts.push(t('v.topic.cutoff.until', {
      until: I18N.formatWhen(info.joins_until, 'time.clock'),
      closes: I18N.formatWhen(info.closes_at, 'time.at')
    }));
  } else if (info.joins_until) {
    parts.push(t('v.topic.cutoff.only', { until: I18N.formatWhen(info.joins_until, 'time.clock') }));
  } else if (info.closes_at) {
    parts.push(t('v.queue.closes', { when: I18N.formatWhen(info.closes_at) }));
  }
  if (info.next_open) parts.push(t('v.topic.reopens', { when: I18N.formatWhen(info.next_open) }));
  return parts.length ? parts.join(' ') : t('v.topic.cutoff') + '.';
}

/* What a visitor can expect of an open topic (contract v2 §1): 'answering'
 * (an on-duty worker has a free slot now), 'busy' (on duty, every slot
 * taken), 'nobody' (open, but nobody on duty) or 'open' (the daemon does
 * not say). */
function availability(tp) {
  if (tp.staffed === false) return 'nobody';
  if (tp.answering === true) return 'answering';
  if (tp.answering === false) return 'busy';
  return 'open';
}

/* The sentence under an open topic; '' when there is nothing to add. */
function availText(tp) {
  switch (availability(tp)) {
    case 'answering': return t('v.avail.answering');
    case 'nobody': return t('v.avail.nobody');
    case 'busy':
      if (typeof tp.estimated_wait_s !== 'number') return t('v.avail.busy');
      return t('v.avail.busy.wait', { wait: I18N.formatDuration(Math.max(60, tp.estimated_wait_s)) });
    default: return '';
  }
}

/* A topic that is closed, full or busy names its quieter times (contract
 * v2 §1), as text in the button so that it is read with it; '' while the
 * week is being fetched or has no quiet hour. */
function quietLine(tp, state, avail) {
  var busy = state !== 'open' || avail === 'busy' || avail === 'nobody' ||
    (avail === 'open' && typeof tp.estimated_wait_s === 'number' && tp.estimated_wait_s >= QUIET_WAIT_S);
  if (!busy) return '';
  var times = weeks[tp.id];
  if (times === undefined) fetchWeek(tp.id);
  if (!Array.isArray(times) || !times.length) return '';
  return t('v.quiet', { times: ChatQuiet.quietText(times, I18N.locale()) });
}

/* The topic's week, once per page load (it changes hourly). */
function fetchWeek(id) {
  weeks[id] = 'loading';
  window.fetch('/api/status/week?topic=' + encodeURIComponent(id), { credentials: 'omit' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (j) {
      weeks[id] = j && Array.isArray(j.hours) ? ChatQuiet.quietTimes(j.hours) : [];
      if (weeks[id].length) weekCame();
    })
    .catch(function () { weeks[id] = []; });
}

/* fn() when a topic's quiet hours came (the list may want them now). */
function onQuietWeek(fn) {
  weekCame = fn;
}

export {
  renderTopicList,
  cutoffText,
  onQuietWeek
};
