/* console.js: the worker console (protocol worker.v1), the module that
 * wires its parts: the connection and login (session.js), duty and topics
 * (duty.js), the queues (queue.js), the chat panels (chats.js, panel.js),
 * the tab's title (title.js), and the shared socket (shared.js).
 *
 * One WebSocket, reconnected with back-off; after a reconnect the console logs in
 * again with the session token ('console.token' in sessionStorage, never
 * localStorage) and, if the worker was on duty, re-sends the same duty. The server
 * is the truth: duty, queue and chat panels change only on its messages. Each
 * chat is a panel <section data-chat="ID"> that stays (marked ended) until the
 * worker closes it. Own messages stay "sending" until the `ack` with their ref.
 * After every welcome the console sends `ping`: the server re-sends each open
 * chat right after the welcome, so when the `pong` comes, a panel that was not
 * re-sent has lost its chat (it went back to the queue while we were away).
 * A worker may have several tabs; when too many are open the server closes the
 * oldest with 4001, and that tab stays closed until the worker reconnects it.
 * Triage (contract v2 §2): duty carries the languages the worker chats in; a
 * chat shows the visitor's language and pre-chat answers at its top, in the
 * worker's own language (the texts come with the welcome's questions), and is
 * marked urgent in words, not colour alone; `flag` marks or unmarks it, and
 * every tab follows the pushed `flag`. The queue counts urgent visitors.
 * The shift (contract v2 §3, §4, v3 §2): "Ask a supervisor" under each
 * chat sends `alert` with an optional note, says at once when no supervisor
 * is there to get it, and who is coming when one takes it (`alert_taken`);
 * the worker sees who follows the chat (`monitored`); a supervisor's whispers show in the chat as lines only
 * staff see, and a supervisor who joined writes under its alias
 * (staff.js). When the worker's part of a chat ends, the wrap-up form
 * (wrapup.js) opens in its panel. Coordinators and admins also get the
 * shift board (board.js) at #board; a coordinator, who cannot go on duty,
 * sees only that. */
import { I18N } from '../i18n.js';
import * as Chat from '../common.js';
import { Wrapups } from './wrapup.js';
import { Board } from './board.js';
import { sock, asks, board, wrapups, onSocket, setParts } from './shared.js';
import { me, categories, supervisor, initSession, onOpen, onClose, onWelcome, onPong, onError, onLoggedOut, applyView, renderBadge, renderWhoami } from './session.js';
import { initDuty, onDuty, renderDuty, renderDutyTopics, renderDutyLangs, topicTitle } from './duty.js';
import { onQueueState, renderQueue } from './queue.js';
import {
  wrapupHost, labelOfChat, updateControls, refreshPanelMeta, relabelTransfers, onChatStarted, onMsg, onAck, onTyping,
  onChatEnded, onAway, onFlag, onWhisper, onMonitored, onAlertTaken, onOwnAlert
} from './chats.js';
import { initTitle, renderTitle } from './title.js';
import { initShifts, onShiftsFrame, renderShifts } from './shifts.js';
import { initLetters, onLettersFrame } from './letters.js';

var $ = Chat.$;

function onMessage(m) {
  if (onShiftsFrame(m)) return;   /* shifts.js's own requests end there */
  if (onLettersFrame(m)) return;   /* letters.js's own requests end there */
  switch (m.type) {
    case 'welcome': onWelcome(m); break;
    case 'duty': onDuty(m); break;
    case 'queue_state': onQueueState(m); relabelTransfers(); break;
    case 'chat_started': onChatStarted(m); break;
    case 'msg': onMsg(m); break;
    case 'ack': onAck(m); break;
    case 'typing': onTyping(m); break;
    case 'chat_ended': onChatEnded(m); break;
    case 'visitor_away': onAway(m, true); break;
    case 'visitor_back': onAway(m, false); break;
    case 'flag': onFlag(m); break;
    case 'whisper': onWhisper(m); break;
    case 'wrapup': wrapups.open(m); break;
    case 'board': board.onBoard(m); break;
    case 'alert': onAnyAlert(m); break;
    case 'alert_taken': onAlertTaken(m); break;
    case 'alert_closed': if (supervisor()) board.onAlertClosed(m); break;
    case 'monitored': onMonitored(m); break;
    case 'error': onError(m); break;
    case 'pong': onPong(m); break;
    case 'logged_out': onLoggedOut(); break;
    default: break;
  }
}

/* An alert: about one of our own chats (the no-first-reply alert the
 * worker gets too), for the board, or both (an admin on duty). */
function onAnyAlert(m) {
  onOwnAlert(m);
  if (supervisor()) board.onAlert(m);
}

function onLangChange() {
  renderTitle();
  renderWhoami();
  renderDutyTopics();
  renderDutyLangs();
  renderDuty();
  renderQueue();
  refreshPanelMeta();
  relabelTransfers();
  board.render();
  wrapups.render();
  asks.render();
  renderBadge(board.unseen);
  renderShifts();
}

function init() {
  setParts(new Board({
    sock: sock,
    me: function () { return me; },
    topicTitle: topicTitle,
    announce: function (text) { $('announce').textContent = text; },
    alarm: function (text) { $('alarm').textContent = text; },
    badge: renderBadge
  }), new Wrapups({
    sock: sock,
    categories: function () { return categories; },
    host: wrapupHost,
    label: labelOfChat,
    standalone: $('wrapups'),
    announce: function (text) { $('announce').textContent = text; }
  }));
  onSocket({ open: onOpen, message: onMessage, close: onClose });
  window.addEventListener('hashchange', applyView);
  initShifts();   /* after applyView: its view goes over the console's own */
  I18N.onChange(onLangChange);
  initTitle();
  $('chats-heading').tabIndex = -1;
  initDuty();
  initLetters();
  initSession();
  renderDuty();
  updateControls();
  sock.connect();
}

I18N.ready(init);
