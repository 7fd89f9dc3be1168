import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the catcher lists it: the envelope, the headers people read and the attachments' names. */
export interface CaughtMail {
  id: string;
  receivedAt: string;
  envelope: { from: string | null; to: string[] };
  from: string | null;
  to: string | null;
  subject: string | null;
  attachments: { filename: string; contentType: string | null }[];
  size: number;
}

export interface MailCatcherOptions {
  smtpPort?: number;
  httpPort?: number;
  host?: string;
  /** at most this many mails are kept, the oldest dropped first */
  keep?: number;
}

export interface RunningMailCatcher {
  smtpPort: number;
  httpUrl: string;
  mails(): CaughtMail[];
  raw(id: string): string | undefined;
  clear(): void;
  close(): Promise<void>;
}

/** RFC 2047 encoded words (=?utf-8?B?…?= and =?utf-8?Q?…?=), as nodemailer writes non-ASCII headers. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return new TextDecoder(charset.toLowerCase()).decode(bytes);
    });
}

/** The top-level headers of a raw message, folded lines unfolded. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), decodeHeader(line.slice(colon + 1).trim()));
  }
  return headers;
}

function attachmentsOf(raw: string): CaughtMail['attachments'] {
  const found: CaughtMail['attachments'] = [];
  const parts = raw.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n--/);
  for (const part of parts) {
    const name = /filename="?([^";\r\n]+)"?/i.exec(part);
    if (!name) continue;
    const type = /content-type:\s*([^;\r\n]+)/i.exec(part);
    found.push({ filename: decodeHeader(name[1]!), contentType: type?.[1]?.trim() ?? null });
  }
  return found;
}

/**
 * A mail catcher for development and tests: an SMTP server that accepts every mail (no authentication, no relay)
 * and an HTTP API that lists them: GET /messages, GET /messages/:id/raw, DELETE /messages, GET /health.
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<RunningMailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const keep = options.keep ?? 500;
  const caught: { mail: CaughtMail; raw: string }[] = [];

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'samtjänst mail catcher',
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = headersOf(raw);
        caught.push({
          raw,
          mail: {
            id: randomUUID(),
            receivedAt: new Date().toISOString(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: headers.get('from') ?? null,
            to: headers.get('to') ?? null,
            subject: headers.get('subject') ?? null,
            attachments: attachmentsOf(raw),
            size: raw.length,
          },
        });
        if (caught.length > keep) caught.splice(0, caught.length - keep);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  smtp.on('error', () => undefined);

  const http: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://catcher');
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/health') return json(200, { status: 'ok' });
    if (request.method === 'GET' && url.pathname === '/messages')
      return json(
        200,
        caught.map((c) => c.mail),
      );
    if (request.method === 'DELETE' && url.pathname === '/messages') {
      caught.length = 0;
      return json(200, { cleared: true });
    }
    const raw = /^\/messages\/([0-9a-f-]+)\/raw$/.exec(url.pathname);
    if (request.method === 'GET' && raw) {
      const found = caught.find((c) => c.mail.id === raw[1]);
      if (!found) return json(404, { error: 'not-found' });
      response.writeHead(200, { 'content-type': 'message/rfc822' });
      return response.end(found.raw);
    }
    json(404, { error: 'not-found' });
  });
  await new Promise<void>((resolve) => http.listen(options.httpPort ?? 0, host, () => resolve()));

  const smtpAddress = smtp.server.address() as AddressInfo;
  const httpAddress = http.address() as AddressInfo;
  return {
    smtpPort: smtpAddress.port,
    httpUrl: `http://${host}:${httpAddress.port}`,
    mails: () => caught.map((c) => c.mail),
    raw: (id) => caught.find((c) => c.mail.id === id)?.raw,
    clear: () => void (caught.length = 0),
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
