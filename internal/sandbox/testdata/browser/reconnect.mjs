// reconnect.mjs keeps the sandbox web chat page open in headless Chromium
// while the sandbox behind it is replaced by a new one on the same port, as
// when `crmbot demo` restarts. reconnect_browser_test.go runs the sandboxes
// and moves on when this script prints a step's name on stdout:
//
//   node reconnect.mjs <page-url> <user-id>
//
//   EMPTY     the chat is open and empty; the English "No messages yet." runs
//             left to right inside the right-to-left chat
//   OPENED    the first sandbox's message ("before restart") is shown
//   BANNER    the sandbox is gone and the page says it is reconnecting
//   RESYNCED  the new sandbox's state is shown without a reload: no banner,
//             the old message gone, the bot's Persian description in the
//             empty chat, and the Menu button listing the user's own
//             chat-scoped Persian menu
//   DONE      the new sandbox's message ("after restart") appeared
//
// It exits non-zero with one line on stderr at the first thing that is
// wrong. CHROMIUM overrides the browser path (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, userId] = process.argv.slice(2);
if (!url || !userId) {
  console.error('usage: node reconnect.mjs <page-url> <user-id>');
  process.exit(2);
}
const BEFORE = 'before restart';
const AFTER = 'after restart';
const ABOUT = 'این ربات برای تیم فروش است';
const MENU = [['today', 'کارهای امروز'], ['help', 'راهنما']];
const STEP_MS = 15000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  chromiumSandbox: false, // --no-sandbox: the tests run as root
  args: [
    '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
  timeout: 20000,
});

const problems = [];
let step = 'start';
function expect(ok, what) {
  if (!ok) throw new Error(what);
}

let page;
try {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'fa-IR' });
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // While the sandbox is down every poll fails; Chromium logs each one.
    if (msg.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|Failed to fetch/.test(msg.text())) {
      problems.push(`console error: ${msg.text()}`);
    }
  });

  await page.goto(url, { waitUntil: 'domcontentloaded' });

  step = 'open the Persian persona';
  await page.locator(`.persona[data-user-id="${userId}"]`).click();
  await page.locator(`.persona[data-user-id="${userId}"][aria-current="true"]`).waitFor();
  expect(await page.locator('#chat').getAttribute('dir') === 'rtl', 'a Persian persona should turn the chat right to left');

  step = 'the empty chat says so left to right, its full stop at the end';
  const empty = page.locator('#empty');
  await empty.waitFor();
  const layout = await empty.evaluate((el) => {
    const text = el.firstChild;
    const box = (from, to) => {
      const r = document.createRange();
      r.setStart(text, from);
      r.setEnd(text, to);
      return r.getBoundingClientRect();
    };
    const s = text.data;
    const firstStop = s.indexOf('.');
    return {
      direction: getComputedStyle(el).direction,
      text: s,
      // "yet" then ".": the full stop must sit to the right of the word.
      yetRight: box(firstStop - 3, firstStop).right,
      stopLeft: box(firstStop, firstStop + 1).left,
      // the last full stop ends the line on the right.
      lastStopLeft: box(s.length - 1, s.length).left,
      botRight: box(s.length - 4, s.length - 1).right,
    };
  });
  expect(layout.direction === 'ltr', `the English empty-chat note should run left to right, got ${layout.direction}`);
  expect(layout.text.startsWith('No messages yet.'), `unexpected empty-chat note ${JSON.stringify(layout.text)}`);
  expect(layout.stopLeft >= layout.yetRight - 1, `the full stop of "yet." is drawn left of the word (${layout.stopLeft} < ${layout.yetRight})`);
  expect(layout.lastStopLeft >= layout.botRight - 1, `the last full stop is drawn left of "bot" (${layout.lastStopLeft} < ${layout.botRight})`);
  console.log('EMPTY');

  step = "see the first sandbox's message";
  await page.locator('.row.in', { hasText: BEFORE }).waitFor();
  console.log('OPENED');

  step = 'see the reconnecting banner once the sandbox is gone';
  const banner = page.locator('#conn-banner');
  await banner.waitFor({ state: 'visible' });
  const bannerText = await banner.textContent();
  expect(/reconnecting/i.test(bannerText), `the banner says ${JSON.stringify(bannerText)}`);
  expect(await banner.evaluate((el) => getComputedStyle(el).direction) === 'ltr', 'the English banner should run left to right');
  console.log('BANNER');

  step = "see the new sandbox's state without a reload";
  await banner.waitFor({ state: 'hidden' });
  await page.locator('.row.in', { hasText: BEFORE }).waitFor({ state: 'detached' });
  const about = page.locator('#bot-about');
  await about.waitFor({ state: 'visible' });
  const aboutText = await page.locator('#bot-about-text').textContent();
  expect(aboutText.includes(ABOUT), `the empty chat shows the description ${JSON.stringify(aboutText)}`);

  step = "open the Menu button: the user's own chat menu, in Persian";
  const toggle = page.locator('#menu-toggle');
  await toggle.waitFor({ state: 'visible' });
  await toggle.click();
  const items = page.locator('#command-menu button');
  await items.first().waitFor();
  const shown = await items.evaluateAll((bs) => bs.map((b) => [b.dataset.command, b.querySelector('.cmd-desc').textContent]));
  expect(JSON.stringify(shown) === JSON.stringify(MENU), `the menu shows ${JSON.stringify(shown)}, want ${JSON.stringify(MENU)}`);
  const descDir = await items.first().locator('.cmd-desc').evaluate((el) => getComputedStyle(el).direction);
  expect(descDir === 'rtl', `a Persian command description should run right to left, got ${descDir}`);
  await toggle.click();
  await page.locator('#command-menu').waitFor({ state: 'hidden' });
  console.log('RESYNCED');

  step = "see the new sandbox's message";
  await page.locator('.row.in', { hasText: AFTER }).waitFor();
  await about.waitFor({ state: 'hidden' });
  expect(await page.locator('#empty').isHidden(), 'the empty-chat note should hide once there is a message');

  expect(problems.length === 0, problems.join('; '));
  console.log('DONE');
} catch (err) {
  let seen = '';
  if (page) {
    const failed = join(tmpdir(), `sandbox-reconnect-failed-${process.pid}.png`);
    await page.screenshot({ path: failed }).then(() => { seen = `; the page as it was: ${failed}`; }, () => {});
  }
  const also = problems.length ? ` (also: ${problems.join('; ')})` : '';
  console.error(`reconnect.mjs: ${step}: ${err.message.split('\n')[0]}${also}${seen}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
