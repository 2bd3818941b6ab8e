// meshchain explorer: plain JavaScript against the node's own HTTP API. New blocks come from the
// node's block stream (GET /chain/events) as they join the chain; the pool, peers and health are
// read again every 10 s. When the stream drops, the page polls everything every 2 s until it is back.
'use strict';

const REFRESH_MS = 2000;
const STREAMING_REFRESH_MS = 10000;
const STREAM_RETRY_MS = 10000;
const PAGE_SIZE = 10;
const PENDING_PAGE_SIZE = 20;

const state = { page: 0, height: 0, pendingPage: 0, submitted: [], detailHash: null };

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'className') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function replace(list, items, emptyText) {
  list.replaceChildren(...(items.length ? items : [el('li', { className: 'empty' }, emptyText)]));
}

const when = (millis) => new Date(millis).toLocaleString();
const short = (hash) => (hash ? hash.slice(0, 12) + '…' + hash.slice(-6) : '');

async function json(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

// A signed transaction shows its key's first characters: enough to tell two keys apart at a glance.
function signedMark(tx) {
  return tx.publicKey ? el('span', { className: 'signed', title: 'signed by key ' + tx.publicKey },
    'signed · ' + tx.publicKey.slice(0, 8)) : null;
}

function transactionItem(tx, status) {
  return el('li', { 'data-id': tx.id },
    el('span', { className: 'who' }, tx.sender), ': ', tx.content,
    signedMark(tx),
    status ? el('span', { className: 'status ' + status }, status) : null,
    el('span', { className: 'meta mono' }, when(tx.timestamp) + ' · ' + short(tx.id)));
}

const NO_SIGNING = 'This browser has no Ed25519 in WebCrypto: sign with the CLI (client keygen, then client tx).';

// The fields to submit: signed with the pasted key when there is one.
async function payloadFor(sender, content) {
  const privateKey = $('private-key').value.trim();
  if (!privateKey) return { sender, content };
  const signing = window.meshchainSigning;
  if (!signing || !(await signing.available())) throw new Error(NO_SIGNING);
  const genesis = await json('/chain?from=0&limit=1');
  if (!genesis.ok) throw new Error('cannot read the genesis block (HTTP ' + genesis.status + ')');
  return signing.sign(privateKey, genesis.body.blocks[0].hash, sender, content, Date.now());
}

async function generateKey() {
  const signing = window.meshchainSigning;
  if (!signing || !(await signing.available())) {
    $('signing-note').textContent = NO_SIGNING;
    return;
  }
  const privateKey = await signing.newPrivateKey();
  $('private-key').value = privateKey;
  $('signing-note').textContent = 'Public key ' + (await signing.publicKeyOf(privateKey))
    + '. Keep the private key: the name is lost with it.';
}

async function refreshSummary() {
  const { body } = await json('/heartbeat');
  state.height = body.height;
  $('node-id').textContent = body.nodeId;
  $('height').textContent = body.height;
  $('pending-count').textContent = body.pending;
  $('tip').textContent = body.tipHash;
  const reachable = body.peers.filter((peer) => peer.reachable).length;
  $('peer-count').textContent = reachable + ' / ' + body.peers.length;
  replace($('peers'), body.peers.map((peer) => el('li', {},
    el('span', { className: 'who' }, peer.nodeId || 'unknown node'),
    el('span', { className: 'status ' + (peer.reachable ? 'confirmed' : 'unreachable') },
      peer.reachable ? 'reachable' : 'unreachable'),
    el('span', { className: 'meta mono' }, peer.url + (peer.height === null ? '' : ' · height ' + peer.height)
      + (peer.lastSeen ? ' · seen ' + when(peer.lastSeen) : '')))), 'No peers.');
}

async function refreshHealth() {
  const { body } = await json('/actuator/health');
  const badge = $('health');
  badge.textContent = body.status || 'UNKNOWN';
  badge.className = 'badge ' + (body.status === 'UP' ? 'up' : 'down');
  const mining = body.components && body.components.mining;
  $('miner').textContent = mining && mining.details ? mining.details.miner : '–';
}

// The pool is read a page at a time, as the node serves it: it may hold many thousands.
async function refreshPending() {
  let { body } = await json('/transactions?offset=' + state.pendingPage * PENDING_PAGE_SIZE
    + '&limit=' + PENDING_PAGE_SIZE);
  const lastPage = Math.max(0, Math.ceil(body.total / PENDING_PAGE_SIZE) - 1);
  if (state.pendingPage > lastPage) {
    state.pendingPage = lastPage;
    ({ body } = await json('/transactions?offset=' + lastPage * PENDING_PAGE_SIZE + '&limit=' + PENDING_PAGE_SIZE));
  }
  replace($('pending'), body.transactions.map((tx) => transactionItem(tx, 'pending')), 'The pool is empty.');
  const first = body.offset + 1;
  $('pending-label').textContent = body.total === 0 ? ''
    : first + '–' + (body.offset + body.transactions.length) + ' of ' + body.total;
  $('pending-earlier').disabled = state.pendingPage === 0;
  $('pending-later').disabled = body.offset + body.transactions.length >= body.total;
}

function pageRange() {
  const newest = state.height - state.page * PAGE_SIZE;
  const from = Math.max(0, newest - PAGE_SIZE + 1);
  return { from, limit: newest - from + 1 };
}

async function refreshBlocks() {
  const { from, limit } = pageRange();
  const { body } = await json('/chain?from=' + from + '&limit=' + limit);
  const blocks = body.blocks.slice().reverse();
  replace($('blocks'), blocks.map((block) => el('li', {
    className: 'block', tabindex: '0', 'data-hash': block.hash,
    onclick: () => showBlock(block.hash),
    onkeydown: (event) => { if (event.key === 'Enter') showBlock(block.hash); },
  },
  el('span', { className: 'index' }, '#' + block.index),
  el('span', {}, when(block.timestamp), el('span', { className: 'hash' }, ' ' + short(block.hash))),
  el('span', { className: 'count' }, block.transactions.length + ' tx'))), 'No blocks.');
  $('page-label').textContent = 'page ' + (state.page + 1);
  $('newer').disabled = state.page === 0;
  $('older').disabled = from === 0;
}

async function showBlock(hash) {
  const { ok, body } = await json('/chain/blocks/' + hash);
  if (!ok) return;
  state.detailHash = hash;
  $('detail-title').textContent = 'Block #' + body.index;
  const fields = [
    ['Hash', body.hash], ['Previous hash', body.previousHash], ['Time', when(body.timestamp)],
    ['Difficulty', body.difficulty + ' bits'], ['Proof', body.proof],
  ];
  $('detail-fields').replaceChildren(...fields.flatMap(([name, value]) =>
    [el('dt', {}, name), el('dd', { className: name.includes('ash') ? 'mono' : '' }, value)]));
  replace($('detail-transactions'), body.transactions.map((tx) => transactionItem(tx)), 'None (genesis).');
  $('block-detail').hidden = false;
  $('block-detail').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

async function refreshSubmitted() {
  const items = await Promise.all(state.submitted.map(async (id) => {
    const { ok, body } = await json('/transactions/' + id);
    if (!ok) return el('li', { 'data-id': id }, short(id), el('span', { className: 'status unreachable' }, 'unknown'));
    const item = transactionItem(body, body.status);
    if (body.status === 'confirmed') {
      item.append(el('span', { className: 'meta' }, 'in block #' + body.blockIndex + ' · '
        + body.confirmations + ' confirmation' + (body.confirmations === 1 ? '' : 's')));
    }
    return item;
  }));
  replace($('mine'), items, 'Nothing yet.');
}

function showProblem(problem) {
  const box = el('div', { className: 'problem' },
    el('strong', {}, (problem.title || 'Rejected') + ': '), problem.detail || 'HTTP ' + problem.status);
  if (Array.isArray(problem.errors) && problem.errors.length) {
    box.append(el('ul', {}, ...problem.errors.map((error) => el('li', {}, error.field + ' ' + error.message))));
  }
  $('tx-result').replaceChildren(box);
}

async function submit(event) {
  event.preventDefault();
  const form = event.target;
  let payload;
  try {
    payload = await payloadFor(form.sender.value.trim(), form.content.value);
  } catch (error) {
    showProblem({ title: 'Not signed', detail: error.message || String(error) });
    return;
  }
  let answer;
  try {
    answer = await json('/transactions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
    });
  } catch (error) {
    showProblem({ title: 'Node unreachable', detail: String(error) });
    return;
  }
  if (!answer.ok) {
    showProblem({ status: answer.status, ...answer.body });
    return;
  }
  const tx = answer.body;
  if (!state.submitted.includes(tx.id)) state.submitted.unshift(tx.id);
  $('tx-result').replaceChildren(el('span', { className: 'ok' },
    (answer.status === 201 ? 'Accepted ' : 'Already known ') + short(tx.id) + ' (' + tx.status + ')'));
  form.content.value = '';
  refresh();
}

// One refresh at a time; one asked for meanwhile runs right after it.
let refreshing = false;
let refreshAgain = false;
async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    await refreshSummary();
    await Promise.all([refreshHealth(), refreshPending(), refreshBlocks(), refreshSubmitted()]);
    stream.reachable = true;
    showLiveness();
  } catch (error) {
    stream.reachable = false;
    $('live').classList.add('stale');
    $('live').textContent = 'node unreachable';
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      refresh();
    }
  }
}

