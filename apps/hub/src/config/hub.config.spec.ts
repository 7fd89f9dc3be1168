import { ConfigError } from '@hub/common';
import { DEVELOPMENT_OIDC_CLIENT_SECRET, loadHubConfig, parseDurationSeconds } from './hub.config.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  AUDIT_SUBJECT_KEY: 'a-production-secret-of-at-least-32-characters',
  AUTH_ISSUER: 'https://login.example.se/realms/samtjanst',
  PUBLIC_URL: 'https://samtjanst.example.se',
  OIDC_CLIENT_SECRET: 'a-real-client-secret',
};

describe('hub configuration', () => {
  it('works without settings on a development machine, pointing at the bundled identity provider', () => {
    const config = loadHubConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      authIssuer: 'http://127.0.0.1:3100',
      authAudience: 'samtjanst-hub',
      authJwks: { url: 'http://127.0.0.1:3100/jwks' },
      production: false,
      publicUrl: 'http://127.0.0.1:3000',
      oidc: {
        clientId: 'samtjanst-hub-web',
        clientSecret: DEVELOPMENT_OIDC_CLIENT_SECRET,
        redirectUri: 'http://127.0.0.1:3000/api/auth/callback',
        postLogoutRedirectUri: 'http://127.0.0.1:3000/',
        scope: 'openid profile samtjanst',
      },
      sessionTtlSeconds: 8 * 3600,
    });
  });

  it('listens where HOST says (0.0.0.0 in a container) and refuses what is no address', () => {
    expect(loadHubConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadHubConfig({ HOST: 'http://0.0.0.0:3000' })).toThrow(/HOST must be an IP address/);
  });

  it('derives the redirect URIs from PUBLIC_URL and the port, unless they are given', () => {
    expect(loadHubConfig({ PORT: '8080' }).oidc.redirectUri).toBe('http://127.0.0.1:8080/api/auth/callback');
    const behindProxy = loadHubConfig({ PUBLIC_URL: 'https://hub.example.se/' });
    expect(behindProxy.publicUrl).toBe('https://hub.example.se');
    expect(behindProxy.oidc.redirectUri).toBe('https://hub.example.se/api/auth/callback');
    expect(behindProxy.oidc.postLogoutRedirectUri).toBe('https://hub.example.se/');
    const explicit = loadHubConfig({
      OIDC_REDIRECT_URI: 'https://hub.example.se/login/callback',
      OIDC_POST_LOGOUT_REDIRECT_URI: 'https://hub.example.se/bye',
      OIDC_CLIENT_ID: 'hub',
      OIDC_SCOPE: 'openid email',
      SESSION_TTL: '30m',
    });
    expect(explicit.oidc).toMatchObject({
      clientId: 'hub',
      redirectUri: 'https://hub.example.se/login/callback',
      postLogoutRedirectUri: 'https://hub.example.se/bye',
      scope: 'openid email',
    });
    expect(explicit.sessionTtlSeconds).toBe(1800);
  });

  it('starts in production only with secrets, an https issuer and an https public URL', () => {
    expect(loadHubConfig(PRODUCTION)).toMatchObject({
      production: true,
      oidc: { clientSecret: 'a-real-client-secret' },
    });
    const attempt = () => loadHubConfig({ NODE_ENV: 'production', AUTH_ISSUER: 'http://idp.internal' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AUDIT_SUBJECT_KEY must be set/);
    expect(attempt).toThrow(/AUTH_ISSUER must be an https URL in production/);
    expect(attempt).toThrow(/PUBLIC_URL must be set in production/);
    expect(attempt).toThrow(/OIDC_CLIENT_SECRET must be set/);
    expect(() => loadHubConfig({ ...PRODUCTION, PUBLIC_URL: 'http://samtjanst.example.se' })).toThrow(
      /PUBLIC_URL must be https in production/,
    );
  });

  it('finds rows keyed before subject keys per year unless told not to, and refuses a setting it cannot read', () => {
    expect(loadHubConfig({}).auditLegacySubjectKeys).toBe(true);
    expect(loadHubConfig({ AUDIT_LEGACY_SUBJECT_KEYS: 'false' }).auditLegacySubjectKeys).toBe(false);
    expect(() => loadHubConfig({ AUDIT_LEGACY_SUBJECT_KEYS: 'no' })).toThrow(
      /AUDIT_LEGACY_SUBJECT_KEYS must be true or false, got no/,
    );
  });

  it('names every malformed login setting at once', () => {
    const attempt = () =>
      loadHubConfig({
        AUTH_ISSUER: 'not a url',
        PUBLIC_URL: 'ftp://hub',
        OIDC_REDIRECT_URI: '/relative',
        OIDC_POST_LOGOUT_REDIRECT_URI: 'nope',
        OIDC_CLIENT_ID: '',
        OIDC_SCOPE: 'profile',
        SESSION_TTL: '8 hours',
      });
    expect(attempt).toThrow(/AUTH_ISSUER must be an http\(s\) URL, got not a url/);
    expect(attempt).toThrow(/PUBLIC_URL must be an http\(s\) URL/);
    expect(attempt).toThrow(/OIDC_REDIRECT_URI must be an http\(s\) URL, got \/relative/);
    expect(attempt).toThrow(/OIDC_POST_LOGOUT_REDIRECT_URI must be an http\(s\) URL/);
    expect(attempt).toThrow(/OIDC_CLIENT_ID must not be empty/);
    expect(attempt).toThrow(/OIDC_SCOPE must include openid/);
    expect(attempt).toThrow(/SESSION_TTL must be a duration from 1m to 30d/);
  });

  it.each(['30', '59s', '31d', '0h'])('refuses a SESSION_TTL of %s', (ttl) => {
    expect(() => loadHubConfig({ SESSION_TTL: ttl })).toThrow(/SESSION_TTL/);
  });

  it('takes a metrics scrape token of at least 24 characters, and none when it is unset or empty', () => {
    const token = 'a-scrape-token-of-24-chars';
    expect(loadHubConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadHubConfig({}).metricsToken).toBeUndefined();
    expect(loadHubConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(() => loadHubConfig({ METRICS_TOKEN: 'too-short-a-token' })).toThrow(
      /METRICS_TOKEN must be at least 24 characters when set, got 17/,
    );
  });

  it('collects parked messages every second unless PARKING_LOT_POLL_MS says otherwise, within bounds', () => {
    expect(loadHubConfig({}).parkingLotPollMs).toBe(1_000);
    expect(loadHubConfig({ PARKING_LOT_POLL_MS: '250' }).parkingLotPollMs).toBe(250);
    for (const bad of ['0', '99', '1.5', 'soon', '600001']) {
      expect(() => loadHubConfig({ PARKING_LOT_POLL_MS: bad })).toThrow(/PARKING_LOT_POLL_MS must be milliseconds/);
    }
  });

  it('publishes an audit checkpoint every minute unless AUDIT_CHECKPOINT_MS says otherwise, within bounds', () => {
    expect(loadHubConfig({}).auditCheckpointMs).toBe(60_000);
    expect(loadHubConfig({ AUDIT_CHECKPOINT_MS: '5000' }).auditCheckpointMs).toBe(5_000);
    for (const bad of ['0', '999', '2.5', 'hourly', '86400001']) {
      expect(() => loadHubConfig({ AUDIT_CHECKPOINT_MS: bad })).toThrow(/AUDIT_CHECKPOINT_MS must be milliseconds/);
    }
  });
});

