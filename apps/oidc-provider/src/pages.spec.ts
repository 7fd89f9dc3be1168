import { DEMO_ACCOUNTS } from './demo-accounts.js';
import { escapeHtml, renderLoginPage, renderLogoutPage, renderMessagePage } from './pages.js';

const options = {
  submitUrl: '/interaction/abc/login',
  abortUrl: '/interaction/abc/abort',
  clientName: 'Samtjänst',
  demoAccounts: DEMO_ACCOUNTS,
};

describe('the provider’s pages', () => {
  it('escapes everything it interpolates', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    const page = renderLoginPage({ ...options, username: '"><script>alert(1)</script>', error: 'Fel <b>' });
    expect(page).not.toContain('<script>');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(renderMessagePage('<t>', '<m>')).not.toMatch(/<t>|<m>/);
  });

  it('is a Swedish form with a label for every field and the error announced and tied to the fields', () => {
    const fresh = renderLoginPage(options);
    expect(fresh).toContain('<html lang="sv">');
    expect(fresh).toContain('<label for="username">Användarnamn</label>');
    expect(fresh).toMatch(/<input id="username" name="username" type="text" autocomplete="username"/);
    expect(fresh).toContain('<label for="password">Lösenord</label>');
    expect(fresh).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(fresh).toContain('<form method="post" action="/interaction/abc/login"');
    expect(fresh).toContain('formaction="/interaction/abc/abort"');
    expect(fresh).not.toContain('role="alert"');
    expect(fresh).not.toContain('Lösenordet är');

    const failed = renderLoginPage({ ...options, username: 'anna.guide', error: 'Fel användarnamn eller lösenord.' });
    expect(failed).toContain('<p class="error" id="login-error" role="alert">Fel användarnamn eller lösenord.</p>');
    expect(failed.match(/aria-describedby="login-error" aria-invalid="true"/g)).toHaveLength(2);
    expect(failed).toContain('value="anna.guide"');
  });

  it('lists the demo accounts, and the password only when it is the documented one', () => {
    const page = renderLoginPage({ ...options, demoPassword: 'demo' });
    for (const account of DEMO_ACCOUNTS) expect(page).toContain(`<code>${account.id}</code>`);
    expect(page).toContain('Lösenordet är <code>demo</code>');
  });

  it('asks before logging out, with the provider’s own form', () => {
    const page = renderLogoutPage('<form id="op.logoutForm" method="post" action="/session/end/confirm"></form>');
    expect(page).toContain('<form id="op.logoutForm"');
    expect(page).toContain('form="op.logoutForm" value="yes" name="logout">Ja, logga ut</button>');
  });
});
