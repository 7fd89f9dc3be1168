/** Everything interpolated into a page goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );
}

/** Inline styles only: the pages' Content-Security-Policy allows nothing from elsewhere, and no script. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The login page's policy: its form ends in a redirect back to the relying party (the hub's callback), and browsers
 * hold every redirect after a form's submission to `form-action`, so the relying party's origins are allowed there.
 */
export function loginPageCsp(relyingPartyOrigins: readonly string[]): string {
  return PAGE_CSP.replace("form-action 'self'", ["form-action 'self'", ...new Set(relyingPartyOrigins)].join(' '));
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #eef1f4; color: #1a1a1a; }
  main { max-width: 26rem; margin: 0 auto; padding: 1.25rem; background: #fff; min-height: 100vh; box-sizing: border-box; }
  h1 { font-size: 1.4rem; margin-top: .5rem; }
  .brand { font-size: .9rem; color: #3d4a57; margin: 0; }
  .text { white-space: pre-wrap; border: 1px solid #8a96a3; border-radius: 4px; padding: .75rem; background: #fafbfc; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { display: block; width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: .6rem; margin-top: .25rem;
          border: 1px solid #555; border-radius: 3px; }
  .hint { font-size: .9rem; color: #3d4a57; margin: .25rem 0 0; }
  input:focus, button:focus { outline: 3px solid #005fcc; outline-offset: 2px; }
  .actions { display: flex; flex-direction: column; gap: .75rem; margin-top: 1.5rem; }
  button { font-size: 1.1rem; padding: .75rem 1rem; border-radius: 4px; border: 1px solid #005fcc; cursor: pointer; }
  button.primary { background: #005fcc; color: #fff; }
  button.secondary { background: #fff; color: #005fcc; }
  .error { color: #a4000f; border-left: 4px solid #a4000f; padding: .5rem .75rem; background: #fdeceb; }
  details { margin-top: 2rem; font-size: .9rem; }
  ul { padding-left: 1.2rem; }
`;

export function page(title: string, body: string): string {
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
<p class="brand">E-legitimation (testmiljö)</p>
${body}
</main>
</body>
</html>`;
}

export function renderMessagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

export interface ExampleCitizen {
  personnummer: string;
  name: string;
}

function personnummerField(options: { value?: string; error?: string; examples: ExampleCitizen[] }): string {
  const error = options.error ? `<p class="error" id="pnr-error" role="alert">${escapeHtml(options.error)}</p>` : '';
  const describedBy = options.error ? 'pnr-hint pnr-error" aria-invalid="true' : 'pnr-hint';
  const examples = options.examples
    .map((c) => `<li><code>${escapeHtml(c.personnummer)}</code> ${escapeHtml(c.name)}</li>`)
    .join('\n');
  return `${error}
  <label for="personnummer">Personnummer</label>
  <p class="hint" id="pnr-hint">Den syntetiska person som e-legitimationen i den här testtelefonen tillhör, 12 siffror.</p>
  <input id="personnummer" name="personnummer" type="text" inputmode="numeric" autocomplete="off" required
    aria-describedby="${describedBy}" value="${escapeHtml(options.value ?? '')}">
  <details>
    <summary>Några syntetiska personer att prova med</summary>
    <ul>
${examples}
    </ul>
  </details>`;
}

/** The simulated e-ID app on the citizen's phone: the text to sign, and sign or refuse. */
export function renderSignPage(options: {
  deviceToken: string;
  requester: string;
  text: string;
  personnummer?: string;
  error?: string;
  examples: ExampleCitizen[];
}): string {
  const base = `/app/orders/${encodeURIComponent(options.deviceToken)}`;
  return page(
    'Signera – E-legitimation (testmiljö)',
    `<h1>Signera</h1>
<p>${escapeHtml(options.requester)} vill att du skriver under det här:</p>
<div class="text" role="document" aria-label="Text att skriva under" tabindex="0">${escapeHtml(options.text)}</div>
<form method="post" action="${base}/sign">
  ${personnummerField({ value: options.personnummer, error: options.error, examples: options.examples })}
  <div class="actions">
    <button class="primary" type="submit">Skriv under</button>
    <button class="secondary" type="submit" formaction="${base}/refuse" formnovalidate>Avbryt</button>
  </div>
</form>`,
  );
}

/** The simulated e-ID login (OpenID Connect): who is identifying themselves. */
export function renderLoginPage(options: {
  submitUrl: string;
  abortUrl: string;
  clientName: string;
  personnummer?: string;
  error?: string;
  examples: ExampleCitizen[];
}): string {
  return page(
    'Legitimera dig – E-legitimation (testmiljö)',
    `<h1>Legitimera dig</h1>
<p>för ${escapeHtml(options.clientName)}</p>
<form method="post" action="${escapeHtml(options.submitUrl)}">
  ${personnummerField({ value: options.personnummer, error: options.error, examples: options.examples })}
  <div class="actions">
    <button class="primary" type="submit">Legitimera</button>
    <button class="secondary" type="submit" formaction="${escapeHtml(options.abortUrl)}" formnovalidate>Avbryt</button>
  </div>
</form>`,
  );
}
