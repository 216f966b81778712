// Full-page screenshots of HTML files at desktop (1280) and phone (390) width,
// for looking at the pack before a release.
//
//   node screenshot.js OUT_DIR FILE.html...   → OUT_DIR/<name>-desktop.png, -phone.png
//   CLIP=Y,HEIGHT limits each shot to one band of the page; PRINT=1 uses the print stylesheet.
'use strict';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { launch, isolatedPage } = require('./browser');

async function main() {
  const [outDir, ...files] = process.argv.slice(2);
  if (!outDir || files.length === 0) {
    console.error('usage: node screenshot.js OUT_DIR FILE.html...');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await launch();
  try {
    for (const [name, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]]) {
      const { context, page } = await isolatedPage(browser, width, height);
      for (const file of files) {
        await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
        // PRINT=1 shows the print stylesheet instead of the screen one.
        if (process.env.PRINT === '1') {
          await page.emulateMedia({ media: 'print' });
        }
        const base = path.basename(file, '.html');
        const out = path.join(outDir, `${base}-${name}.png`);
        // CLIP="Y,HEIGHT" takes one band of the full page (long pages are hard to read whole).
        const clip = process.env.CLIP ? process.env.CLIP.split(',').map(Number) : null;
        await page.screenshot(
          clip
            ? { path: out, fullPage: true, clip: { x: 0, y: clip[0], width, height: clip[1] } }
            : { path: out, fullPage: true },
        );
        console.log(out);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
