import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

// the little of Express's request and response this needs, without depending on express's types
interface WebRequest {
  method: string;
  path: string;
}
interface WebResponse {
  setHeader(name: string, value: string): void;
  sendFile(path: string): void;
}

/** Where `npm run build` puts the web UI (Vite, apps/web). */
export const DEFAULT_WEB_DIR = resolve('dist/web');

/** Paths the UI never owns: the API, health and metrics answer for themselves (with 404 when unknown). */
const NOT_UI = /^\/(api|health|metrics)(\/|$)/;

/**
 * Serves the built web UI: its hashed assets for a year, and index.html (never cached) for every other GET that
 * a browser navigates to, so that the UI's own paths (/fraga, /avtal/…) survive a reload. The pages get a strict
 * Content Security Policy: scripts, styles and connections to this origin only.
 * Returns false when the UI has not been built, so the service runs as an API only and can say so.
 * `connectSrc` adds origins the pages may call as well: an adapter's inbox logs in at the identity provider itself.
 */
export function serveWebUi(
  app: NestExpressApplication,
  dir = DEFAULT_WEB_DIR,
  options: { connectSrc?: string[] } = {},
): boolean {
  const connectSrc = ["'self'", ...(options.connectSrc ?? []).map((url) => new URL(url).origin)].join(' ');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  app.useStaticAssets(join(dir, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false });
  app.use((req: WebRequest, res: WebResponse, next: () => void) => {
    const path = req.path;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_UI.test(path) || path.startsWith('/assets/')) {
      return next();
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src ${connectSrc}; ` +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.sendFile(index);
  });
  return true;
}
