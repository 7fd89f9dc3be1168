import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { chromium } from 'playwright-core';

/** The Chromium of the machine (CHROMIUM_PATH, else the first on PATH), as the browser tests find it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return '/usr/bin/chromium';
}

/**
 * HTML to PDF by a real engine: headless Chromium, started per document (reports are few, monthly or on request)
 * and with nothing from the network: the page is set from a string and has no external resources.
 */
@Injectable()
export class PdfRenderer {
  async render(html: string): Promise<Buffer> {
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--lang=sv-SE'],
    });
    try {
      const page = await browser.newPage({ locale: 'sv-SE', javaScriptEnabled: false });
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '18mm', bottom: '18mm', left: '15mm', right: '15mm' },
      });
    } finally {
      await browser.close();
    }
  }
}
