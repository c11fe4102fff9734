/* questions.js: a topic's pre-chat questions (welcome.topics[].questions,
 * contract v2 §2), each an optional radio group with a Clear button; the
 * join carries only the answered ones. They come with the welcome only:
 * /api/status refreshes leave them as they were. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';

var t = I18N.t;
var $ = Chat.$;

var questionSets = {};         /* topic id -> its questions, from the last welcome */
var asking = null;             /* topic id whose questions are on screen */

/* The questions of each topic, from a welcome's topics. */
function setQuestions(topics) {
  questionSets = {};
  for (var i = 0; i < topics.length; i++) {
    if (Array.isArray(topics[i].questions)) questionSets[topics[i].id] = topics[i].questions;
  }
}

/* The topic whose questions are on screen, or null. */
function askingTopic() {
  return asking;
}

/* Puts topic id's questions on screen, all unanswered. */
function startAsking(id, topicTitle) {
  forgetQuestions();
  asking = id;
  renderQuestions(topicTitle);
}

/* No answers linger on the page once they are sent or given up. */
function forgetQuestions() {
  asking = null;
  $('questions').textContent = '';
}

function questionsOf(id) {
  var qs = id ? questionSets[id] : null;
  return Array.isArray(qs) ? qs : [];
}

/* The chosen answers on screen: {question id: answer id}. */
function chosenAnswers() {
  var out = {};
  var radios = $('questions').querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) {
    if (radios[i].checked) out[radios[i].getAttribute('data-question')] = radios[i].value;
  }
  return out;
}

/* Builds one fieldset per question of the topic being asked; answers
 * chosen and focus survive a rebuild (a language change, a reconnect). */
function renderQuestions(topicTitle) {
  if (!asking) return;
  var box = $('questions');
  var chosen = chosenAnswers();
  var active = document.activeElement;
  var focusId = active && box.contains(active) ? active.id : null;
  box.textContent = '';
  $('questions-topic').textContent = t('v.queue.topic', { topic: topicTitle(asking) });
  var qs = questionsOf(asking);
  for (var i = 0; i < qs.length; i++) box.appendChild(questionFieldset(qs[i], chosen[qs[i].id]));
  if (focusId && $(focusId)) $(focusId).focus();
}

function questionFieldset(q, chosen) {
  var base = 'q-' + q.id;
  var fs = document.createElement('fieldset');
  fs.className = 'question';
  fs.setAttribute('data-question', q.id);
  var legend = document.createElement('legend');
  legend.id = base + '-legend';
  legend.textContent = I18N.pick(q.text, q.id);
  fs.appendChild(legend);
  var answers = Array.isArray(q.answers) ? q.answers : [];
  for (var j = 0; j < answers.length; j++) {
    var row = document.createElement('div');
    row.className = 'check';
    var r = document.createElement('input');
    r.type = 'radio';
    r.name = base;
    r.id = base + '-' + answers[j].id;
    r.value = answers[j].id;
    r.setAttribute('data-question', q.id);
    r.checked = chosen === answers[j].id;
    r.addEventListener('change', onAnswerChange);
    var lb = document.createElement('label');
    lb.htmlFor = r.id;
    lb.textContent = I18N.pick(answers[j].label, answers[j].id);
    row.appendChild(r);
    row.appendChild(lb);
    fs.appendChild(row);
  }
  var clear = document.createElement('button');
  clear.type = 'button';
  clear.id = base + '-clear';
  clear.className = 'button small secondary q-clear';
  clear.textContent = t('v.q.clear');
  clear.setAttribute('aria-describedby', legend.id);
  clear.hidden = !chosen;
  clear.addEventListener('click', onAnswerClear);
  fs.appendChild(clear);
  return fs;
}

function onAnswerChange(ev) {
  ev.currentTarget.closest('fieldset').querySelector('.q-clear').hidden = false;
}

/* Takes the answer back: the question is unanswered again, the keyboard
 * back at its first choice. */
function onAnswerClear(ev) {
  var fs = ev.currentTarget.closest('fieldset');
  var radios = fs.querySelectorAll('input[type="radio"]');
  for (var i = 0; i < radios.length; i++) radios[i].checked = false;
  ev.currentTarget.hidden = true;
  if (radios.length) radios[0].focus();
}

export {
  setQuestions,
  askingTopic,
  startAsking,
  forgetQuestions,
  questionsOf,
  chosenAnswers,
  renderQuestions
};
