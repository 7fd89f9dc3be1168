import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where `npm run build` puts the web UI (Vite, apps/web). */
export const DEFAULT_WEB_DIR = resolve('dist/web');

/** Paths the UI never owns: the API, health, metrics and the signing keys answer for themselves (404 when unknown). */
const NOT_UI = /^\/(api|health|metrics|\.well-known)(\/|$)/;

/**
 * Serves the built web UI: its hashed assets for a year, and index.html (never cached) for every other GET that
 * a browser navigates to, so that the UI's own paths (/fraga, /avtal/…) survive a reload. The pages get a strict
 * Content Security Policy: scripts, styles and connections to this origin only.
 * Returns false when the UI has not been built, so the service runs as an API only and can say so.
 * `connectSrc` adds origins the pages may call as well: an adapter's inbox logs in at the identity provider itself.
 */
export function serveWebUi(
  app: NestFastifyApplication,
  dir = DEFAULT_WEB_DIR,
  options: { connectSrc?: string[] } = {},
): boolean {
  const connectSrc = ["'self'", ...(options.connectSrc ?? []).map((url) => new URL(url).origin)].join(' ');
  const headers = {
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src ${connectSrc}; ` +
      "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  };
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  app.useStaticAssets({
    root: join(dir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    // Swagger's UI may decorate the reply too; index.html is sent below
    decorateReply: false,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const path = request.url.split('?', 1)[0]!;
      if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_UI.test(path) || path.startsWith('/assets/')) {
        return done();
      }
      readFile(index).then(
        (html) => reply.headers(headers).type('text/html; charset=utf-8').send(html),
        (err: Error) => done(err),
      );
    });
  return true;
}
