/* quickexit.js: the visitor page's quick exit (the button or Esc): forgets
 * the session (sessionStorage) and replaces the page with the button's
 * data-exit-url, an http(s) address an operator may set, else about:blank,
 * which loads nothing. */
import * as Chat from '../common.js';

var $ = Chat.$;

var beforeExit = function () {};

/* Where quick exit goes: the button's data-exit-url if it is an http(s)
 * address, else about:blank (a page that loads nothing). */
function exitUrl() {
  var u = $('quick-exit').getAttribute('data-exit-url') || '';
  return /^https?:\/\/[^\s]+$/i.test(u) ? u : 'about:blank';
}

function quickExit() {
  var url = exitUrl();
  try { window.sessionStorage.clear(); } catch (e) { /* ignore */ }
  beforeExit();
  document.title = '';
  document.body.textContent = '';
  location.replace(url);
}

/* Quick exit works from the first moment, before the texts are loaded;
 * fn() runs just before the page goes (the session is forgotten by then). */
function initQuickExit(fn) {
  beforeExit = fn;
  $('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (ev) {
    if ((ev.key === 'Escape' || ev.key === 'Esc') && !ev.isComposing) quickExit();
  });
}

export {
  initQuickExit
};