// The block stream: each block or switch of branch refreshes the page at once. EventSource opens a
// dropped stream again by itself (after the last block it had); one the node refused (503: it serves
// as many as it allows) is tried again after a while. Meanwhile the page polls.
const stream = { source: null, open: false, events: 0, reachable: true };

function showLiveness() {
  const live = $('live');
  live.classList.remove('stale');
  live.textContent = stream.open ? 'live' : 'polling';
  live.title = stream.open ? 'New blocks are pushed by the node as they come'
    : 'The block stream is down: refreshing every 2 seconds';
  live.dataset.events = String(stream.events);
}

function openStream() {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource('/chain/events');
  stream.source = source;
  source.addEventListener('open', () => { stream.open = true; showLiveness(); });
  const changed = () => { stream.events += 1; refresh(); };
  source.addEventListener('block', changed);
  source.addEventListener('reorg', changed);
  source.addEventListener('error', () => {
    stream.open = false;
    if (stream.reachable) showLiveness(); // else the badge keeps saying the node is unreachable
    if (source.readyState === EventSource.CLOSED) setTimeout(openStream, STREAM_RETRY_MS);
  });
}

let lastPoll = 0;
function poll() {
  const every = stream.open ? STREAMING_REFRESH_MS : REFRESH_MS;
  if (Date.now() - lastPoll >= every) {
    lastPoll = Date.now();
    refresh();
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('tx-form').addEventListener('submit', submit);
  $('generate-key').addEventListener('click', () => generateKey().catch((error) => {
    $('signing-note').textContent = 'Could not make a key: ' + (error.message || String(error));
  }));
  $('newer').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); refresh(); });
  $('older').addEventListener('click', () => { state.page += 1; refresh(); });
  $('pending-earlier').addEventListener('click', () => { state.pendingPage = Math.max(0, state.pendingPage - 1); refresh(); });
  $('pending-later').addEventListener('click', () => { state.pendingPage += 1; refresh(); });
  $('close-detail').addEventListener('click', () => { $('block-detail').hidden = true; state.detailHash = null; });
  openStream();
  poll();
  setInterval(poll, 500);
});
