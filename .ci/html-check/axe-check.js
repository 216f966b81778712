// Runs axe-core over each HTML file at desktop and phone width and fails on
// any serious or critical violation, on a request that leaves the file, or on
// a page error. It also checks that links between pages reach an existing
// page and section, and on an index page that the filter box narrows the list.
//
//   node axe-check.js FILE.html...
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { launch, isolatedPage } = require('./browser');

const AXE = require.resolve('axe-core/axe.min.js');
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const FAIL_IMPACT = new Set(['serious', 'critical']);

async function checkFilter(page, file) {
  const problems = [];
  const visible = await page.isVisible('#filter');
  if (!visible) {
    return [`${file}: filter box not shown with JavaScript on`];
  }
  const total = await page.locator('[data-filter]').count();
  const firstTitle = (await page.locator('[data-filter] h3').first().innerText()).trim();
  const word = firstTitle.split(/\s+/).sort((a, b) => b.length - a.length)[0] || '';
  await page.fill('#filter', word);
  const shown = await page.locator('[data-filter]:visible').count();
  if (!(shown >= 1 && shown <= total)) {
    problems.push(`${file}: filter "${word}" left ${shown} of ${total} entries`);
  }
  await page.fill('#filter', 'zzzz-no-such-document');
  if ((await page.locator('[data-filter]:visible').count()) !== 0) {
    problems.push(`${file}: filter with no match still shows entries`);
  }
  if (!(await page.isVisible('#no-match'))) {
    problems.push(`${file}: no "no match" message`);
  }
  await page.fill('#filter', '');
  if ((await page.locator('[data-filter]:visible').count()) !== total) {
    problems.push(`${file}: clearing the filter does not restore the list`);
  }
  return problems;
}

// Ids defined in an HTML file, read once per file.
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const ids = new Set();
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\sid="([^"]*)"/g)) {
      ids.add(m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'"));
    }
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

// Every link to a page of the pack (a relative `.html` target, or a `#fragment`
// on this page) must reach an existing file and an existing id in it: the
// crosswalk and the "related documents" lists depend on it. PDF targets are
// not checked here (a pack may be built without PDF).
async function checkLinks(page, file) {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  const problems = [];
  for (const href of new Set(hrefs)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      continue; // http(s), mailto: external
    }
    const [rawPath, rawFrag] = href.split('#', 2);
    if (rawPath !== '' && !rawPath.endsWith('.html')) {
      continue;
    }
    const target = rawPath === '' ? path.resolve(file) : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
    if (!fs.existsSync(target)) {
      problems.push(`${file}: link to a missing page: ${href}`);
      continue;
    }
    if (rawFrag !== undefined && rawFrag !== '' && !idsOf(target).has(decodeURIComponent(rawFrag))) {
      problems.push(`${file}: link to a missing section: ${href}`);
    }
  }
  return problems;
}

// Checks every file at one viewport width; returns [page views, failures].
async function checkViewport(browser, vp, files) {
  const { context, page, escapes } = await isolatedPage(browser, vp.width, vp.height);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  let failures = 0;
  let checked = 0;
  try {
    for (const file of files) {
      const abs = path.resolve(file);
      escapes.length = 0;
      pageErrors.length = 0;
      await page.goto(pathToFileURL(abs).href, { waitUntil: 'load' });
      await page.addScriptTag({ path: AXE });
      const results = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ['violations'] }),
      );
      checked += 1;
      for (const v of results.violations) {
        const line = `${file} [${vp.name}] ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length} node(s))`;
        if (FAIL_IMPACT.has(v.impact)) {
          failures += 1;
          console.error(`FAIL ${line}`);
          for (const n of v.nodes.slice(0, 5)) {
            console.error(`     ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`);
          }
        } else {
          console.log(`note ${line}`);
        }
      }
      if (vp.name === 'desktop') {
        for (const p of await checkLinks(page, file)) {
          failures += 1;
          console.error(`FAIL ${p}`);
        }
      }
      if (path.basename(file) === 'index.html' && (await page.$('#filter'))) {
        for (const p of await checkFilter(page, file)) {
          failures += 1;
          console.error(`FAIL ${p}`);
        }
      }
      for (const url of escapes) {
        failures += 1;
        console.error(`FAIL ${file} [${vp.name}]: request leaves the file: ${url}`);
      }
      for (const e of pageErrors) {
        failures += 1;
        console.error(`FAIL ${file} [${vp.name}]: script error: ${e}`);
      }
    }
  } finally {
    await context.close();
  }
  return [checked, failures];
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node axe-check.js FILE.html...');
    process.exit(2);
  }
  const browser = await launch();
  let totals;
  try {
    // The two widths run side by side: each is mostly waiting on the browser.
    totals = await Promise.all(WIDTHS.map((vp) => checkViewport(browser, vp, files)));
  } finally {
    await browser.close();
  }
  const checked = totals.reduce((a, t) => a + t[0], 0);
  const failures = totals.reduce((a, t) => a + t[1], 0);
  console.log(`axe: ${checked} page view(s), ${failures} failure(s)`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
