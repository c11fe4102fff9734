/* feedback.js: the visitor's feedback after a chat (contract v2 §4): a 1-5
 * score, "did it help" and "would you contact us again", each an optional
 * radio group that can be cleared again. Send takes only what was chosen;
 * with nothing chosen it sends nothing (the daemon takes one feedback per
 * chat, so an empty one would only use it up). Until the answer comes a
 * second Send waits. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';

var t = I18N.t;
var $ = Chat.$;

var sock = null;
var endedChat = function () { return null; };
var feedbackRef = null;

/* The feedback form (contract v2 §4): a 1-5 score, "did it help" and
 * "would you contact us again", each an optional radio group that can be
 * cleared again. Send takes only what was chosen; with nothing chosen it
 * sends nothing (the daemon takes one feedback per chat, so an empty one
 * would only use it up). */
function feedbackControls() {
  return $('feedback').querySelectorAll('input, button');
}

function setFeedbackEnabled(on) {
  var c = feedbackControls();
  for (var i = 0; i < c.length; i++) c[i].disabled = !on;
}

function resetFeedback() {
  feedbackRef = null;
  $('feedback-thanks').textContent = '';
  $('feedback').hidden = !endedChat();
  setFeedbackEnabled(true);
  var radios = $('feedback').querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  var clears = $('feedback').querySelectorAll('.fb-clear');
  for (i = 0; i < clears.length; i++) clears[i].hidden = true;
  labelScores();
}

function labelScores() {
  var r = $('feedback').querySelectorAll('input[data-score]');
  for (var i = 0; i < r.length; i++) {
    r[i].setAttribute('aria-label', t('v.feedback.score', { n: r[i].getAttribute('data-score') }));
  }
}

/* The chosen answers as feedback fields: {score?, helped?, again?}. */
function feedbackChoice() {
  var out = {};
  var chosen = $('feedback').querySelectorAll('input[type="radio"]:checked');
  for (var i = 0; i < chosen.length; i++) {
    var v = chosen[i].value;
    if (chosen[i].name === 'fb-score') out.score = Number(v);
    else if (chosen[i].name === 'fb-helped') out.helped = v;
    else if (chosen[i].name === 'fb-again') out.again = v === 'yes';
  }
  return out;
}

function onFeedbackChange(ev) {
  ev.target.closest('fieldset').querySelector('.fb-clear').hidden = false;
  $('feedback-thanks').textContent = '';
}

/* Takes one answer back, the keyboard back at the group's first choice. */
function onFeedbackClear(ev) {
  var fs = ev.currentTarget.closest('fieldset');
  var radios = fs.querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  ev.currentTarget.hidden = true;
  if (radios.length) radios[0].focus();
}

function onFeedbackSubmit(ev) {
  ev.preventDefault();
  var chat = endedChat();
  if (!chat || feedbackRef !== null) return;
  var req = feedbackChoice();
  if (!Object.keys(req).length) {
    $('feedback-thanks').textContent = t('v.feedback.empty');
    return;
  }
  req.type = 'feedback';
  req.chat = chat;
  req.ref = feedbackRef = 'fb' + sock.nextRef();
  if (!sock.send(req)) feedbackRef = null;
}

/* Sent (or refused for good): the form goes, its note stays, and the
 * keyboard goes on to the next thing to do rather than to the page's top.
 * Until then a second Send waits (feedbackRef). */
function feedbackDone(key) {
  if ($('feedback').contains(document.activeElement)) $('again').focus();
  setFeedbackEnabled(false);
  $('feedback').hidden = true;
  $('feedback-thanks').textContent = t(key);
}

/* The ack of the feedback sent: true when m was it. */
function feedbackAcked(m) {
  if (m.ref === undefined || m.ref !== feedbackRef) return false;
  feedbackRef = null;
  feedbackDone('v.feedback.thanks');
  return true;
}

/* An error about the feedback sent: true when it is said here (given
 * already, or more than 15 minutes after the end), false when the page's
 * error box should say it. */
function feedbackRefused(m) {
  if (m.ref === undefined || m.ref !== feedbackRef) return false;
  feedbackRef = null;
  if (m.code !== 'bad_state') return false;
  feedbackDone('v.feedback.late');
  return true;
}

/* The connection went: an unanswered feedback may be sent again. */
function feedbackLost() {
  feedbackRef = null;
}

/* sock: the page's socket; chat() the id of the chat that ended, which the
 * feedback is about, or null. */
function initFeedback(theSock, chat) {
  sock = theSock;
  endedChat = chat;
  labelScores();
  $('feedback').addEventListener('submit', onFeedbackSubmit);
  $('feedback').addEventListener('change', onFeedbackChange);
  var clears = $('feedback').querySelectorAll('.fb-clear');
  for (var i = 0; i < clears.length; i++) clears[i].addEventListener('click', onFeedbackClear);
}

export {
  initFeedback,
  resetFeedback,
  labelScores,
  feedbackAcked,
  feedbackRefused,
  feedbackLost
};
