import { loginPageCsp, PAGE_CSP } from './pages.js';

describe('the login page’s Content-Security-Policy', () => {
  it('lets its form end at the relying party’s callback, and nowhere else', () => {
    const csp = loginPageCsp(['http://127.0.0.1:3000', 'https://hub.example', 'http://127.0.0.1:3000']);
    expect(csp).toContain("form-action 'self' http://127.0.0.1:3000 https://hub.example;");
    expect(csp.replace(/form-action [^;]*;/, '')).toBe(PAGE_CSP.replace(/form-action [^;]*;/, ''));
    expect(loginPageCsp([])).toBe(PAGE_CSP);
  });
});
