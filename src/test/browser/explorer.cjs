// Drives the block explorer in headless Chromium: submits a transaction through the form, waits
// for it to show as pending and then as confirmed, signs one in the page and waits for it to be
// confirmed too, and saves screenshots (laptop and phone).
// With "pool" as third argument it instead pages through a node's pending pool, which must hold
// 45 transactions that stay pending. With "stream" it sees a block appear without a reload, pushed
// by the block stream, and then, with the stream blocked, by polling.
// Usage: node explorer.cjs <node url> <screenshot directory> [pool|stream]
'use strict';

const { chromium } = require('playwright-core');

const [url, screenshots, mode] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 30000;

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('#blocks li.block', { timeout: WAIT_MS });
    if (mode === 'stream') {
      await streamed(page, browser);
      if (errors.length) throw new Error('errors on the page: ' + errors.join('; '));
      console.log('stream ok');
      return;
    }
    if (mode === 'pool') {
      await pool(page);
      if (errors.length) throw new Error('errors on the page: ' + errors.join('; '));
      console.log('pool ok');
      return;
    }

    // A rejected transaction shows the node's problem detail.
    await page.fill('#sender', 'not valid!');
    await page.fill('#content', 'rejected');
    await page.click('#tx-form button');
    await page.waitForSelector('#tx-result .problem', { timeout: WAIT_MS });
    const problem = await page.textContent('#tx-result .problem');
    if (!problem.includes('sender')) throw new Error('the problem does not name the field: ' + problem);

    // An accepted one appears as pending, then as confirmed.
    await page.fill('#sender', 'gzan3055');
    await page.fill('#content', 'hello from the explorer');
    await page.click('#tx-form button');
    await page.waitForSelector('#tx-result .ok', { timeout: WAIT_MS });
    await page.waitForSelector('#mine li .status.pending, #mine li .status.confirmed', { timeout: WAIT_MS });
    console.log('pending:', (await page.textContent('#mine li')).trim());
    await page.waitForSelector('#mine li .status.confirmed', { timeout: WAIT_MS });
    console.log('confirmed:', (await page.textContent('#mine li')).trim());

    // A signed one: a key made in the page (WebCrypto's Ed25519) signs it; it is marked signed with
    // its key, and confirmed. A browser without Ed25519 says instead that signing needs the client.
    await page.click('#signing summary');
    await page.click('#generate-key');
    await page.waitForFunction(() => document.getElementById('private-key').value.length === 43
      || document.getElementById('signing-note').textContent.includes('CLI'), null, { timeout: WAIT_MS });
    if ((await page.inputValue('#private-key')).length === 43) {
      await page.fill('#sender', 'signedinpage');
      await page.fill('#content', 'signed in the explorer');
      await page.click('#tx-form button');
      await page.waitForSelector('#mine li .signed', { timeout: WAIT_MS });
      await page.waitForSelector('#mine li:has(.signed) .status.confirmed', { timeout: WAIT_MS });
      console.log('signed:', (await page.textContent('#mine li:has(.signed)')).trim());
    } else {
      console.log('signing:', await page.textContent('#signing-note'));
    }

    // The block holding it is listed; its details open on a click.
    await page.click('#blocks li.block');
    await page.waitForSelector('#block-detail:not([hidden]) #detail-transactions li', { timeout: WAIT_MS });
    await page.screenshot({ path: screenshots + '/explorer-laptop.png', fullPage: true });

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(url, { waitUntil: 'load' });
    await phone.waitForSelector('#blocks li.block', { timeout: WAIT_MS });
    await phone.screenshot({ path: screenshots + '/explorer-phone.png', fullPage: true });

    if (errors.length) throw new Error('errors on the page: ' + errors.join('; '));
    console.log('explorer ok');
  } finally {
    await browser.close();
  }
}

// The pool is shown a page at a time: 45 pending transactions make three pages of 20.
async function pool(page) {
  const label = async (expected) => {
    await page.waitForFunction((text) => document.getElementById('pending-label').textContent === text,
      expected, { timeout: WAIT_MS });
    console.log('pool page:', expected, '-', await page.locator('#pending li').count(), 'shown');
  };
  await label('1–20 of 45');
  if (!(await page.isDisabled('#pending-earlier'))) throw new Error('the first page has no older one');
  await page.click('#pending-later');
  await label('21–40 of 45');
  await page.click('#pending-later');
  await label('41–45 of 45');
  if (!(await page.isDisabled('#pending-later'))) throw new Error('the last page has no newer one');
  if ((await page.locator('#pending li').count()) !== 5) throw new Error('the last page should list 5');
  await page.screenshot({ path: screenshots + '/explorer-pool.png', fullPage: true });
}

// The newest block listed, by index.
async function topBlock(page) {
  return Number((await page.textContent('#blocks li.block .index')).replace('#', ''));
}

// Submits a transaction through the form and waits for a block above `before` to be listed, in
// less time than the page's slow poll (10 s) while the stream is up.
async function newBlockShown(page, before, content, check) {
  await page.fill('#sender', 'streamwatcher');
  await page.fill('#content', content);
  await page.click('#tx-form button');
  await page.waitForSelector('#tx-result .ok', { timeout: WAIT_MS });
  await page.waitForFunction(check, before, { timeout: 8000 });
  return topBlock(page);
}

// A block appears without a reload: pushed by the stream (the badge counts its events); then, with
// the stream refused by the network, the page says it polls and still shows the next block.
async function streamed(page, browser) {
  await page.waitForFunction(() => document.getElementById('live').textContent === 'live', null, { timeout: WAIT_MS });
  const events = Number(await page.getAttribute('#live', 'data-events'));
  const shown = await newBlockShown(page, await topBlock(page), 'pushed to the page',
    (before) => Number(document.querySelector('#blocks li.block .index').textContent.slice(1)) > before);
  const after = Number(await page.getAttribute('#live', 'data-events'));
  if (after <= events) throw new Error('block #' + shown + ' was shown, but not from a stream event');
  console.log('streamed: block #' + shown + ' after ' + (after - events) + ' stream events');

  const blocked = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await blocked.route('**/chain/events', (route) => route.abort());
  await blocked.goto(page.url(), { waitUntil: 'load' });
  await blocked.waitForSelector('#blocks li.block', { timeout: WAIT_MS });
  await blocked.waitForFunction(() => document.getElementById('live').textContent === 'polling', null,
    { timeout: WAIT_MS });
  const polled = await newBlockShown(blocked, await topBlock(blocked), 'polled by the page',
    (before) => Number(document.querySelector('#blocks li.block .index').textContent.slice(1)) > before);
  console.log('polled: block #' + polled + ' with the stream down');
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
