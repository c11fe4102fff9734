/* queue.js: the queues of the topics the worker is on duty for (the
 * server's `queue_state`): how many wait, how many of them urgent, the
 * longest wait, and Pick where the topic is not handed out automatically. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import * as Staff from './staff.js';
import { sock } from './shared.js';
import { topicTitle } from './duty.js';

var t = I18N.t;
var $ = Chat.$;
var clearErrors = Chat.clearErrors;

var queueState = null;

function onQueueState(m) {
  queueState = Array.isArray(m.topics) ? m.topics : [];
  renderQueue();
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
  var list = document.createElement('ul');
  list.className = 'queue-list';
  for (var i = 0; i < queueState.length; i++) {
    var qs = queueState[i];
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
    if (waiting > 0 && qs.mode !== 'auto') {
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
  box.appendChild(list);
}

function onPick(ev) {
  clearErrors();
  sock.send({ type: 'pick', topic: ev.currentTarget.getAttribute('data-topic'), ref: sock.nextRef() });
}

/* Off duty or logged out: no queue to show. */
function forgetQueue() {
  queueState = null;
}

export {
  onQueueState,
  renderQueue,
  forgetQueue
};
