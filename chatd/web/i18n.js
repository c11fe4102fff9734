/* i18n.js: the one string table for the visitor page and the worker console
 * (Finnish, Swedish, English) and the few helpers both pages need to show it.
 *
 * Markup asks for a string with data-i18n="key" (text content) or
 * data-i18n-attr="attr:key;attr:key" (attributes). Scripts use I18N.t(key, vars),
 * where "{name}" in a string is replaced by vars.name. A missing Finnish or
 * Swedish string falls back to English, a missing key shows the key itself.
 * The chosen language lives only in sessionStorage, like everything else here. */
(function () {
  'use strict';

  var STRINGS = {
    en: {
      'lang.label': 'Language',
      'quick.exit': 'Quick exit',
      'quick.hint': 'or press Esc',
      'conn.connecting': 'Connecting…',
      'conn.failed': 'Cannot connect right now. Trying again…',
      'conn.lost': 'Connection lost. Reconnecting…',
      'err.heading': 'Something went wrong',
      'err.dismiss': 'Dismiss',
      'err.closed': 'This chat is closed right now.',
      'err.closed.next': 'This chat is closed right now. It opens {time}.',
      'err.queue_full': 'The queue is full right now. Please try again a little later.',
      'err.unknown_topic': 'That chat does not exist anymore.',
      'err.blocked': 'You cannot join the chat right now.',
      'err.rate_limited': 'Too many tries. Please wait a moment.',
      'err.too_large': 'The message is too long.',
      'err.bad_state': 'That is not possible right now.',
      'err.unauthorized': 'Please log in.',
      'err.forbidden': 'You are not allowed to do that.',
      'err.queue_empty': 'Nobody is waiting in that queue.',
      'err.generic': 'Something went wrong.',
      'time.seconds': '{n} s',
      'time.minutes': '{n} min',

      'v.title': 'Talk with us',
      'v.intro': 'Anonymous and confidential. You do not need to tell your name.',
      'v.topics.heading': 'Choose a chat',
      'v.topics.none': 'No chats are available right now.',
      'v.topic.open': 'Open',
      'v.topic.full': 'Queue is full',
      'v.topic.closed': 'Closed',
      'v.topic.opens': 'Opens {time}',
      'v.topic.wait': 'Wait about {wait}',
      'v.queue.heading': 'You are in the queue',
      'v.queue.topic': 'Chat: {topic}',
      'v.queue.position': 'Your place in the queue: {n}',
      'v.queue.next': 'You are next in the queue.',
      'v.queue.wait': 'Estimated wait: about {wait}',
      'v.queue.wait.soon': 'Estimated wait: less than a minute',
      'v.queue.wait.unknown': 'Estimated wait: unknown',
      'v.queue.hint': 'Keep this page open. Someone will answer you as soon as possible.',
      'v.queue.leave': 'Leave the queue',
      'v.queue.left': 'You left the queue.',
      'v.chat.heading': 'Chat',
      'v.chat.with': 'You are chatting with {name}.',
      'v.chat.log': 'Messages',
      'v.chat.input': 'Your message',
      'v.chat.hint': 'Enter sends, Shift+Enter adds a new line.',
      'v.chat.send': 'Send',
      'v.chat.end': 'End chat',
      'v.chat.you': 'You',
      'v.chat.worker': 'Worker',
      'v.chat.sending': 'Sending…',
      'v.chat.failed': 'Not sent',
      'v.chat.typing': '{name} is typing…',
      'v.ended.heading': 'The chat has ended',
      'v.ended.visitor': 'You ended the chat.',
      'v.ended.worker': 'The worker ended the chat.',
      'v.ended.timeout': 'The chat ended because the connection was lost for too long.',
      'v.ended.server': 'The chat service ended the chat.',
      'v.ended.thanks': 'Thank you for talking with us.',
      'v.feedback.legend': 'How was the chat? (optional)',
      'v.feedback.score': '{n} out of 5',
      'v.feedback.low': '1 = bad',
      'v.feedback.high': '5 = very good',
      'v.feedback.thanks': 'Thank you for your feedback!',
      'v.again': 'Start a new chat',

      'c.title': 'Worker console',
      'c.login.heading': 'Log in',
      'c.login.user': 'User name',
      'c.login.password': 'Password',
      'c.login.submit': 'Log in',
      'c.login.wrong': 'Wrong user name or password.',
      'c.login.as': 'Logged in as {alias} ({role})',
      'c.logout': 'Log out',
      'c.role.worker': 'worker',
      'c.role.coordinator': 'coordinator',
      'c.role.admin': 'admin',
      'c.duty.heading': 'Duty',
      'c.duty.topics': 'Topics',
      'c.duty.capacity': 'Chats at the same time (1–10)',
      'c.duty.on': 'Go on duty',
      'c.duty.off': 'Go off duty',
      'c.duty.status.on': 'On duty: {topics}. Up to {n} chats at a time.',
      'c.duty.status.off': 'Off duty.',
      'c.duty.notopics': 'Choose at least one topic.',
      'c.duty.loadfail': 'Could not load the topics. Reload the page to try again.',
      'c.queue.heading': 'Queue',
      'c.queue.hint': 'The queue is shown while you are on duty.',
      'c.queue.waiting': 'Waiting: {n}',
      'c.queue.longest': 'longest wait {wait}',
      'c.queue.closed': 'closed',
      'c.queue.pick': 'Take next',
      'c.chats.heading': 'Chats',
      'c.chats.none': 'No chats yet.',
      'c.chat.meta': '{audience} · waited {wait} · chat {chat}',
      'c.chat.input': 'Message',
      'c.chat.send': 'Send',
      'c.chat.end': 'End chat',
      'c.chat.close': 'Close',
      'c.chat.visitor': 'Visitor',
      'c.chat.you': 'You',
      'c.chat.typing': 'The visitor is typing…',
      'c.chat.away': 'The visitor lost the connection. Waiting for them to come back…',
      'c.chat.back': 'The visitor is back.',
      'c.chat.ended': 'Ended',
      'c.ended.visitor': 'The visitor ended the chat.',
      'c.ended.worker': 'You ended the chat.',
      'c.ended.timeout': 'The visitor did not come back, so the chat ended.',
      'c.ended.transfer': 'The chat was transferred.',
      'c.ended.server': 'The chat service ended the chat.',
      'c.audience.young': 'young person',
      'c.audience.parent': 'parent',
      'c.audience.any': 'anyone',
      'c.announce.new': 'New chat: {topic}',
      'c.login.expired': 'Please log in again.',
      'c.chat.log': 'Messages: {topic}',
      'c.chat.canned': 'Canned reply',
      'c.chat.transfer.to': 'Transfer to',
      'c.chat.transfer': 'Transfer',
      'c.chat.block.for': 'Block for',
      'c.chat.block': 'Block',
      'c.chat.block.h1': '1 hour',
      'c.chat.block.h24': '1 day',
      'c.chat.block.h168': '1 week',
      'c.chat.block.confirm': 'Block this visitor and end the chat?',
      'c.notify.msg': 'New message: {topic}'
    },

    fi: {
      'lang.label': 'Kieli',
      'quick.exit': 'Poistu nopeasti',
      'quick.hint': 'tai paina Esc',
      'conn.connecting': 'Yhdistetään…',
      'conn.failed': 'Yhteyttä ei saada juuri nyt. Yritetään uudelleen…',
      'conn.lost': 'Yhteys katkesi. Yhdistetään uudelleen…',
      'err.heading': 'Jokin meni vikaan',
      'err.dismiss': 'Sulje',
      'err.closed': 'Tämä chat on nyt suljettu.',
      'err.closed.next': 'Tämä chat on nyt suljettu. Se aukeaa {time}.',
      'err.queue_full': 'Jono on juuri nyt täynnä. Yritä hetken päästä uudelleen.',
      'err.unknown_topic': 'Tätä chattia ei enää ole.',
      'err.blocked': 'Et voi liittyä chattiin juuri nyt.',
      'err.rate_limited': 'Liian monta yritystä. Odota hetki.',
      'err.too_large': 'Viesti on liian pitkä.',
      'err.bad_state': 'Se ei ole juuri nyt mahdollista.',
      'err.unauthorized': 'Kirjaudu sisään.',
      'err.forbidden': 'Sinulla ei ole oikeutta tähän.',
      'err.queue_empty': 'Tässä jonossa ei ole ketään.',
      'err.generic': 'Jokin meni vikaan.',
      'time.seconds': '{n} s',
      'time.minutes': '{n} min',

      'v.title': 'Juttele kanssamme',
      'v.intro': 'Nimettömästi ja luottamuksellisesti. Sinun ei tarvitse kertoa nimeäsi.',
      'v.topics.heading': 'Valitse chat',
      'v.topics.none': 'Yhtään chattia ei ole juuri nyt saatavilla.',
      'v.topic.open': 'Auki',
      'v.topic.full': 'Jono on täynnä',
      'v.topic.closed': 'Suljettu',
      'v.topic.opens': 'Aukeaa {time}',
      'v.topic.wait': 'Odotus noin {wait}',
      'v.queue.heading': 'Olet jonossa',
      'v.queue.topic': 'Chat: {topic}',
      'v.queue.position': 'Paikkasi jonossa: {n}',
      'v.queue.next': 'Olet jonossa seuraavana.',
      'v.queue.wait': 'Arvioitu odotusaika: noin {wait}',
      'v.queue.wait.soon': 'Arvioitu odotusaika: alle minuutti',
      'v.queue.wait.unknown': 'Arvioitu odotusaika: ei tiedossa',
      'v.queue.hint': 'Pidä tämä sivu auki. Sinulle vastataan niin pian kuin mahdollista.',
      'v.queue.leave': 'Poistu jonosta',
      'v.queue.left': 'Poistuit jonosta.',
      'v.chat.heading': 'Chat',
      'v.chat.with': 'Keskustelet nyt: {name}.',
      'v.chat.log': 'Viestit',
      'v.chat.input': 'Viestisi',
      'v.chat.hint': 'Enter lähettää, Shift+Enter tekee rivinvaihdon.',
      'v.chat.send': 'Lähetä',
      'v.chat.end': 'Lopeta keskustelu',
      'v.chat.you': 'Sinä',
      'v.chat.worker': 'Päivystäjä',
      'v.chat.sending': 'Lähetetään…',
      'v.chat.failed': 'Ei lähetetty',
      'v.chat.typing': '{name} kirjoittaa…',
      'v.ended.heading': 'Keskustelu on päättynyt',
      'v.ended.visitor': 'Lopetit keskustelun.',
      'v.ended.worker': 'Päivystäjä lopetti keskustelun.',
      'v.ended.timeout': 'Keskustelu päättyi, koska yhteys oli poikki liian kauan.',
      'v.ended.server': 'Palvelu lopetti keskustelun.',
      'v.ended.thanks': 'Kiitos, että juttelit kanssamme.',
      'v.feedback.legend': 'Millainen keskustelu oli? (vapaaehtoinen)',
      'v.feedback.score': '{n}/5',
      'v.feedback.low': '1 = huono',
      'v.feedback.high': '5 = tosi hyvä',
      'v.feedback.thanks': 'Kiitos palautteestasi!',
      'v.again': 'Aloita uusi keskustelu',

      'c.title': 'Päivystäjän konsoli',
      'c.login.heading': 'Kirjaudu sisään',
      'c.login.user': 'Käyttäjätunnus',
      'c.login.password': 'Salasana',
      'c.login.submit': 'Kirjaudu',
      'c.login.wrong': 'Väärä käyttäjätunnus tai salasana.',
      'c.login.as': 'Kirjautuneena: {alias} ({role})',
      'c.logout': 'Kirjaudu ulos',
      'c.role.worker': 'päivystäjä',
      'c.role.coordinator': 'koordinaattori',
      'c.role.admin': 'ylläpitäjä',
      'c.duty.heading': 'Päivystys',
      'c.duty.topics': 'Aiheet',
      'c.duty.capacity': 'Keskusteluja yhtä aikaa (1–10)',
      'c.duty.on': 'Aloita päivystys',
      'c.duty.off': 'Lopeta päivystys',
      'c.duty.status.on': 'Päivystät: {topics}. Enintään {n} keskustelua kerrallaan.',
      'c.duty.status.off': 'Et ole päivystämässä.',
      'c.duty.notopics': 'Valitse vähintään yksi aihe.',
      'c.duty.loadfail': 'Aiheita ei voitu ladata. Lataa sivu uudelleen.',
      'c.queue.heading': 'Jono',
      'c.queue.hint': 'Jono näkyy, kun olet päivystämässä.',
      'c.queue.waiting': 'Odottaa: {n}',
      'c.queue.longest': 'pisin odotus {wait}',
      'c.queue.closed': 'suljettu',
      'c.queue.pick': 'Ota seuraava',
      'c.chats.heading': 'Keskustelut',
      'c.chats.none': 'Ei vielä keskusteluja.',
      'c.chat.meta': '{audience} · odotti {wait} · keskustelu {chat}',
      'c.chat.input': 'Viesti',
      'c.chat.send': 'Lähetä',
      'c.chat.end': 'Lopeta keskustelu',
      'c.chat.close': 'Sulje',
      'c.chat.visitor': 'Kävijä',
      'c.chat.you': 'Sinä',
      'c.chat.typing': 'Kävijä kirjoittaa…',
      'c.chat.away': 'Kävijän yhteys katkesi. Odotetaan, että hän palaa…',
      'c.chat.back': 'Kävijä palasi.',
      'c.chat.ended': 'Päättynyt',
      'c.ended.visitor': 'Kävijä lopetti keskustelun.',
      'c.ended.worker': 'Lopetit keskustelun.',
      'c.ended.timeout': 'Kävijä ei palannut, joten keskustelu päättyi.',
      'c.ended.transfer': 'Keskustelu siirrettiin.',
      'c.ended.server': 'Palvelu lopetti keskustelun.',
      'c.audience.young': 'nuori',
      'c.audience.parent': 'vanhempi',
      'c.audience.any': 'kaikille',
      'c.announce.new': 'Uusi keskustelu: {topic}',
      'c.login.expired': 'Kirjaudu uudelleen.',
      'c.chat.log': 'Viestit: {topic}',
      'c.chat.canned': 'Valmis vastaus',
      'c.chat.transfer.to': 'Siirrä aiheeseen',
      'c.chat.transfer': 'Siirrä',
      'c.chat.block.for': 'Estä ajaksi',
      'c.chat.block': 'Estä',
      'c.chat.block.h1': '1 tunti',
      'c.chat.block.h24': '1 vuorokausi',
      'c.chat.block.h168': '1 viikko',
      'c.chat.block.confirm': 'Estetäänkö tämä kävijä ja lopetetaanko keskustelu?',
      'c.notify.msg': 'Uusi viesti: {topic}'
    },

    sv: {
      'lang.label': 'Språk',
      'quick.exit': 'Lämna snabbt',
      'quick.hint': 'eller tryck Esc',
      'conn.connecting': 'Ansluter…',
      'conn.failed': 'Det går inte att ansluta just nu. Försöker igen…',
      'conn.lost': 'Anslutningen bröts. Ansluter igen…',
      'err.heading': 'Något gick fel',
      'err.dismiss': 'Stäng',
      'err.closed': 'Den här chatten är stängd just nu.',
      'err.closed.next': 'Den här chatten är stängd just nu. Den öppnar {time}.',
      'err.queue_full': 'Kön är full just nu. Försök igen lite senare.',
      'err.unknown_topic': 'Den chatten finns inte längre.',
      'err.blocked': 'Du kan inte gå med i chatten just nu.',
      'err.rate_limited': 'För många försök. Vänta en stund.',
      'err.too_large': 'Meddelandet är för långt.',
      'err.bad_state': 'Det går inte just nu.',
      'err.unauthorized': 'Logga in.',
      'err.forbidden': 'Du har inte rätt att göra det.',
      'err.queue_empty': 'Ingen väntar i den kön.',
      'err.generic': 'Något gick fel.',
      'time.seconds': '{n} s',
      'time.minutes': '{n} min',

      'v.title': 'Chatta med oss',
      'v.intro': 'Anonymt och konfidentiellt. Du behöver inte berätta vad du heter.',
      'v.topics.heading': 'Välj en chatt',
      'v.topics.none': 'Inga chattar är tillgängliga just nu.',
      'v.topic.open': 'Öppen',
      'v.topic.full': 'Kön är full',
      'v.topic.closed': 'Stängd',
      'v.topic.opens': 'Öppnar {time}',
      'v.topic.wait': 'Väntetid cirka {wait}',
      'v.queue.heading': 'Du står i kö',
      'v.queue.topic': 'Chatt: {topic}',
      'v.queue.position': 'Din plats i kön: {n}',
      'v.queue.next': 'Du är näst på tur.',
      'v.queue.wait': 'Beräknad väntetid: cirka {wait}',
      'v.queue.wait.soon': 'Beräknad väntetid: under en minut',
      'v.queue.wait.unknown': 'Beräknad väntetid: okänd',
      'v.queue.hint': 'Håll sidan öppen. Någon svarar dig så snart som möjligt.',
      'v.queue.leave': 'Lämna kön',
      'v.queue.left': 'Du lämnade kön.',
      'v.chat.heading': 'Chatt',
      'v.chat.with': 'Du chattar med {name}.',
      'v.chat.log': 'Meddelanden',
      'v.chat.input': 'Ditt meddelande',
      'v.chat.hint': 'Enter skickar, Skift+Enter ger en ny rad.',
      'v.chat.send': 'Skicka',
      'v.chat.end': 'Avsluta chatten',
      'v.chat.you': 'Du',
      'v.chat.worker': 'Jourhavande',
      'v.chat.sending': 'Skickas…',
      'v.chat.failed': 'Inte skickat',
      'v.chat.typing': '{name} skriver…',
      'v.ended.heading': 'Chatten har avslutats',
      'v.ended.visitor': 'Du avslutade chatten.',
      'v.ended.worker': 'Den jourhavande avslutade chatten.',
      'v.ended.timeout': 'Chatten avslutades eftersom anslutningen var bruten för länge.',
      'v.ended.server': 'Tjänsten avslutade chatten.',
      'v.ended.thanks': 'Tack för att du chattade med oss.',
      'v.feedback.legend': 'Hur var chatten? (frivilligt)',
      'v.feedback.score': '{n} av 5',
      'v.feedback.low': '1 = dålig',
      'v.feedback.high': '5 = mycket bra',
      'v.feedback.thanks': 'Tack för din respons!',
      'v.again': 'Starta en ny chatt',

      'c.title': 'Jourkonsol',
      'c.login.heading': 'Logga in',
      'c.login.user': 'Användarnamn',
      'c.login.password': 'Lösenord',
      'c.login.submit': 'Logga in',
      'c.login.wrong': 'Fel användarnamn eller lösenord.',
      'c.login.as': 'Inloggad som {alias} ({role})',
      'c.logout': 'Logga ut',
      'c.role.worker': 'jourhavande',
      'c.role.coordinator': 'koordinator',
      'c.role.admin': 'administratör',
      'c.duty.heading': 'Jour',
      'c.duty.topics': 'Ämnen',
      'c.duty.capacity': 'Chattar samtidigt (1–10)',
      'c.duty.on': 'Börja jouren',
      'c.duty.off': 'Avsluta jouren',
      'c.duty.status.on': 'I jour: {topics}. Högst {n} chattar åt gången.',
      'c.duty.status.off': 'Inte i jour.',
      'c.duty.notopics': 'Välj minst ett ämne.',
      'c.duty.loadfail': 'Ämnena kunde inte läsas in. Ladda om sidan.',
      'c.queue.heading': 'Kö',
      'c.queue.hint': 'Kön visas när du är i jour.',
      'c.queue.waiting': 'Väntar: {n}',
      'c.queue.longest': 'längsta väntan {wait}',
      'c.queue.closed': 'stängd',
      'c.queue.pick': 'Ta nästa',
      'c.chats.heading': 'Chattar',
      'c.chats.none': 'Inga chattar ännu.',
      'c.chat.meta': '{audience} · väntade {wait} · chatt {chat}',
      'c.chat.input': 'Meddelande',
      'c.chat.send': 'Skicka',
      'c.chat.end': 'Avsluta chatten',
      'c.chat.close': 'Stäng',
      'c.chat.visitor': 'Besökare',
      'c.chat.you': 'Du',
      'c.chat.typing': 'Besökaren skriver…',
      'c.chat.away': 'Besökaren tappade anslutningen. Väntar på att hen kommer tillbaka…',
      'c.chat.back': 'Besökaren är tillbaka.',
      'c.chat.ended': 'Avslutad',
      'c.ended.visitor': 'Besökaren avslutade chatten.',
      'c.ended.worker': 'Du avslutade chatten.',
      'c.ended.timeout': 'Besökaren kom inte tillbaka, så chatten avslutades.',
      'c.ended.transfer': 'Chatten överfördes.',
      'c.ended.server': 'Tjänsten avslutade chatten.',
      'c.audience.young': 'ung person',
      'c.audience.parent': 'förälder',
      'c.audience.any': 'alla',
      'c.announce.new': 'Ny chatt: {topic}',
      'c.login.expired': 'Logga in igen.',
      'c.chat.log': 'Meddelanden: {topic}',
      'c.chat.canned': 'Färdigt svar',
      'c.chat.transfer.to': 'Flytta till',
      'c.chat.transfer': 'Flytta',
      'c.chat.block.for': 'Blockera i',
      'c.chat.block': 'Blockera',
      'c.chat.block.h1': '1 timme',
      'c.chat.block.h24': '1 dygn',
      'c.chat.block.h168': '1 vecka',
      'c.chat.block.confirm': 'Blockera den här besökaren och avsluta chatten?',
      'c.notify.msg': 'Nytt meddelande: {topic}'
    }
  };

  var LANGS = ['fi', 'sv', 'en'];
  var LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };
  var STORE_KEY = 'chat.lang';
  var listeners = [];

  function storageGet(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.sessionStorage.setItem(key, value); } catch (e) { /* private mode: ignore */ }
  }

  function detect() {
    var saved = storageGet(STORE_KEY);
    if (saved && LANGS.indexOf(saved) >= 0) return saved;
    var nav = (navigator.language || 'en').toLowerCase();
    if (nav.indexOf('fi') === 0) return 'fi';
    if (nav.indexOf('sv') === 0) return 'sv';
    return 'en';
  }

  var I18N = {
    langs: LANGS,
    lang: detect(),

    /* The string for key in the current language with {name} placeholders filled. */
    t: function (key, vars) {
      var table = STRINGS[I18N.lang] || STRINGS.en;
      var s = table[key];
      if (s === undefined) s = STRINGS.en[key];
      if (s === undefined) return key;
      if (vars) {
        s = s.replace(/\{(\w+)\}/g, function (m, name) {
          return vars[name] === undefined || vars[name] === null ? m : String(vars[name]);
        });
      }
      return s;
    },

    /* Whether a key exists (used to pick friendly texts for error codes). */
    has: function (key) {
      return Object.prototype.hasOwnProperty.call(STRINGS.en, key);
    },

    /* BCP 47 locale used for dates and numbers. */
    locale: function () {
      return LOCALES[I18N.lang] || 'en-GB';
    },

    /* A title object {fi, sv, en} in the current language, falling back sensibly. */
    pick: function (obj, fallback) {
      if (!obj || typeof obj !== 'object') return fallback || '';
      return obj[I18N.lang] || obj.en || obj.fi || obj.sv || fallback || '';
    },

    /* An ISO-8601 time as local, readable text ("Mon 22.11. 09:00"). */
    formatTime: function (iso, withDay) {
      var d = new Date(iso);
      if (isNaN(d.getTime())) return '';
      var opts = { hour: '2-digit', minute: '2-digit' };
      if (withDay) {
        opts.weekday = 'short';
        opts.day = 'numeric';
        opts.month = 'numeric';
      }
      try {
        return new Intl.DateTimeFormat(I18N.locale(), opts).format(d);
      } catch (e) {
        return d.toLocaleString();
      }
    },

    /* A duration in seconds as "45 s" or "3 min". */
    formatDuration: function (s) {
      s = Math.max(0, Math.round(Number(s) || 0));
      if (s < 60) return I18N.t('time.seconds', { n: s });
      return I18N.t('time.minutes', { n: Math.round(s / 60) });
    },

    /* Translate every data-i18n / data-i18n-attr element below root. */
    apply: function (root) {
      root = root || document;
      var els = root.querySelectorAll('[data-i18n]');
      for (var i = 0; i < els.length; i++) {
        els[i].textContent = I18N.t(els[i].getAttribute('data-i18n'));
      }
      els = root.querySelectorAll('[data-i18n-attr]');
      for (i = 0; i < els.length; i++) {
        var pairs = els[i].getAttribute('data-i18n-attr').split(';');
        for (var j = 0; j < pairs.length; j++) {
          var kv = pairs[j].split(':');
          if (kv.length === 2) els[i].setAttribute(kv[0].trim(), I18N.t(kv[1].trim()));
        }
      }
      if (root === document) document.documentElement.lang = I18N.lang;
    },

    /* Switch language, re-translate the page and tell the page's own renderers. */
    set: function (lang) {
      if (LANGS.indexOf(lang) < 0) return;
      I18N.lang = lang;
      storageSet(STORE_KEY, lang);
      I18N.apply(document);
      for (var i = 0; i < listeners.length; i++) listeners[i](lang);
    },

    onChange: function (fn) {
      listeners.push(fn);
    },

    /* Wire a <select> to the language: fills the options with each language's own name. */
    bindSelect: function (select) {
      var names = { fi: 'Suomi', sv: 'Svenska', en: 'English' };
      select.textContent = '';
      for (var i = 0; i < LANGS.length; i++) {
        var o = document.createElement('option');
        o.value = LANGS[i];
        o.textContent = names[LANGS[i]];
        o.lang = LANGS[i];
        select.appendChild(o);
      }
      select.value = I18N.lang;
      select.addEventListener('change', function () { I18N.set(select.value); });
    }
  };

  window.I18N = I18N;
})();
