/* shared.js: what every part of the worker console talks through: the one
 * worker.v1 socket (its handlers are console.js's, set once with
 * onSocket() before it connects), "ask a supervisor" under each chat
 * (ask.js), and the shift board (board.js) and wrap-up forms (wrapup.js),
 * which console.js makes once the strings are in (setParts()). */
import * as Chat from '../common.js';
import { Asks } from './ask.js';

var on = null;
var sock = new Chat.Socket('worker.v1', {
  open: function () { on.open(); },
  message: function (m) { on.message(m); },
  close: function (ev) { on.close(ev); }
});
var asks = new Asks(sock);     /* "ask a supervisor" under each chat */
var board = null;              /* the supervisors' board, see setParts() */
var wrapups = null;            /* the wrap-up forms, see setParts() */

/* The socket's handlers: {open(), message(m), close(ev)}. */
function onSocket(handlers) {
  on = handlers;
}

function setParts(theBoard, theWrapups) {
  board = theBoard;
  wrapups = theWrapups;
}

export {
  sock,
  asks,
  board,
  wrapups,
  onSocket,
  setParts
};
