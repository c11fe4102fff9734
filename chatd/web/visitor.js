/* visitor.js: the anonymous visitor's side of the chat (protocol visitor.v1).
 *
 * One WebSocket, reconnected with back-off. The page shows exactly one view at a
 * time: topics (idle), queue, chat or ended. The server is the truth: views change
 * only on server messages (welcome, queued, left, chat_started, chat_ended), never
 * optimistically. The session token lives only in sessionStorage ('chat.session'),
 * so it dies with the tab; after a reconnect `hello` with it restores the queue
 * place or the chat. Own messages stay "sending" until the `ack` with their ref.
 * The same session opened in another tab takes the connection over (close code
 * 4002): this tab then waits until the visitor chooses to continue here. */
(function () {
  'use strict';

  var SESSION_KEY = 'chat.session';
  var TYPING_IDLE_MS = 4000;
  var TYPING_SHOW_MS = 15000;
  var TOPICS_REFRESH_MS = 30000;

  var t = I18N.t;
  var $ = function (id) { return document.getElementById(id); };

  var ws = null;
  var everConnected = false;
  var retryMs = 1000;
  var retryTimer = null;
  var refCounter = 0;

  var view = 'connecting';       /* connecting | topics | queue | chat | ended | elsewhere */
  var topics = [];
  var queued = null;             /* last queued message */
  var queueNote = null;          /* {key, topic}: why a chat went back to the queue */
  var chat = null;               /* {id, topic, worker} */
  var messages = [];             /* {from, text, ts, seq, ref, status, el} for the current chat */
  var pending = {};              /* ref -> message record waiting for ack */
  var feedbackRef = null;
  var ended = null;              /* {chat, by} */
  var topicsNote = '';
  var typingOn = false;
  var typingTimer = null;
  var typingShowTimer = null;
  var workerTyping = false;

  /* ---- storage ---- */

  function sessionGet() {
    try { return window.sessionStorage.getItem(SESSION_KEY); } catch (e) { return null; }
  }

  function sessionSet(v) {
    try { window.sessionStorage.setItem(SESSION_KEY, v); } catch (e) { /* ignore */ }
  }

  /* ---- connection ---- */

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/ws';
  }

  function connected() {
    return ws !== null && ws.readyState === WebSocket.OPEN;
  }

  function send(obj) {
    if (!connected()) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }

  function nextRef() {
    refCounter += 1;
    return String(refCounter);
  }

  function connect() {
    retryTimer = null;
    setConn('conn.connecting');
    try {
      ws = new WebSocket(wsUrl(), 'visitor.v1');
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws.addEventListener('open', onOpen);
    ws.addEventListener('message', onMessage);
    ws.addEventListener('close', onClose);
  }

  function onOpen() {
    everConnected = true;
    retryMs = 1000;
    var hello = { type: 'hello', lang: I18N.lang };
    var s = sessionGet();
    if (s) hello.session = s;
    send(hello);
  }

  function onClose(ev) {
    ws = null;
    typingOn = false;
    if (ev && ev.code === 4002) {
      /* the session went on in another tab: reconnecting would take it back
       * and the two tabs would take turns for ever */
      failPending();
      setConn(null);
      showView('elsewhere');
      focusHeading('elsewhere-heading');
      return;
    }
    setConn(everConnected ? 'conn.lost' : 'conn.failed');
    updateControls();
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    var delay = retryMs + Math.floor(Math.random() * 500);
    retryMs = Math.min(retryMs * 2, 15000);
    retryTimer = window.setTimeout(connect, delay);
  }

  function setConn(key) {
    var el = $('conn-status');
    if (key) {
      el.setAttribute('data-i18n', key);
      el.textContent = t(key);
      el.hidden = false;
    } else {
      el.removeAttribute('data-i18n');
      el.textContent = '';
      el.hidden = true;
    }
  }

  /* ---- incoming ---- */

  function onMessage(ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (!m || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'welcome': onWelcome(m); break;
      case 'queued': onQueued(m); break;
      case 'left': onLeft(); break;
      case 'chat_started': onChatStarted(m); break;
      case 'msg': onMsg(m); break;
      case 'ack': onAck(m); break;
      case 'typing': onTyping(m); break;
      case 'chat_ended': onChatEnded(m); break;
      case 'error': onError(m); break;
      default: break;
    }
  }

  function onWelcome(m) {
    setConn(null);
    if (typeof m.session === 'string') sessionSet(m.session);
    if (Array.isArray(m.topics)) topics = m.topics;
    if (m.resumed && (m.state === 'queued' || m.state === 'chatting')) {
      /* the matching queued / chat_started follows and sets the view */
      updateControls();
      return;
    }
    if (chat !== null) {
      /* the chat ended while we were disconnected (its chat_ended went to the
       * old connection); feedback is still possible if the session resumed */
      failPending();
      ended = { chat: m.resumed ? chat.id : null, by: m.resumed ? 'away' : 'timeout' };
      chat = null;
      queued = null;
      queueNote = null;
      setWorkerTyping(false);
      renderEnded();
      resetFeedback();
      showView('ended');
    } else if (queued !== null) {
      /* our place in the queue did not survive the disconnect */
      queued = null;
      queueNote = null;
    }
    if (view !== 'ended') showView('topics');
    renderTopics();
    updateControls();
  }

  function onQueued(m) {
    if (chat !== null) {
      /* our worker left (grace passed, logged out) or transferred us: the chat
       * id and its history stay, the next chat_started brings them back */
      queueNote = m.topic && m.topic !== chat.topic
        ? { key: 'v.queue.transferred', topic: m.topic }
        : { key: 'v.queue.requeued', topic: m.topic };
      failPending();
      stopTyping();
      setWorkerTyping(false);
      chat = null;
    } else if (view !== 'queue') {
      queueNote = null;
    }
    var moved = view !== 'queue';
    queued = m;
    clearErrors();
    topicsNote = '';
    renderQueue();
    showView('queue');
    if (moved) focusHeading('queue-heading');
  }

  function onLeft() {
    queued = null;
    queueNote = null;
    topicsNote = 'v.queue.left';
    showView('topics');
    renderTopics();
    refreshTopics();
  }

  function onChatStarted(m) {
    var sameChat = chat !== null && chat.id === m.chat;
    var unsent = sameChat ? messages.filter(function (r) { return r.status !== 'ok'; }) : [];
    chat = { id: m.chat, topic: m.topic, worker: typeof m.worker === 'string' ? m.worker : '' };
    queued = null;
    queueNote = null;
    ended = null;
    clearErrors();
    messages = [];
    pending = {};
    $('chat-log').textContent = '';
    var history = Array.isArray(m.history) ? m.history : [];
    for (var i = 0; i < history.length; i++) addMessage(history[i], 'ok');
    /* messages we sent just before a reconnect: stored ones are in history now */
    for (i = 0; i < unsent.length; i++) {
      if (!historyHasText(history, unsent[i].text)) {
        unsent[i].status = 'failed';
        addRecord(unsent[i]);
      }
    }
    setWorkerTyping(false);
    renderChatWith();
    showView('chat');
    $('chat-input').focus();
  }

  function historyHasText(history, text) {
    for (var i = 0; i < history.length; i++) {
      if (history[i].from === 'visitor' && history[i].text === text) return true;
    }
    return false;
  }

  function onMsg(m) {
    if (!chat || (m.chat && m.chat !== chat.id)) return;
    for (var i = 0; i < messages.length; i++) {
      if (m.seq !== undefined && messages[i].seq === m.seq) return; /* already shown */
    }
    if (m.from === 'worker') setWorkerTyping(false);
    addMessage(m, 'ok');
  }

  function onAck(m) {
    if (m.ref !== undefined && m.ref === feedbackRef) {
      feedbackRef = null;
      $('feedback-thanks').textContent = t('v.feedback.thanks');
      return;
    }
    var rec = pending[m.ref];
    if (!rec) return;
    delete pending[m.ref];
    rec.status = 'ok';
    if (m.seq !== undefined) rec.seq = m.seq;
    renderRecord(rec);
  }

  function onTyping(m) {
    if (!chat || m.from === 'visitor') return;
    setWorkerTyping(!!m.on);
  }

  function onChatEnded(m) {
    failPending();
    ended = { chat: m.chat, by: m.by };
    chat = null;
    setWorkerTyping(false);
    stopTyping();
    renderEnded();
    resetFeedback();
    showView('ended');
    focusHeading('ended-heading');
  }

  function onError(m) {
    if (m.ref !== undefined && pending[m.ref]) {
      pending[m.ref].status = 'failed';
      renderRecord(pending[m.ref]);
      delete pending[m.ref];
    }
    if (m.ref !== undefined && m.ref === feedbackRef) {
      feedbackRef = null;
      if (m.code === 'bad_state') {
        /* given already, or more than 15 minutes after the end */
        $('feedback-thanks').textContent = t('v.feedback.late');
        return;
      }
      setFeedbackEnabled(true);
    }
    showError(m);
  }

  /* ---- views ---- */

  /* After a view change the focused control may be gone: start from the new
   * view's heading, so keyboard and screen reader users are where the page is. */
  function focusHeading(id) {
    var h = $(id);
    if (h && typeof h.focus === 'function') h.focus();
  }

  function showView(name) {
    view = name;
    $('view-topics').hidden = name !== 'topics';
    $('view-queue').hidden = name !== 'queue';
    $('view-chat').hidden = name !== 'chat';
    $('view-ended').hidden = name !== 'ended';
    $('view-elsewhere').hidden = name !== 'elsewhere';
    document.body.classList.toggle('in-chat', name === 'chat');
    updateControls();
  }

  function updateControls() {
    var on = connected();
    $('chat-send').disabled = !on;
    $('chat-leave').disabled = !on;
    $('queue-leave').disabled = !on;
    var btns = $('topics').querySelectorAll('button');
    for (var i = 0; i < btns.length; i++) btns[i].disabled = !on;
  }

  function topicTitle(id) {
    for (var i = 0; i < topics.length; i++) {
      if (topics[i].id === id) return I18N.pick(topics[i].title, id);
    }
    return id || '';
  }

  function renderTopics() {
    var box = $('topics');
    var active = document.activeElement;
    var focused = active && box.contains(active) ? active.getAttribute('data-topic') : null;
    box.textContent = '';
    var note = $('topics-note');
    note.textContent = topicsNote ? t(topicsNote) : '';
    note.hidden = !topicsNote;
    $('topics-none').hidden = topics.length > 0;
    for (var i = 0; i < topics.length; i++) {
      var tp = topics[i];
      var state = tp.state === 'open' || tp.state === 'full' ? tp.state : 'closed';
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'topic topic-' + state;
      b.setAttribute('data-topic', tp.id);
      var title = document.createElement('span');
      title.className = 'topic-title';
      title.textContent = I18N.pick(tp.title, tp.id);
      var st = document.createElement('span');
      st.className = 'topic-state';
      var badge = document.createElement('span');
      badge.className = 'badge badge-' + state;
      badge.textContent = t('v.topic.' + state);
      st.appendChild(badge);
      var detail = '';
      if (state === 'closed' && tp.next_open) {
        detail = t('v.topic.opens', { time: I18N.formatTime(tp.next_open, true) });
      } else if (state === 'open' && typeof tp.estimated_wait_s === 'number' && tp.estimated_wait_s >= 60) {
        detail = t('v.topic.wait', { wait: I18N.formatDuration(tp.estimated_wait_s) });
      }
      if (detail) {
        var d = document.createElement('span');
        d.className = 'topic-detail';
        d.textContent = detail;
        st.appendChild(d);
      }
      b.appendChild(title);
      b.appendChild(st);
      b.addEventListener('click', onTopicClick);
      box.appendChild(b);
      if (focused === tp.id) b.focus();
    }
    updateControls();
  }

  function onTopicClick(ev) {
    var id = ev.currentTarget.getAttribute('data-topic');
    clearErrors();
    send({ type: 'join', topic: id, ref: nextRef() });
  }

  /* Refresh the topic list from the public status while the visitor picks one. */
  function refreshTopics() {
    if (!window.fetch) return;
    window.fetch('/api/status', { cache: 'no-store', credentials: 'omit' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (j && Array.isArray(j.topics)) {
          topics = j.topics;
          if (view === 'topics') renderTopics();
        }
      })
      .catch(function () { /* keep the list we have */ });
  }

  function renderQueue() {
    if (!queued) return;
    var note = $('queue-note');
    note.textContent = queueNote ? t(queueNote.key, { topic: topicTitle(queueNote.topic) }) : '';
    note.hidden = !queueNote;
    $('queue-topic').textContent = t('v.queue.topic', { topic: topicTitle(queued.topic) });
    var pos = Number(queued.position);
    $('queue-position').textContent = pos === 1 ? t('v.queue.next') : t('v.queue.position', { n: pos });
    var w = queued.estimated_wait_s;
    var wait;
    if (typeof w !== 'number') wait = t('v.queue.wait.unknown');
    else if (w < 60) wait = t('v.queue.wait.soon');
    else wait = t('v.queue.wait', { wait: I18N.formatDuration(w) });
    $('queue-wait').textContent = wait;
  }

  function workerName() {
    return chat && chat.worker ? chat.worker : t('v.chat.worker');
  }

  function renderChatWith() {
    if (!chat) return;
    $('chat-with').textContent = t('v.chat.with', { name: workerName() });
    if (workerTyping) $('chat-typing').textContent = t('v.chat.typing', { name: workerName() });
  }

  function renderEnded() {
    if (!ended) return;
    var by = ended.by;
    var key = 'v.ended.' + (['visitor', 'worker', 'timeout', 'away'].indexOf(by) >= 0 ? by : 'server');
    $('ended-reason').textContent = t(key);
  }

  /* ---- chat log ---- */

  function addMessage(m, status) {
    var rec = {
      from: m.from === 'visitor' ? 'visitor' : 'worker',
      text: typeof m.text === 'string' ? m.text : '',
      ts: m.ts || null,
      seq: m.seq,
      ref: null,
      status: status,
      el: null
    };
    addRecord(rec);
    return rec;
  }

  function addRecord(rec) {
    var el = document.createElement('div');
    el.className = 'msg ' + (rec.from === 'visitor' ? 'msg-own' : 'msg-other');
    var meta = document.createElement('p');
    meta.className = 'msg-meta';
    var who = document.createElement('span');
    who.className = 'msg-who';
    var when = document.createElement('span');
    when.className = 'msg-time';
    var state = document.createElement('span');
    state.className = 'msg-state';
    meta.appendChild(who);
    meta.appendChild(when);
    meta.appendChild(state);
    var body = document.createElement('p');
    body.className = 'msg-text';
    body.textContent = rec.text;
    el.appendChild(meta);
    el.appendChild(body);
    rec.el = el;
    messages.push(rec);
    renderRecord(rec);
    var log = $('chat-log');
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
  }

  function renderRecord(rec) {
    var el = rec.el;
    if (!el) return;
    el.classList.toggle('msg-pending', rec.status === 'pending');
    el.classList.toggle('msg-failed', rec.status === 'failed');
    el.querySelector('.msg-who').textContent = rec.from === 'visitor' ? t('v.chat.you') : workerName();
    el.querySelector('.msg-time').textContent = rec.ts ? I18N.formatTime(rec.ts, false) : '';
    var st = '';
    if (rec.status === 'pending') st = t('v.chat.sending');
    else if (rec.status === 'failed') st = t('v.chat.failed');
    el.querySelector('.msg-state').textContent = st;
  }

  function failPending() {
    for (var ref in pending) {
      if (Object.prototype.hasOwnProperty.call(pending, ref)) {
        pending[ref].status = 'failed';
        renderRecord(pending[ref]);
      }
    }
    pending = {};
  }

  function sendMessage() {
    var input = $('chat-input');
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!chat || text === '') return;
    if (!connected()) return;
    var ref = nextRef();
    var rec = addMessage({ from: 'visitor', text: text, ts: new Date().toISOString() }, 'pending');
    rec.ref = ref;
    pending[ref] = rec;
    stopTyping();
    send({ type: 'msg', text: text, ref: ref });
    input.value = '';
    input.focus();
  }

  /* ---- typing ---- */

  function onInputTyping() {
    if (!chat || !connected()) return;
    if (!typingOn) {
      typingOn = true;
      send({ type: 'typing', on: true });
    }
    if (typingTimer) window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    if (typingTimer) window.clearTimeout(typingTimer);
    typingTimer = null;
    if (typingOn) {
      typingOn = false;
      send({ type: 'typing', on: false });
    }
  }

  function setWorkerTyping(on) {
    workerTyping = on;
    var el = $('chat-typing');
    if (typingShowTimer) window.clearTimeout(typingShowTimer);
    typingShowTimer = null;
    if (on) {
      el.textContent = t('v.chat.typing', { name: workerName() });
      el.hidden = false;
      /* a lost "off" must not leave the indicator on forever */
      typingShowTimer = window.setTimeout(function () { setWorkerTyping(false); }, TYPING_SHOW_MS);
    } else {
      el.textContent = '';
      el.hidden = true;
    }
  }

  /* ---- feedback ---- */

  function setFeedbackEnabled(on) {
    var b = $('feedback').querySelectorAll('button');
    for (var i = 0; i < b.length; i++) b[i].disabled = !on;
  }

  function resetFeedback() {
    feedbackRef = null;
    $('feedback-thanks').textContent = '';
    $('feedback').hidden = !(ended && ended.chat);
    setFeedbackEnabled(true);
    var b = $('feedback').querySelectorAll('button');
    for (var i = 0; i < b.length; i++) b[i].setAttribute('aria-pressed', 'false');
    labelScores();
  }

  function labelScores() {
    var b = $('feedback').querySelectorAll('button');
    for (var i = 0; i < b.length; i++) {
      b[i].setAttribute('aria-label', t('v.feedback.score', { n: b[i].getAttribute('data-score') }));
    }
  }

  function onScoreClick(ev) {
    if (!ended || !ended.chat) return;
    var btn = ev.currentTarget;
    feedbackRef = 'fb' + nextRef();
    if (!send({ type: 'feedback', chat: ended.chat, score: Number(btn.getAttribute('data-score')), ref: feedbackRef })) {
      feedbackRef = null;
      return;
    }
    setFeedbackEnabled(false);
    btn.setAttribute('aria-pressed', 'true');
  }

  /* ---- errors ---- */

  function showError(m) {
    var box = $('errors');
    box.textContent = '';
    var code = typeof m.code === 'string' ? m.code : 'error';
    var friendly;
    if (code === 'closed' && m.next_open) {
      friendly = t('err.closed.next', { time: I18N.formatTime(m.next_open, true) });
    } else if (I18N.has('err.' + code)) {
      friendly = t('err.' + code);
    } else {
      friendly = t('err.generic');
    }
    var p = document.createElement('p');
    p.className = 'error-text';
    p.textContent = friendly;
    var d = document.createElement('p');
    d.className = 'error-detail';
    d.textContent = code + (m.message ? ': ' + m.message : '');
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'button small secondary';
    close.textContent = t('err.dismiss');
    close.addEventListener('click', clearErrors);
    box.appendChild(p);
    box.appendChild(d);
    box.appendChild(close);
  }

  function clearErrors() {
    $('errors').textContent = '';
  }

  /* ---- quick exit ---- */

  /* Where quick exit goes: the button's data-exit-url if it is an http(s)
   * address, else about:blank (a page that loads nothing). */
  function exitUrl() {
    var u = $('quick-exit').getAttribute('data-exit-url') || '';
    return /^https?:\/\/[^\s]+$/i.test(u) ? u : 'about:blank';
  }

  function quickExit() {
    var url = exitUrl();
    try { window.sessionStorage.clear(); } catch (e) { /* ignore */ }
    if (retryTimer) window.clearTimeout(retryTimer);
    retryTimer = -1;   /* never reconnect */
    if (ws) {
      ws.removeEventListener('close', onClose);
      ws.removeEventListener('message', onMessage);
      /* the token is forgotten, so the place or chat could never be resumed:
       * let the worker know now rather than after the grace */
      if (view === 'queue' || view === 'chat') send({ type: 'leave' });
      try { ws.close(1000); } catch (e) { /* ignore */ }
      ws = null;
    }
    document.title = '';
    document.body.textContent = '';
    location.replace(url);
  }

  /* ---- start ---- */

  function onLangChange() {
    document.title = t('v.title');
    renderTopics();
    renderQueue();
    renderChatWith();
    renderEnded();
    labelScores();
    for (var i = 0; i < messages.length; i++) renderRecord(messages[i]);
  }

  /* Quick exit works from the first moment, before the texts are loaded. */
  function initQuickExit() {
    $('quick-exit').addEventListener('click', quickExit);
    document.addEventListener('keydown', function (ev) {
      if ((ev.key === 'Escape' || ev.key === 'Esc') && !ev.isComposing) quickExit();
    });
  }

  function init() {
    I18N.onChange(onLangChange);
    document.title = t('v.title');
    labelScores();

    $('elsewhere-continue').addEventListener('click', function () {
      if (ws || retryTimer) return;
      showView('connecting');
      connect();
    });

    $('chat-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      sendMessage();
    });
    $('chat-input').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        sendMessage();
      }
    });
    $('chat-input').addEventListener('input', onInputTyping);
    $('chat-leave').addEventListener('click', function () {
      stopTyping();
      send({ type: 'leave', ref: nextRef() });
    });
    $('queue-leave').addEventListener('click', function () {
      send({ type: 'leave', ref: nextRef() });
    });
    $('again').addEventListener('click', function () {
      ended = null;
      topicsNote = '';
      clearErrors();
      showView('topics');
      renderTopics();
      refreshTopics();
      var first = $('topics').querySelector('button');
      if (first) first.focus();
    });
    var scores = $('feedback').querySelectorAll('button');
    for (var i = 0; i < scores.length; i++) scores[i].addEventListener('click', onScoreClick);

    window.setInterval(function () {
      if (view === 'topics' && connected()) refreshTopics();
    }, TOPICS_REFRESH_MS);

    showView('connecting');
    connect();
  }

  initQuickExit();
  I18N.ready(init);
})();