describe('durations', () => {
  it.each([
    ['3600', 3600],
    ['90s', 90],
    ['30m', 1800],
    [' 8h ', 28_800],
    ['1d', 86_400],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'h', '1.5h', '-1m', '8 hours', '1w', '99999999999999999999d'])('refuses "%s"', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('the organisation that runs the hub', () => {
  it('is Digg unless HUB_OPERATOR_ORGANISATION names another, checked like any organisationsnummer', () => {
    expect(loadHubConfig({}).operatorOrganisation).toBe('2021006883');
    expect(loadHubConfig({ HUB_OPERATOR_ORGANISATION: '212000-1967' }).operatorOrganisation).toBe('2120001967');
    expect(() => loadHubConfig({ HUB_OPERATOR_ORGANISATION: '212000-1968' })).toThrow(/HUB_OPERATOR_ORGANISATION/);
  });
});

describe('the e-legitimation provider', () => {
  it('is the mock provider of `npm start` by default, its signing API under the issuer', () => {
    expect(loadHubConfig({}).eid).toEqual({
      issuer: 'http://127.0.0.1:3300',
      clientId: 'samtjanst-hub',
      clientSecret: 'development-only-eid-client-secret',
      signingUrl: 'http://127.0.0.1:3300/signing/v1/',
      redirectUri: 'http://127.0.0.1:3000/api/medborgare/callback',
      postLogoutRedirectUri: 'http://127.0.0.1:3000/',
    });
    expect(
      loadHubConfig({
        PUBLIC_URL: 'https://hub.example',
        EID_REDIRECT_URI: 'https://hub.example/api/medborgare/callback',
      }).eid?.redirectUri,
    ).toBe('https://hub.example/api/medborgare/callback');
    expect(loadHubConfig({}).citizenSessionTtlSeconds).toBe(1800);
    expect(() => loadHubConfig({ CITIZEN_SESSION_TTL: '2d' })).toThrow(/CITIZEN_SESSION_TTL must be a duration/);
    expect(
      loadHubConfig({ EID_ISSUER: 'https://eid.example', EID_SIGNING_URL: 'https://sign.example/rp/' }).eid,
    ).toMatchObject({ issuer: 'https://eid.example', signingUrl: 'https://sign.example/rp/' });
  });

  it('is not there in production until EID_ISSUER names one', () => {
    expect(loadHubConfig(PRODUCTION).eid).toBeUndefined();
    expect(() => loadHubConfig({ ...PRODUCTION, EID_CLIENT_SECRET: 'x'.repeat(20) })).toThrow(/EID_ISSUER must be set/);
  });

  it('names a bad URL, and in production wants https and a secret of its own', () => {
    expect(() => loadHubConfig({ EID_ISSUER: 'eid' })).toThrow(/EID_ISSUER must be an http\(s\) URL/);
    expect(() => loadHubConfig({ EID_SIGNING_URL: 'http://eid.test/sign' })).toThrow(/EID_SIGNING_URL .* ending in \//);
    let message = '';
    try {
      loadHubConfig({ NODE_ENV: 'production', EID_ISSUER: 'http://eid.test' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('EID_ISSUER must be https in production');
    expect(message).toContain('EID_CLIENT_SECRET must be set');
  });
});

describe('the monthly reports’ mail', () => {
  it('mails nothing without SMTP_URL and REPORT_FROM', () => {
    expect(loadHubConfig({}).reportMail).toBeUndefined();
  });

  it('takes an SMTP URL and a sender together', () => {
    expect(
      loadHubConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', REPORT_FROM: 'Samtjänsthubben <rapporter@hub.example>' })
        .reportMail,
    ).toEqual({ smtpUrl: 'smtp://127.0.0.1:2525', from: 'Samtjänsthubben <rapporter@hub.example>' });
  });

  it.each([
    [{ SMTP_URL: 'smtp://127.0.0.1:2525' }, /REPORT_FROM must be set when SMTP_URL is/],
    [{ REPORT_FROM: 'rapporter@hub.example' }, /SMTP_URL must be set when REPORT_FROM is/],
    [{ SMTP_URL: 'http://mail', REPORT_FROM: 'rapporter@hub.example' }, /SMTP_URL must be an smtp:\/\//],
    [{ SMTP_URL: 'smtp://mail', REPORT_FROM: 'rapporter' }, /REPORT_FROM must be an e-mail address/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadHubConfig(env)).toThrow(message);
  });
});

describe('the retention job', () => {
  it('looks hourly and keeps its clock by default', () => {
    expect(loadHubConfig({})).toMatchObject({ retentionJobIntervalMs: 3_600_000, retentionClockOverride: false });
    expect(loadHubConfig({ RETENTION_JOB_INTERVAL_MS: '0', RETENTION_CLOCK_OVERRIDE: 'true' })).toMatchObject({
      retentionJobIntervalMs: 0,
      retentionClockOverride: true,
    });
  });

  it.each([
    [{ RETENTION_JOB_INTERVAL_MS: '10' }, /RETENTION_JOB_INTERVAL_MS must be 0 or milliseconds/],
    [{ RETENTION_JOB_INTERVAL_MS: 'daily' }, /RETENTION_JOB_INTERVAL_MS must be 0 or milliseconds/],
    [{ NODE_ENV: 'production', RETENTION_CLOCK_OVERRIDE: 'true' }, /RETENTION_CLOCK_OVERRIDE is for tests and demos/],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadHubConfig(env)).toThrow(message);
  });
});
