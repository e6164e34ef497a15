// chat.mjs drives the sandbox web chat page in headless Chromium, as a
// person would: pick a persona, type Persian, read the bot's reply, tap an
// inline button, read the edit, open the bot's reply keyboard and share the
// contact through it. browser_test.go runs it against a sandbox with a tiny
// echo bot:
//
//   node chat.mjs <page-url> <screenshot.png> <user-id>
//
// It writes the screenshot (desktop, with the reply keyboard open) and a
// phone-sized one beside it (<name>-phone.png). It exits non-zero with one
// line on stderr at the first thing that is wrong.
// CHROMIUM overrides the browser path (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, shotPath, userId] = process.argv.slice(2);
if (!url || !shotPath || !userId) {
  console.error('usage: node chat.mjs <page-url> <screenshot.png> <user-id>');
  process.exit(2);
}
const SAID = 'سلام، مشتری جدید';
const GREETING = 'سلام! یکی را انتخاب کنید';
const CHOICE = 'گزینه ۱';
const EDITED = 'انتخاب شما: گزینه ۱';
const MENU = 'منو';
const SHARE = 'ارسال شماره';
const THANKS = 'شماره شما ثبت شد';
const STEP_MS = 8000;

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
  const origin = new URL(url).origin;
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:')) problems.push(`request outside the sandbox: ${u}`);
  });

  await page.goto(url, { waitUntil: 'domcontentloaded' });

  step = 'pick the persona';
  const persona = page.locator(`.persona[data-user-id="${userId}"]`);
  await persona.click();
  await page.locator(`.persona[data-user-id="${userId}"][aria-current="true"]`).waitFor();
  expect(await page.locator('#chat').getAttribute('dir') === 'rtl', 'a Persian persona should turn the chat right to left');

  step = 'type Persian and send it with Enter';
  const input = page.locator('#input');
  expect(await input.getAttribute('dir') === 'auto', 'the input box should have dir=auto');
  await input.fill(SAID);
  await input.press('Enter');
  await page.locator('.row.out .text', { hasText: SAID }).last().waitFor();

  step = "read the bot's reply: dir=auto, Persian, right to left";
  const reply = page.locator('.row.in', { hasText: GREETING }).last();
  await reply.waitFor();
  const bubble = reply.locator('.bubble');
  expect(await bubble.getAttribute('dir') === 'auto', 'the reply bubble should have dir=auto');
  const text = reply.locator('.text');
  expect(await text.getAttribute('dir') === 'auto', 'the reply text should have dir=auto');
  const direction = await text.evaluate((el) => getComputedStyle(el).direction);
  expect(direction === 'rtl', `the Persian reply should run right to left, got ${direction}`);

  step = 'tap an inline button';
  const button = reply.locator('.inline-kb .kb-btn', { hasText: CHOICE });
  await button.waitFor();
  expect(await button.getAttribute('dir') === 'auto', 'inline buttons should have dir=auto');
  const messageId = await reply.getAttribute('data-message-id');
  await button.click();

  step = 'see the same message edited in place, marked edited, and a toast';
  const edited = page.locator(`.row.in[data-message-id="${messageId}"]`, { hasText: EDITED });
  await edited.waitFor();
  await edited.locator('.edited').waitFor();
  await page.locator('.toast.bot').first().waitFor();
  const rows = await page.locator(`.row[data-message-id="${messageId}"]`).count();
  expect(rows === 1, `the edit should replace the message, found ${rows} copies`);

  step = "see the bot's calls in the side panel";
  await page.locator('.call-method', { hasText: 'editMessageText' }).first().waitFor();

  step = 'ask for the menu and see the reply keyboard';
  await input.fill(MENU);
  await page.locator('#send').click();
  const share = page.locator('#reply-keyboard .kb-btn', { hasText: SHARE });
  await share.waitFor();
  expect(await share.getAttribute('dir') === 'auto', 'reply keyboard buttons should have dir=auto');
  await page.screenshot({ path: shotPath });

  step = 'share the contact from the reply keyboard; the bot removes the keyboard';
  await share.click();
  await page.locator('.row.out .contact').last().waitFor();
  const thanks = page.locator('.row.in', { hasText: THANKS }).last();
  await thanks.waitFor();
  const tel = await thanks.locator('a[href^="tel:"]').getAttribute('href');
  expect(/^tel:\+\d{10,15}$/.test(tel), `the phone number should link to tel:, got ${tel}`);
  await page.locator('#reply-keyboard').waitFor({ state: 'hidden' });

  step = 'take a phone-sized screenshot';
  await page.locator('#calls-close').click();
  await page.setViewportSize({ width: 390, height: 780 });
  await page.screenshot({ path: shotPath.replace(/\.png$/, '-phone.png') });

  expect(problems.length === 0, problems.join('; '));
  console.log(JSON.stringify({ ok: true, message_id: Number(messageId), screenshot: shotPath }));
} catch (err) {
  let seen = '';
  if (page) {
    const failed = join(tmpdir(), `sandbox-chat-failed-${process.pid}.png`);
    await page.screenshot({ path: failed }).then(() => { seen = `; the page as it was: ${failed}`; }, () => {});
  }
  const also = problems.length ? ` (also: ${problems.join('; ')})` : '';
  console.error(`chat.mjs: ${step}: ${err.message.split('\n')[0]}${also}${seen}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
