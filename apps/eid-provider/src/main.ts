import { createLogger, logLevelFrom } from '@hub/observability';
import { loadEidProviderConfig } from './config.js';
import { startEidProvider } from './server.js';

async function main(): Promise<void> {
  const logger = createLogger({ service: 'eid-provider', level: logLevelFrom() });
  const config = loadEidProviderConfig();
  const running = await startEidProvider(config);
  logger.info(
    `mock e-legitimation provider ${running.issuer} (discovery at /.well-known/openid-configuration), ` +
      `signing API ${running.signingUrl}, phone app ${running.issuer}/app, client ${config.relyingParty.clientId}`,
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
