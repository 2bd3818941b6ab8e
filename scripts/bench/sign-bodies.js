// Writes COUNT bodies of POST /transactions, one per line, each a new transaction signed with
// Node's own Ed25519 as docs/api.md describes, for the network whose genesis block has GENESIS_HASH:
// what the signed ingest benchmark submits, since wrk cannot sign.
//   node sign-bodies.js GENESIS_HASH COUNT FILE [FIRST]
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const [genesisHash, countText, file, firstText] = process.argv.slice(2);
const count = Number(countText);
const first = Number(firstText || 0);
const SENDERS = 16;
const keys = Array.from({ length: SENDERS }, () => crypto.generateKeyPairSync('ed25519'));
const raw = keys.map((pair) => pair.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32));
const prefix = Buffer.concat([Buffer.from('meshchain-tx', 'ascii'), Buffer.from(genesisHash, 'hex')]);

function u32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; }
function i64(n) { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; }

const out = fs.openSync(file, 'w');
const now = Date.now();
const lines = [];
for (let i = first; i < first + count; i++) {
  const k = i % SENDERS;
  // Names of this file's own: each file signs with fresh keys, and a name belongs to its first key.
  const sender = 'signer' + first + 'k' + k;
  const content = 'signed load ' + now + ' ' + i;
  const timestamp = now + (i - first) % 1000;
  const encoding = Buffer.concat([Buffer.from([2]), u32(sender.length), Buffer.from(sender), u32(Buffer.byteLength(content)),
    Buffer.from(content), i64(timestamp), raw[k]]);
  const signature = crypto.sign(null, Buffer.concat([prefix, encoding]), keys[k].privateKey);
  lines.push(JSON.stringify({ sender, content, timestamp, publicKey: raw[k].toString('base64url'),
    signature: signature.toString('base64url') }));
  if (lines.length === 10000) { fs.writeSync(out, lines.join('\n') + '\n'); lines.length = 0; }
}
if (lines.length) fs.writeSync(out, lines.join('\n') + '\n');
fs.closeSync(out);
