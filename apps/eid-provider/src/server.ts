import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { createLogger, logLevelFrom } from '@hub/observability';
import { Citizens } from './citizens.js';
import type { EidProviderConfig } from './config.js';
import { BodyTooLargeError, sendHtml, sendJson } from './http.js';
import { loadOrCreateEidKeys } from './keys.js';
import { createOidcProvider, handleInteraction, isInteractionPath } from './oidc.js';
import { renderMessagePage } from './pages.js';
import { handlePhoneApp } from './phone-app.js';
import { handleSigningApi, SIGNING_API_PREFIX } from './signing-api.js';
import { SigningOrders } from './signing-orders.js';

const logger = createLogger({ service: 'eid-provider', level: logLevelFrom() });

export interface RunningEidProvider {
  issuer: string;
  /** where the relying party's signing API is (EID_SIGNING_URL) */
  signingUrl: string;
  provider: Provider;
  orders: SigningOrders;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens first and builds the provider afterwards, so that with port 0 (tests) the default issuer names the port
 * actually bound. /signing/v1/ is the relying party's signing API, /app the simulated phone app, /interaction/ the
 * login page; everything else is oidc-provider's (discovery, authorization, token, /jwks).
 */
export async function startEidProvider(config: EidProviderConfig): Promise<RunningEidProvider> {
  const keys = await loadOrCreateEidKeys(config.dataDir);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = config.issuer ?? `http://127.0.0.1:${port}`;
  const citizens = new Citizens(config.population, keys.subjectSecret);
  const provider = createOidcProvider(issuer, config, keys, citizens);
  const orders = new SigningOrders({
    issuer,
    signingKey: keys.signingKey,
    orderTtlSeconds: config.orderTtlSeconds,
    qrBaseUrl: `${issuer}/app`,
  });
  const oidc = provider.callback();
  const relyingPartyOrigins = config.relyingParty.redirectUris.map((uri) => new URL(uri).origin);
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handled = url.pathname.startsWith(SIGNING_API_PREFIX)
      ? handleSigningApi(req, res, url.pathname, orders, config)
      : url.pathname === '/app' || url.pathname.startsWith('/app/')
        ? handlePhoneApp(req, res, url, orders, citizens, 'Samtjänst')
        : isInteractionPath(url.pathname)
          ? handleInteraction(provider, citizens, req, res, url.pathname, relyingPartyOrigins)
          : undefined;
    if (!handled) return void oidc(req, res);
    handled.catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLargeError) {
        return url.pathname.startsWith(SIGNING_API_PREFIX)
          ? sendJson(res, 413, { errorCode: 'invalidParameters', details: 'the body is too large' })
          : sendHtml(res, 413, renderMessagePage('För stort formulär', 'Försök igen.'));
      }
      logger.error({ err }, `request ${req.method} ${url.pathname} failed`);
      sendJson(res, 500, { errorCode: 'internalError', details: 'try again' });
    });
  });
  return {
    issuer,
    signingUrl: `${issuer}${SIGNING_API_PREFIX}`,
    provider,
    orders,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        orders.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
