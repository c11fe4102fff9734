/* queue.js: the queues of the topics the worker is on duty for (the
 * server's `queue_state`): how many wait, how many of them urgent, the
 * longest wait, and Pick where the topic is not handed out automatically.
 * Contract v3 §1: queue_state also names every other topic (`others`),
 * each with its state and how many are on duty (`on_duty`): the transfer
 * menu reads them (topicInfo()), and visitors waiting where nobody is on
 * duty are listed under the worker's own queues, so that someone sees
 * them. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { sock } from './shared.js';
import { topicTitle } from './duty.js';

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;

var queueState = null;
var otherTopics = [];          /* queue_state.others: the topics not on our duty */

function onQueueState(m) {
  queueState = Array.isArray(m.topics) ? m.topics : [];
  otherTopics = Array.isArray(m.others) ? m.others : [];
  renderQueue();
}

/* What the last queue_state says of topic id ({id, open, state,
 * on_duty, waiting, ...}), or null. */
function topicInfo(id) {
  var all = (queueState || []).concat(otherTopics);
  for (var i = 0; i < all.length; i++) {
    if (all[i] && all[i].id === id) return all[i];
  }
  return null;
}

function renderQueue() {
  var box = $('queue');
  box.textContent = '';
  if (!queueState) {
    var p = document.createElement('p');
    p.className = 'muted';
    p.textContent = t('c.queue.hint');
    box.appendChild(p);
    return;
  }
  box.appendChild(queueList(queueState, true));
  /* waits nobody serves: nobody is on duty for their topic */
  var unserved = otherTopics.filter(function (o) {
    return o && Number(o.waiting) > 0 && o.on_duty === 0;
  });
  if (unserved.length) {
    var h = document.createElement('h3');
    h.className = 'queue-unserved-heading';
    h.textContent = t('c.queue.unserved');
    box.appendChild(h);
    var ul = queueList(unserved, false);
    ul.className += ' queue-unserved';
    box.appendChild(ul);
  }
}

/* One list item per topic of topics (queue_state entries); own: the
 * worker's duty topics, where Pick may be offered. */
function queueList(topics, own) {
  var list = document.createElement('ul');
  list.className = 'queue-list';
  for (var i = 0; i < topics.length; i++) {
    var qs = topics[i];
    var waiting = Number(qs.waiting) || 0;
    var li = document.createElement('li');
    li.setAttribute('data-topic', qs.id);
    if (waiting > 0) li.className = 'has-waiting';
    var title = document.createElement('span');
    title.className = 'queue-title';
    title.textContent = topicTitle(qs.id);
    li.appendChild(title);
    if (!qs.open) {
      var closed = document.createElement('span');
      closed.className = 'badge badge-closed';
      closed.textContent = t('c.queue.closed');
      li.appendChild(closed);
    }
    var facts = document.createElement('span');
    facts.className = 'queue-facts';
    var w = document.createElement('span');
    w.className = 'queue-waiting';
    w.textContent = t('c.queue.waiting', { n: waiting });
    facts.appendChild(w);
    var urgent = Number(qs.urgent_waiting) || 0;
    if (urgent > 0) {
      li.className += ' has-urgent';
      facts.appendChild(Staff.mark('queue-urgent', '\u26a0', t('c.queue.urgent', { n: urgent })));
    }
    if (waiting > 0) {
      var l = document.createElement('span');
      l.className = 'queue-longest';
      l.textContent = t('c.queue.longest', { wait: I18N.formatDuration(qs.longest_wait_s) });
      facts.appendChild(l);
    }
    li.appendChild(facts);
    if (own && waiting > 0 && qs.mode !== 'auto') {
      /* in an auto topic the server hands chats out; pick would be bad_state */
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'button small secondary queue-pick';
      b.setAttribute('data-topic', qs.id);
      b.textContent = t('c.queue.pick');
      b.addEventListener('click', onPick);
      li.appendChild(b);
    }
    list.appendChild(li);
  }
  return list;
}

function onPick(ev) {
  clearErrors();
  sock.send({ type: 'pick', topic: ev.currentTarget.getAttribute('data-topic'), ref: sock.nextRef() });
}

/* Off duty or logged out: no queue to show. */
function forgetQueue() {
  queueState = null;
  otherTopics = [];
}

export {
  onQueueState,
  topicInfo,
  renderQueue,
  forgetQueue
};
