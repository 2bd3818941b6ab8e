// Signs a meshchain transaction with Node's own crypto, from docs/api.md ("Signed transactions") alone:
// no code of the node is used. Prints {"publicKey", "signature", "id"} as JSON.
//   node sign-transaction.js GENESIS_HASH SENDER CONTENT TIMESTAMP
'use strict';
const crypto = require('crypto');

const [genesisHash, sender, content, timestamp] = process.argv.slice(2);
const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
// The raw 32-byte key is the last 32 bytes of its SubjectPublicKeyInfo (DER).
const rawKey = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);

function u32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }
function i64(n) { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; }

const senderBytes = Buffer.from(sender, 'utf8');
const contentBytes = Buffer.from(content, 'utf8');
// Encoding v2: 0x02 | len(sender) u32 | sender | len(content) u32 | content | timestamp i64 | publicKey
const encoding = Buffer.concat([Buffer.from([2]), u32(senderBytes.length), senderBytes,
  u32(contentBytes.length), contentBytes, i64(timestamp), rawKey]);
// Signed message: "meshchain-tx" | genesis hash (32 raw bytes) | encoding v2
const message = Buffer.concat([Buffer.from('meshchain-tx', 'ascii'), Buffer.from(genesisHash, 'hex'), encoding]);
const signature = crypto.sign(null, message, privateKey);

process.stdout.write(JSON.stringify({
  publicKey: rawKey.toString('base64url'),
  signature: signature.toString('base64url'),
  id: crypto.createHash('sha256').update(encoding).digest('hex'),
}));
