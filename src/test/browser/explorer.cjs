// Drives the block explorer in headless Chromium: submits a transaction through the form, waits
// for it to show as pending and then as confirmed, signs one in the page and waits for it to be
// confirmed too, and saves screenshots (laptop and phone).
// With "pool" as third argument it instead pages through a node's pending pool, which must hold
// 45 transactions that stay pending.
// Usage: node explorer.cjs <node url> <screenshot directory> [pool]
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

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
