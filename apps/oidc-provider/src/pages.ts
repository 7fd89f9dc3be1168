import type { DemoAccount } from './demo-accounts.js';

/** Everything interpolated into a page goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );
}

/** Inline styles only: the pages' Content-Security-Policy allows nothing from elsewhere. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f4; color: #1a1a1a; }
  main { max-width: 26rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 4px;
         box-shadow: 0 1px 3px rgba(0,0,0,.2); }
  h1 { font-size: 1.5rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; padding: .5rem; margin-top: .25rem;
          border: 1px solid #555; border-radius: 3px; }
  input:focus, button:focus { outline: 3px solid #005fcc; outline-offset: 2px; }
  .actions { display: flex; gap: .5rem; margin-top: 1.5rem; }
  button { font-size: 1rem; padding: .5rem 1rem; border-radius: 3px; border: 1px solid #005fcc; cursor: pointer; }
  button.primary { background: #005fcc; color: #fff; }
  button.secondary { background: #fff; color: #005fcc; }
  .error { color: #a4000f; border-left: 4px solid #a4000f; padding: .5rem .75rem; background: #fdeceb; }
  details { margin-top: 2rem; font-size: .9rem; }
  table { border-collapse: collapse; margin-top: .5rem; }
  th, td { text-align: left; padding: .2rem .5rem .2rem 0; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageOptions {
  submitUrl: string;
  abortUrl: string;
  /** the service the person is signing in to */
  clientName: string;
  /** kept after a failed attempt, so only the password needs typing again */
  username?: string;
  error?: string;
  demoAccounts: readonly DemoAccount[];
  /** shown only while the documented demo password is in use */
  demoPassword?: string;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error ? `<p class="error" id="login-error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const describedBy = options.error ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  const accounts = options.demoAccounts
    .map(
      (account) =>
        `<tr><td><code>${escapeHtml(account.id)}</code></td><td>${escapeHtml(account.roles.join(', '))}</td>` +
        `<td>${escapeHtml(account.description)}</td></tr>`,
    )
    .join('\n');
  const password = options.demoPassword
    ? `<p>Lösenordet är <code>${escapeHtml(options.demoPassword)}</code> för alla demokonton.</p>`
    : '';
  return page(
    'Logga in – Samtjänst (utvecklingsmiljö)',
    `<h1>Logga in</h1>
<p>till ${escapeHtml(options.clientName)}</p>
${error}
<form method="post" action="${escapeHtml(options.submitUrl)}" autocomplete="on">
  <label for="username">Användarnamn</label>
  <input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false"
    required value="${escapeHtml(options.username ?? '')}"${options.username ? '' : ' autofocus'}${describedBy}>
  <label for="password">Lösenord</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required${
    options.username ? ' autofocus' : ''
  }${describedBy}>
  <div class="actions">
    <button class="primary" type="submit">Logga in</button>
    <button class="secondary" type="submit" formaction="${escapeHtml(options.abortUrl)}" formnovalidate>Avbryt</button>
  </div>
</form>
<details>
  <summary>Demokonton i utvecklingsmiljön</summary>
  ${password}
  <table>
    <thead><tr><th scope="col">Användarnamn</th><th scope="col">Roll</th><th scope="col">Vem</th></tr></thead>
    <tbody>
${accounts}
    </tbody>
  </table>
</details>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

/** The provider's own logout confirmation; `form` is its hidden form with the anti-forgery token. */
export function renderLogoutPage(form: string): string {
  return page(
    'Logga ut – Samtjänst (utvecklingsmiljö)',
    `<h1>Vill du logga ut?</h1>
${form}
<div class="actions">
  <button class="primary" autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>
  <button class="secondary" type="submit" form="op.logoutForm">Nej, förbli inloggad</button>
</div>`,
  );
}
