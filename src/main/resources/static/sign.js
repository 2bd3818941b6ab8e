// Signs meshchain transactions in the page with WebCrypto's Ed25519, as docs/api.md ("Signed
// transactions") describes; nothing of it leaves the page but the transaction. Loaded as a plain
// script in the explorer (window.meshchainSigning), and by Node in the tests (module.exports).
'use strict';

(function (exports) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  // The DER start of an Ed25519 private key in PKCS #8: the 32-byte seed follows it.
  const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
    0x04, 0x22, 0x04, 0x20]);

  function base64url(bytes) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('a key is base64url without padding');
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }

  function concat(...parts) {
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) { joined.set(part, at); at += part.length; }
    return joined;
  }

  function u32(n) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; }
  function i64(n) { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n)); return b; }

  function hex(text) { return Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16)); }

  /** Whether this browser signs with Ed25519 in WebCrypto. */
  async function available() {
    if (!subtle) return false;
    try {
      await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return true;
    } catch (error) {
      return false;
    }
  }

  /** A new private key: the 32-byte seed in base64url, as the CLI keeps it. */
  async function newPrivateKey() {
    const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey));
    return base64url(pkcs8.slice(pkcs8.length - 32));
  }

  /** The signing key and the public key (base64url) of a private key (a base64url seed). */
  async function key(privateKey) {
    const seed = fromBase64url(privateKey.trim());
    if (seed.length !== 32) throw new Error('a private key is 32 bytes in base64url');
    const signing = await subtle.importKey('pkcs8', concat(PKCS8_PREFIX, seed), { name: 'Ed25519' }, true, ['sign']);
    const jwk = await subtle.exportKey('jwk', signing);
    return { signing, publicKey: jwk.x };
  }

  /**
   * The fields of a signed transaction: its timestamp, publicKey and signature over "meshchain-tx",
   * the genesis hash and encoding v2 of (sender, content, timestamp, publicKey).
   */
  async function sign(privateKey, genesisHash, sender, content, timestamp) {
    const { signing, publicKey } = await key(privateKey);
    const encoder = new TextEncoder();
    const senderBytes = encoder.encode(sender);
    const contentBytes = encoder.encode(content);
    const encoding = concat(Uint8Array.of(2), u32(senderBytes.length), senderBytes, u32(contentBytes.length),
      contentBytes, i64(timestamp), fromBase64url(publicKey));
    const message = concat(encoder.encode('meshchain-tx'), hex(genesisHash), encoding);
    const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, signing, message));
    return { sender, content, timestamp, publicKey, signature: base64url(signature) };
  }

  exports.available = available;
  exports.newPrivateKey = newPrivateKey;
  exports.publicKeyOf = async (privateKey) => (await key(privateKey)).publicKey;
  exports.sign = sign;
})(typeof module !== 'undefined' && module.exports ? module.exports : (window.meshchainSigning = {}));
