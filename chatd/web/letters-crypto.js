/* letters-crypto.js: the letters' cryptography (contract v3 §3), WebCrypto
 * only, the same module in the visitor page, the console and Node (tests).
 *
 * The server never reads a letter or an answer. A letter is boxed to the
 * organisation's letters key (only letter workers who unlock it read it)
 * and, as `own`, to the thread's reply key; an answer is boxed to the reply
 * key and, as `copy`, to the letters key. The reply key's private half is
 * wrapped with the pickup code, which never leaves the writer's browser;
 * the server keys the thread by SHA-256 of the code (`pickup`).
 *
 *   box(PUB, text): a fresh X25519 pair E; k = HKDF-SHA256(X25519(E, PUB),
 *     salt = E.pub ‖ PUB, info "chatd letter v1", 32 bytes); AES-256-GCM
 *     with a random 12-byte iv; {epk, iv, ct} (the tag appended to ct).
 *   wrap(secret, words): k = PBKDF2-SHA256(words, 16 random bytes of salt,
 *     600000, 32 bytes); {salt, iv, ct}. Secrets are PKCS#8 private keys.
 * Every byte string is base64url without padding.
 *
 * Private keys are imported non-extractable: once unwrapped they can be
 * used, never read back (the console keeps one in a tab's memory only). */

var INFO = 'chatd letter v1';
var PBKDF2_ITERATIONS = 600000;
var CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
var CODE_LENGTH = 16;
var X25519 = { name: 'X25519' };

var enc = new TextEncoder();
var dec = new TextDecoder('utf-8', { fatal: true });

function subtle() {
  return globalThis.crypto.subtle;
}

function randomBytes(n) {
  var b = new Uint8Array(n);
  globalThis.crypto.getRandomValues(b);
  return b;
}

/* ---- base64url without padding ---- */

function b64u(bytes) {
  var u = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  var s = '';
  for (var i = 0; i < u.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
  }
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/* Throws on anything that is not base64url without padding. */
function unb64u(str) {
  if (typeof str !== 'string' || !/^[A-Za-z0-9_-]*$/.test(str) || str.length % 4 === 1) {
    throw new Error('not base64url');
  }
  var s = str.replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4) s += '=';
  var bin = atob(s);
  var out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(a, b) {
  var out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/* ---- keys ---- */

/* A raw X25519 public key (32 bytes, base64url) as a CryptoKey. */
function importPublic(pubB64) {
  var raw = unb64u(pubB64);
  if (raw.length !== 32) return Promise.reject(new Error('a public key has 32 bytes'));
  return subtle().importKey('raw', raw, X25519, true, []);
}

/* A PKCS#8 X25519 private key as a non-extractable CryptoKey. */
function importPrivate(pkcs8) {
  return subtle().importKey('pkcs8', pkcs8, X25519, false, ['deriveBits']);
}

/* A new pair: {pub: base64url raw, pkcs8: Uint8Array, key: CryptoKey}. */
async function newKeyPair() {
  var kp = await subtle().generateKey(X25519, true, ['deriveBits']);
  var pub = new Uint8Array(await subtle().exportKey('raw', kp.publicKey));
  var pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', kp.privateKey));
  return { pub: b64u(pub), pkcs8: pkcs8, key: await importPrivate(pkcs8) };
}

/* k = HKDF-SHA256(X25519(priv, peer), salt = epk ‖ pub, INFO) as an AES key. */
async function boxKey(priv, peer, epkRaw, pubRaw, usage) {
  var shared = await subtle().deriveBits({ name: 'X25519', public: peer }, priv, 256);
  var ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  var k = await subtle().deriveBits({
    name: 'HKDF', hash: 'SHA-256', salt: concat(epkRaw, pubRaw), info: enc.encode(INFO)
  }, ikm, 256);
  return subtle().importKey('raw', k, 'AES-GCM', false, [usage]);
}

/* ---- box and open ---- */

/* box(PUB, text) -> {epk, iv, ct}. */
async function box(pubB64, text) {
  var pubRaw = unb64u(pubB64);
  var peer = await importPublic(pubB64);
  var e = await subtle().generateKey(X25519, false, ['deriveBits']);
  var epkRaw = new Uint8Array(await subtle().exportKey('raw', e.publicKey));
  var k = await boxKey(e.privateKey, peer, epkRaw, pubRaw, 'encrypt');
  var iv = randomBytes(12);
  var ct = await subtle().encrypt({ name: 'AES-GCM', iv: iv }, k, enc.encode(text));
  return { epk: b64u(epkRaw), iv: b64u(iv), ct: b64u(ct) };
}

/* The text of a box made for pubB64, with its private key priv (a
 * CryptoKey); rejects when the box was not made for it or was altered. */
async function open(priv, pubB64, b) {
  if (!b || typeof b !== 'object') throw new Error('not a box');
  var epkRaw = unb64u(b.epk);
  var iv = unb64u(b.iv);
  if (epkRaw.length !== 32 || iv.length !== 12) throw new Error('not a box');
  var peer = await importPublic(b.epk);
  var k = await boxKey(priv, peer, epkRaw, unb64u(pubB64), 'decrypt');
  var pt = await subtle().decrypt({ name: 'AES-GCM', iv: iv }, k, unb64u(b.ct));
  return dec.decode(pt);
}

/* ---- wrap and unwrap ---- */

async function wordsKey(words, salt, usage) {
  var base = await subtle().importKey('raw', enc.encode(words), 'PBKDF2', false, ['deriveBits']);
  var k = await subtle().deriveBits({
    name: 'PBKDF2', hash: 'SHA-256', salt: salt, iterations: PBKDF2_ITERATIONS
  }, base, 256);
  return subtle().importKey('raw', k, 'AES-GCM', false, [usage]);
}

/* wrap(secret bytes, words) -> {salt, iv, ct}. */
async function wrap(secret, words) {
  var salt = randomBytes(16);
  var iv = randomBytes(12);
  var k = await wordsKey(words, salt, 'encrypt');
  var ct = await subtle().encrypt({ name: 'AES-GCM', iv: iv }, k, secret);
  return { salt: b64u(salt), iv: b64u(iv), ct: b64u(ct) };
}

/* The secret bytes of a wrap; rejects on wrong words. */
async function unwrap(w, words) {
  if (!w || typeof w !== 'object') throw new Error('not a wrapped key');
  var k = await wordsKey(words, unb64u(w.salt), 'decrypt');
  var iv = unb64u(w.iv);
  if (iv.length !== 12) throw new Error('not a wrapped key');
  return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: iv }, k, unb64u(w.ct)));
}

