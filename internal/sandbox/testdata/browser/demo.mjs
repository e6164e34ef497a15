// Takes the README's picture of the real product: open the demo's chat page,
// pick the Persian rep, search a customer with Arabic letter forms, open the
// card and start logging a call.
//
//   node demo.mjs <demo-page-url> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, shotPath] = process.argv.slice(2);
if (!url || !shotPath) {
  console.error('usage: node demo.mjs <demo-page-url> <screenshot.png>');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  chromiumSandbox: false,
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'fa-IR' });
  page.setDefaultTimeout(15000);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('.persona[data-user-id="1003"]').click();
  const input = page.locator('#input');
  await input.fill('كريمي');
  await input.press('Enter');
  const card = page.locator('.row.in', { hasText: 'مرحله' }).last();
  await card.waitFor();
  await card.locator('.inline-kb .kb-btn', { hasText: 'تماس' }).first().click();
  await page.locator('.row.in', { hasText: 'نتیجه چه بود' }).last().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: shotPath });
  console.log('saved', shotPath);
} finally {
  await browser.close();
}
