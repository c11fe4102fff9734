/* attention.js: telling the visitor that something happened while they may
 * not be looking (contract v3 §1): a polite live region (#announce) for
 * screen readers, the tab's title (changed, and back when the tab comes to
 * the front, or after a while when it was there already), and an optional short tone. The tone is off until the visitor
 * turns it on with #queue-sound (a person hiding a chat from others in the
 * room must never be given away by a sound they did not ask for); it is
 * made with Web Audio, so no sound file is loaded. Nothing here is stored:
 * a new tab starts silent. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';

var TITLE_SEEN_MS = 10000;     /* a visible tab's changed title goes back after this */

var t = I18N.t;
var $ = Chat.$;

var soundOn = false;
var audio = null;
var titleKey = null;           /* the i18n key shown before the page's title, or null */
var titleTimer = null;

/* The tab's title as it should be now. */
var orgName = '';              /* the page's organisation (?org=), or '' */

function renderTitle() {
  var base = orgName ? t('v.title') + ' – ' + orgName : t('v.title');
  document.title = titleKey ? t(titleKey) + ' – ' + base : base;
}

/* The organisation named in the tab's title after the page's own. */
function setTitleOrg(name) {
  if (name === orgName) return;
  orgName = name;
  renderTitle();
}

function titleBack() {
  if (titleTimer) window.clearTimeout(titleTimer);
  titleTimer = null;
  if (titleKey === null) return;
  titleKey = null;
  renderTitle();
}

/* Shows key before the page's title until the visitor has seen the tab:
 * at once when it becomes visible, or TITLE_SEEN_MS after now when it is. */
function flagTitle(key) {
  titleKey = key;
  renderTitle();
  if (titleTimer) window.clearTimeout(titleTimer);
  titleTimer = document.hidden ? null : window.setTimeout(titleBack, TITLE_SEEN_MS);
}

/* Two short soft notes, only when the visitor turned the sound on. */
function tone() {
  if (soundOn && audio) Chat.playTones(audio, [523, 784], 0.2, 0.16);
}

/* The checkbox changed: made on its click, the audio context may play later. */
function onSoundChange(ev) {
  soundOn = ev.currentTarget.checked;
  if (!soundOn || audio) return;
  try {
    audio = new (window.AudioContext || window.webkitAudioContext)();
  } catch (e) {
    audio = null;
  }
}

/* Reads text out to screen readers (the live region #announce). */
function announce(text) {
  $('announce').textContent = text;
}

/* A worker answered: said, shown in the title, sounded when asked for. */
function chatStarted(name) {
  announce(t('v.announce.started', { name: name }));
  flagTitle('v.title.started');
  tone();
}

/* A message from the worker: only while the tab is in the background (in
 * front, the log's own live region says it). */
function messageCame() {
  if (!document.hidden) return;
  flagTitle('v.title.msg');
  tone();
}

function initAttention() {
  $('queue-sound').checked = false;   /* a reloaded page starts silent too */
  $('queue-sound').addEventListener('change', onSoundChange);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) titleBack();   /* seen */
  });
  renderTitle();
}

export {
  initAttention,
  renderTitle,
  setTitleOrg,
  announce,
  chatStarted,
  messageCame
};
