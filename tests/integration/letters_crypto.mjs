/* The letters' crypto of contract v3 §3 in WebCrypto, for the tests (and the
 * page tests may reuse it): box/open, wrap/unwrap, the pickup code and its
 * hash. Only globalThis.crypto, TextEncoder, btoa and atob: it runs in Node
 * 20 and in a browser alike.
 *
 *   box(PUB, text): fresh X25519 pair E; k = HKDF-SHA256(ikm = X25519(E.priv, PUB),
 *     salt = E.pub || PUB, info = "chatd letter v1", 32 bytes); iv 12 random bytes;
 *     ct = AES-256-GCM(k, iv, UTF-8 text) (tag appended) -> {epk, iv, ct}
 *   wrap(secret, words): salt 16 random bytes; k = PBKDF2-SHA256(words, salt, 600000,
 *     32 bytes) -> {salt, iv, ct = AES-256-GCM(k, iv, secret)}
 * base64url without padding everywhere. */
const subtle = globalThis.crypto.subtle;
const INFO = new TextEncoder().encode('chatd letter v1');
export const PBKDF2_ITERATIONS = 600000;
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function b64u(bytes) {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    let s = '';
    for (const x of b) s += String.fromCharCode(x);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function unb64u(s) {
    const t = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function concat(a, b) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
}

/* A new X25519 key pair: {privateKey, publicKey (CryptoKeys), pub: base64url raw}. */
export async function keyPair() {
    const k = await subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']);
    return { ...k, pub: b64u(await subtle.exportKey('raw', k.publicKey)) };
}

async function boxKey(priv, peerRaw, salt) {
    const peer = await subtle.importKey('raw', peerRaw, { name: 'X25519' }, false, []);
    const shared = await subtle.deriveBits({ name: 'X25519', public: peer }, priv, 256);
    const ikm = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    return subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: INFO }, ikm,
        { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/* box(PUB, text), PUB the base64url of a raw public key. */
export async function box(pub, text) {
    const pubRaw = unb64u(pub);
    const e = await keyPair();
    const epk = unb64u(e.pub);
    const k = await boxKey(e.privateKey, pubRaw, concat(epk, pubRaw));
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, k, new TextEncoder().encode(text));
    return { epk: e.pub, iv: b64u(iv), ct: b64u(ct) };
}

/* The text of a box, with the private key (CryptoKey) whose raw public key is pub. */
export async function open(priv, pub, b) {
    const epk = unb64u(b.epk);
    const k = await boxKey(priv, epk, concat(epk, unb64u(pub)));
    const pt = await subtle.decrypt({ name: 'AES-GCM', iv: unb64u(b.iv) }, k, unb64u(b.ct));
    return new TextDecoder('utf-8', { fatal: true }).decode(pt);
}

async function wordsKey(words, salt) {
    const base = await subtle.importKey('raw', new TextEncoder().encode(words), 'PBKDF2', false, ['deriveKey']);
    return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ITERATIONS },
        base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/* wrap(secret bytes, words). */
export async function wrap(secret, words) {
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, await wordsKey(words, salt), secret);
    return { salt: b64u(salt), iv: b64u(iv), ct: b64u(ct) };
}

/* The secret bytes of a wrap (throws on wrong words). */
export async function unwrap(w, words) {
    const pt = await subtle.decrypt({ name: 'AES-GCM', iv: unb64u(w.iv) },
        await wordsKey(words, unb64u(w.salt)), unb64u(w.ct));
    return new Uint8Array(pt);
}

/* A private key (CryptoKey) and its raw public key (base64url) from a wrap of its PKCS#8. */
export async function unwrapKey(w, words) {
    const priv = await subtle.importKey('pkcs8', await unwrap(w, words), { name: 'X25519' }, true, ['deriveBits']);
    const jwk = await subtle.exportKey('jwk', priv);
    return { privateKey: priv, pub: jwk.x };
}

/* A wrap of k's private key (PKCS#8) under words. */
export async function wrapKey(k, words) {
    return wrap(new Uint8Array(await subtle.exportKey('pkcs8', k.privateKey)), words);
}

/* A new pickup code: 16 characters of CODE_ALPHABET (80 bits), shown XXXX-XXXX-XXXX-XXXX. */
export function newCode() {
    const out = [];
    while (out.length < 16) {
        const [b] = globalThis.crypto.getRandomValues(new Uint8Array(1));
        if (b < 248) out.push(CODE_ALPHABET[b % 31]); /* 248 = 8 x 31: no bias */
    }
    return out.join('').replace(/(.{4})(?!$)/g, '$1-');
}

/* The code as the crypto takes it: the 16 characters, upper case, no dashes
 * (the pickup's hash and the reply key's wrap both use this). */
export function normCode(code) {
    return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/* pickup = SHA-256(the 16 characters, upper case, no dashes), base64url. */
export async function pickupOf(code) {
    return b64u(await subtle.digest('SHA-256', new TextEncoder().encode(normCode(code))));
}

/* The letter_send fields of a first letter of text to the org's pub, under code. */
export async function firstLetter(orgPub, code, text) {
    const reply = await keyPair();
    return {
        pickup: await pickupOf(code),
        letter: await box(orgPub, text),
        own: await box(reply.pub, text),
        reply_pub: reply.pub,
        reply_key: await wrapKey(reply, normCode(code)),
    };
}
