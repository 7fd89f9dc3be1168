import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { errors, type Interaction } from 'oidc-provider';
import type { OidcProviderConfig } from './config.js';
import { DEMO_ACCOUNTS } from './demo-accounts.js';
import { authenticate } from './login.js';
import { PAGE_CSP, renderLoginPage, renderMessagePage } from './pages.js';
import { createLogger, logLevelFrom } from '@hub/observability';

const interactionLogger = createLogger({ service: 'oidc-provider', level: logLevelFrom() });

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/;
const MAX_FORM_BYTES = 8 * 1024;
const DOCUMENTED_DEMO_PASSWORD = 'demo';

export function isInteractionPath(pathname: string): boolean {
  return pathname.startsWith('/interaction/');
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.end(html);
}

class FormTooLargeError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FormTooLargeError';
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLargeError();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The provider's own pages between the authorization request and the redirect back to the client: the login form,
 * and consent, which is granted without a page because every registered client is one of the project's own.
 */
export class Interactions {
  constructor(
    private readonly provider: Provider,
    private readonly config: OidcProviderConfig,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const match = INTERACTION_PATH.exec(pathname);
    if (!match) return sendHtml(res, 404, renderMessagePage('Sidan finns inte', 'Kontrollera adressen.'));
    const [, uid, action] = match;
    try {
      const interaction = await this.provider.interactionDetails(req, res);
      if (interaction.uid !== uid) {
        return sendHtml(res, 400, renderMessagePage('Fel inloggning', 'Börja om från tjänsten du loggar in till.'));
      }
      if (action === undefined && req.method === 'GET') return await this.show(interaction, req, res);
      if (action === 'login' && req.method === 'POST') return await this.login(interaction, req, res);
      if (action === 'abort' && req.method === 'POST') {
        return await this.provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'inloggningen avbröts' },
          { mergeWithLastSubmission: false },
        );
      }
      res.setHeader('Allow', action === undefined ? 'GET' : 'POST');
      return sendHtml(res, 405, renderMessagePage('Fel metod', 'Sidan kan inte användas så.'));
    } catch (err) {
      if (err instanceof errors.SessionNotFound) {
        return sendHtml(
          res,
          400,
          renderMessagePage('Inloggningen har gått ut', 'Börja om från tjänsten du vill logga in till.'),
        );
      }
      if (err instanceof FormTooLargeError) {
        return sendHtml(res, 413, renderMessagePage('För stort formulär', 'Försök igen.'));
      }
      interactionLogger.error({ err }, 'login interaction failed');
      return sendHtml(res, 500, renderMessagePage('Något gick fel', 'Försök igen om en stund.'));
    }
  }

  private async show(interaction: Interaction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (interaction.prompt.name) {
      case 'login':
        return sendHtml(res, 200, await this.loginPage(interaction));
      case 'consent':
        return this.grantConsent(interaction, req, res);
      default:
        return sendHtml(res, 501, renderMessagePage('Stöds inte', `Steget ${interaction.prompt.name} stöds inte.`));
    }
  }

  private async loginPage(interaction: Interaction, failed?: { username: string }): Promise<string> {
    const client = await this.provider.Client.find(String(interaction.params.client_id));
    return renderLoginPage({
      submitUrl: `/interaction/${interaction.uid}/login`,
      abortUrl: `/interaction/${interaction.uid}/abort`,
      clientName: client?.clientName ?? String(interaction.params.client_id),
      username: failed?.username,
      error: failed ? 'Fel användarnamn eller lösenord.' : undefined,
      demoAccounts: DEMO_ACCOUNTS,
      demoPassword: this.config.demoPassword === DOCUMENTED_DEMO_PASSWORD ? DOCUMENTED_DEMO_PASSWORD : undefined,
    });
  }

  private async login(interaction: Interaction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (interaction.prompt.name !== 'login') {
      return sendHtml(res, 400, renderMessagePage('Fel steg', 'Börja om från tjänsten du loggar in till.'));
    }
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const account = authenticate(username, form.get('password') ?? '', this.config.demoPassword);
    if (!account) return sendHtml(res, 401, await this.loginPage(interaction, { username }));
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.id } },
      { mergeWithLastSubmission: false },
    );
  }

  private async grantConsent(interaction: Interaction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { prompt, grantId, session, params } = interaction;
    const grant = grantId
      ? await this.provider.Grant.find(grantId)
      : new this.provider.Grant({ accountId: session?.accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error(`grant ${grantId} of interaction ${interaction.uid} not found`);
    const details = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const result = { consent: { grantId: await grant.save() } };
    await this.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
}