/* The private key (non-extractable CryptoKey) in a wrap; the PKCS#8 bytes
 * are overwritten once imported. */
async function unwrapKey(w, words) {
  var pkcs8 = await unwrap(w, words);
  try {
    return await importPrivate(pkcs8);
  } finally {
    pkcs8.fill(0);
  }
}

/* ---- the pickup code ---- */

/* 16 characters of CODE_ALPHABET (31 characters, so 80 bits), uniform: a
 * random byte of 248 or more is thrown away (248 = 8 × 31), never folded. */
function newCode() {
  var out = '';
  var limit = 256 - (256 % CODE_ALPHABET.length);
  while (out.length < CODE_LENGTH) {
    var bytes = randomBytes(32);
    for (var i = 0; i < bytes.length && out.length < CODE_LENGTH; i++) {
      if (bytes[i] < limit) out += CODE_ALPHABET.charAt(bytes[i] % CODE_ALPHABET.length);
    }
  }
  return out;
}

/* XXXX-XXXX-XXXX-XXXX. */
function showCode(code) {
  return code.match(/.{1,4}/g).join('-');
}

/* What someone typed as the 16 characters (upper case, without dashes or
 * spaces), or null when it cannot be a code. */
function normalCode(typed) {
  var c = String(typed || '').toUpperCase().replace(/[\s-]+/g, '');
  if (c.length !== CODE_LENGTH) return null;
  for (var i = 0; i < c.length; i++) {
    if (CODE_ALPHABET.indexOf(c.charAt(i)) < 0) return null;
  }
  return c;
}

/* pickup = SHA-256(the 16 characters), base64url. */
async function pickupOf(code) {
  return b64u(await subtle().digest('SHA-256', enc.encode(code)));
}

export {
  CODE_ALPHABET,
  CODE_LENGTH,
  PBKDF2_ITERATIONS,
  b64u,
  unb64u,
  importPublic,
  importPrivate,
  newKeyPair,
  box,
  open,
  wrap,
  unwrap,
  unwrapKey,
  newCode,
  showCode,
  normalCode,
  pickupOf
};
