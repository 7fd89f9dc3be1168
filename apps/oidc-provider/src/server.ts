import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { OidcProviderConfig } from './config.js';
import { Interactions, isInteractionPath } from './interactions.js';
import { loadOrCreateProviderKeys } from './keys.js';
import { createProvider } from './provider.js';

export interface RunningOidcProvider {
  issuer: string;
  provider: Provider;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens first and builds the provider afterwards, so that with port 0 (tests) the default issuer names the port
 * actually bound. Requests under /interaction/ are the provider's own pages; everything else is oidc-provider's.
 */
export async function startOidcProvider(config: OidcProviderConfig): Promise<RunningOidcProvider> {
  const keys = await loadOrCreateProviderKeys(config.dataDir);
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
  const provider = createProvider(issuer, config, keys);
  const interactions = new Interactions(provider, config);
  const oidc = provider.callback();
  server.on('request', (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (isInteractionPath(pathname)) void interactions.handle(req, res, pathname);
    else void oidc(req, res);
  });
  return {
    issuer,
    provider,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
