// Launches Debian's chromium through playwright-core (no browser download),
// with flags that keep it from reaching the network on its own.
'use strict';
const { chromium } = require('playwright-core');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
  });
}

// A page that records every request leaving the file (anything but file: and
// data:) and aborts it, so a page that is not self-contained fails the check.
async function isolatedPage(browser, width, height) {
  const context = await browser.newContext({ viewport: { width, height } });
  const escapes = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) {
      return route.continue();
    }
    if (!escapes.includes(url)) {
      escapes.push(url);
    }
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !escapes.includes(url)) {
      escapes.push(url);
    }
  });
  return { context, page, escapes };
}

module.exports = { launch, isolatedPage };
