import { startMailCatcher } from './mail-catcher.js';

/** `npm start`'s mail catcher: SMTP on MAIL_SMTP_PORT (2525), the caught mails at http://…:MAIL_HTTP_PORT/messages. */
function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port, got ${process.env[name]}`);
  }
  return value;
}

async function main(): Promise<void> {
  const catcher = await startMailCatcher({
    smtpPort: port('MAIL_SMTP_PORT', 2525),
    httpPort: port('MAIL_HTTP_PORT', 3900),
  });
  console.log(`mail catcher: SMTP on 127.0.0.1:${catcher.smtpPort}, mails at ${catcher.httpUrl}/messages`);
  const stop = () => {
    catcher.close().then(
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
