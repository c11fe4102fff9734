/* title.js: the tab's title, which counts what came while the tab was in
 * the background: "(2) Worker console". */
import { I18N } from '../i18n.js';

var t = I18N.t;

var baseTitle = document.title;
var unread = 0;

/* Something new came: count it in the title while the tab is hidden. */
function notifyUnread() {
  if (!document.hidden) return;
  unread += 1;
  document.title = '(' + unread + ') ' + baseTitle;
}

/* The title in the page's language, with the count if there is one. */
function renderTitle() {
  baseTitle = t('c.title');
  document.title = unread ? '(' + unread + ') ' + baseTitle : baseTitle;
}

/* The tab is seen again: the count goes. */
function initTitle() {
  renderTitle();
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && unread) {
      unread = 0;
      document.title = baseTitle;
    }
  });
}

export {
  notifyUnread,
  renderTitle,
  initTitle
};
