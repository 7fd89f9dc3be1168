import { createLogger, logLevelFrom } from '@hub/observability';
import { loadOidcProviderConfig } from './config.js';
import { DEMO_ACCOUNTS } from './demo-accounts.js';
import { startOidcProvider } from './server.js';

async function main(): Promise<void> {
  const logger = createLogger({ service: 'oidc-provider', level: logLevelFrom() });
  const config = loadOidcProviderConfig();
  const running = await startOidcProvider(config);
  logger.info(
    `development identity provider ${running.issuer} (discovery at /.well-known/openid-configuration), ` +
      `${DEMO_ACCOUNTS.length} demo accounts, clients ${config.hubClient.clientId} and ${config.toolsClient.clientId}`,
  );
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
