/* title.js: the tab's title, which counts what came while the tab was in
 * the background: "(2) Worker console", and names a new chat even with the
 * console in front: "New chat #12 · Youth chat – Worker console", until the
 * worker goes into that chat's panel (or comes back to a hidden tab).
 * Whether a new chat sounds and changes the title is the worker's choice,
 * the checkbox #newchat-alert, kept in this browser (localStorage
 * NEWCHAT_KEY, "off" or nothing: no personal data). */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';

var NEWCHAT_KEY = 'newchat.alerts';

var t = I18N.t;
var $ = Chat.$;

var baseTitle = document.title;
var unread = 0;
var fresh = null;              /* the new chat's name() while the title names it */
var chosen = null;             /* the setting as chosen in this page, where storage fails */

function compose() {
  var title = fresh ? t('c.title.new', { chat: fresh(), title: baseTitle }) : baseTitle;
  document.title = unread ? '(' + unread + ') ' + title : title;
}

/* Something new came: count it in the title while the tab is hidden. */
function notifyUnread() {
  if (!document.hidden) return;
  unread += 1;
  compose();
}

/* Whether a new chat should sound and change the title (the setting). */
function newChatAlerts() {
  if (chosen !== null) return chosen;
  try {
    return window.localStorage.getItem(NEWCHAT_KEY) !== 'off';
  } catch (e) {
    return true;
  }
}

/* A new chat came: the title names it (name() gives the words) until the
 * focus goes into its panel el. */
function newChatTitle(name, el) {
  fresh = name;
  compose();
  var seen = function () {
    el.removeEventListener('focusin', seen);
    if (fresh !== name) return;
    fresh = null;
    compose();
  };
  el.addEventListener('focusin', seen);
}

/* The title in the page's language, with the count if there is one. */
function renderTitle() {
  baseTitle = t('c.title');
  compose();
}

/* The tab is seen again: the count and the new chat's name go. */
function initTitle() {
  renderTitle();
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && (unread || fresh)) {
      unread = 0;
      fresh = null;
      compose();
    }
  });
  var box = $('newchat-alert');
  box.checked = newChatAlerts();
  box.addEventListener('change', function () {
    chosen = box.checked;
    try {
      if (box.checked) window.localStorage.removeItem(NEWCHAT_KEY);
      else window.localStorage.setItem(NEWCHAT_KEY, 'off');
    } catch (e) { /* private mode: for this page only */ }
    if (!box.checked) {
      fresh = null;
      compose();
    }
  });
}

export {
  notifyUnread,
  newChatAlerts,
  newChatTitle,
  renderTitle,
  initTitle
};
