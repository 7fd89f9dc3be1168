import type { Page } from 'playwright-core';
import { AuditLog } from '@hub/audit';
import type { ExamplePeople } from '@hub/registers';
import { AuditCheckpoints } from '../../apps/hub/src/audit/audit-checkpoints.js';
import { ADAPTERS, AGENCY_STAFF, registerExamples } from '../support/adapters.js';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { testPool, waitFor } from '../support/env.js';
import { tokenFor } from '../support/hub.js';
import { freePort, hubEnvForIdp, startDevIdp, toolAccessToken, type RunningDevIdp } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

/**
 * The administrators', auditors' and managers' pages in a real browser against the whole running system: the
 * identity provider, the hub (serving the built UI) and the three agencies' adapters.
 */
describe('the staff pages: agreements, audit, follow-up, and an agency caseworker’s inbox', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let system: RunningSystem;
  let hubUrl: string;
  let browser: RealBrowser;
  let people: ExamplePeople;
  let agreementId: string;
  let fkUrl: string;
  const FK = ADAPTERS.fk;
  const consentCategory = FK.categories.find((c) => c.secrecyClass === 'consent')!;
  const otherConsentCategory = FK.categories.filter((c) => c.secrecyClass === 'consent')[1];

  const hubApi = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${hubUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  /** Tabs from where the focus is (a page puts it on its heading) to the control named, and presses Enter. */
  const pressWithKeyboard = async (page: Page, name: string) => {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate('document.activeElement?.textContent')) === name) {
        await page.keyboard.press('Enter');
        return;
      }
    }
    throw new Error(`"${name}" cannot be reached with the Tab key`);
  };
  const expectHeading = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name, exact: true }).waitFor();

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    // FK's adapter on a known port, trusting the identity provider, so its inbox can log Fia in from the browser
    const fkPort = await freePort();
    fkUrl = `http://127.0.0.1:${fkPort}`;
    idp = await startDevIdp({ hubUrl, env: { INBOX_REDIRECT_URIS: `${fkUrl}/inloggning` } });
    system = await startSystem(
      { fk: { PORT: String(fkPort), AUTH_ISSUER: idp.issuer, AUTH_JWKS_FILE: '' } },
      {
        demoAgreements: true,
        hub: { port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) },
        caseworkerToken: (agency) =>
          agency === 'fk' ? toolAccessToken(idp.issuer, 'fia.fk') : tokenFor(AGENCY_STAFF[agency].caseworker),
      },
    );
    ({ people } = await registerExamples(pool, FK));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await idp?.close();
    await pool.end();
  }, 60_000);

  it('lets the municipality propose an agreement with FK, keeps the form over a reload, and FK approves it', async () => {
    const maria = await browser.newPage();
    await loginInBrowser(maria, hubUrl, 'maria.admin', '/avtal');
    await expectHeading(maria, 'Samtjänstavtal');
    await maria.getByRole('table').waitFor();
    await expectAccessible(maria);
    await screenshot(maria, 'agreements');

    await maria.getByRole('link', { name: 'Nytt avtal' }).click();
    await expectHeading(maria, 'Nytt samtjänstavtal');
    await maria.getByLabel('Avtalets namn').fill('Samtjänst Servicecenter – FK, försök 2027');
    await maria.getByLabel('Myndighet', { exact: true }).selectOption({ label: 'Försäkringskassan' });
    await maria.getByLabel('Avtalet omfattar vägledning').check();
    await maria.getByLabel('Avtalet omfattar ekonomiskt bistånd').check();
    const guidance = maria.getByRole('group', { name: 'Vägledning', exact: true });
    await guidance.getByLabel(consentCategory.description).check();
    await guidance.getByLabel(otherConsentCategory.description).check();
    await guidance.getByLabel('Kommunvägledare').check();
    // the secrecy class beside each category, and a category that is never released cannot be picked
    await expect(guidance.getByText('Kräver samtycke').count()).resolves.toBeGreaterThan(0);
    const never = FK.categories.find((c) => c.secrecyClass === 'never')!;
    await expect(guidance.getByLabel(never.description).isDisabled()).resolves.toBe(true);

    await maria.reload();
    await maria.getByLabel('Avtalets namn').waitFor();
    await expect(maria.getByLabel('Avtalets namn').inputValue()).resolves.toBe(
      'Samtjänst Servicecenter – FK, försök 2027',
    );
    await expect(guidance.getByLabel(consentCategory.description).isChecked()).resolves.toBe(true);

    const assistance = maria.getByRole('group', { name: 'Ekonomiskt bistånd', exact: true });
    await assistance.getByLabel(consentCategory.description).check();
    await assistance.getByLabel('Handläggare', { exact: true }).check();
    await assistance.getByLabel('Kräver den enskildes samtycke').uncheck();
    await assistance.getByLabel('Lagstöd för ekonomiskt bistånd').fill('SFS 2001:453 11 kap. 11 §');

    // submitting without validity: errors in Swedish, on the fields, still accessible
    await maria.getByRole('button', { name: 'Spara och föreslå för motparten' }).click();
    await maria.getByText('Välj första dagen avtalet gäller.').waitFor();
    await expect(maria.getByText('Formuläret har 2 fel').count()).resolves.toBe(1);
    await expectAccessible(maria);
    await screenshot(maria, 'agreement-new');

    await maria.getByLabel('Gäller från och med').fill('2027-01-01');
    await maria.getByLabel('Gäller till och med').fill('2027-12-31');
    await maria.getByRole('button', { name: 'Spara och föreslå för motparten' }).click();
    await maria.waitForURL(/\/avtal\/[0-9a-f-]{36}$/);
    agreementId = maria.url().split('/').pop()!;
    await expectHeading(maria, 'Samtjänst Servicecenter – FK, försök 2027');
    await maria.getByText('Föreslaget', { exact: true }).waitFor();
    // the municipality cannot approve its own proposal: the button is the agency's
    await expect(maria.getByRole('button', { name: 'Godkänn avtalet' }).count()).resolves.toBe(0);
    await expectAccessible(maria);

    const fredrik = await browser.newPage();
    await loginInBrowser(fredrik, hubUrl, 'fredrik.fk', `/avtal/${agreementId}`);
    const staleTab = await fredrik.context().newPage();
    await staleTab.goto(`${hubUrl}/avtal/${agreementId}`);
    await staleTab.getByRole('button', { name: 'Godkänn avtalet' }).waitFor();
    await expectHeading(fredrik, 'Samtjänst Servicecenter – FK, försök 2027');
    await pressWithKeyboard(fredrik, 'Godkänn avtalet');
    await fredrik.getByText('Avtalet är godkänt och gäller nu.').waitFor();
    await fredrik.getByText('Gällande', { exact: true }).waitFor();
    await expectAccessible(fredrik);
    await screenshot(fredrik, 'agreement-approved');

    // a second approval from a tab that still shows the proposal: the hub refuses, the page says what to do
    await staleTab.getByRole('button', { name: 'Godkänn avtalet' }).click();
    await staleTab.getByText('Ladda om sidan och se vad som gäller nu.').waitFor();

    const shown = await hubApi(
      await toolAccessToken(idp.issuer, 'maria.admin'),
      'GET',
      `/api/agreements/${agreementId}`,
    );
    expect(shown.body).toMatchObject({ status: 'active', version: 1 });
    expect(shown.body.purposes.vagledning.categories.sort()).toEqual(
      [consentCategory.code, otherConsentCategory.code].sort(),
    );
    expect(shown.body.purposes['ekonomiskt-bistand']).toMatchObject({
      roles: ['caseworker'],
      consentRequired: false,
      legalBasis: { reference: 'SFS 2001:453 11 kap. 11 §' },
    });
  }, 120_000);

  it('amends the agreement into version 2, shows the versions side by side, and suspends it', async () => {
    const maria = await browser.newPage();
    await loginInBrowser(maria, hubUrl, 'maria.admin', `/avtal/${agreementId}`);
    await maria.getByRole('link', { name: 'Ändra villkoren' }).click();
    await expectHeading(maria, 'Ändra avtal');
    await maria.getByLabel('Gäller till och med').fill('2028-06-30');
    const guidance = maria.getByRole('group', { name: 'Vägledning', exact: true });
    await guidance.getByLabel(otherConsentCategory.description).uncheck();
    await expectAccessible(maria);
    await screenshot(maria, 'agreement-amend');
    await maria.getByRole('button', { name: 'Spara och föreslå för motparten' }).click();
    await maria.waitForURL(`${hubUrl}/avtal/${agreementId}`);
    // version 1 governs until the amendment is approved, and can still be stopped meanwhile
    await maria.getByText('Ändring: föreslaget (version 2)', { exact: false }).waitFor();
    await expect(maria.locator('.facts strong').first().textContent()).resolves.toBe('Gällande');
    await maria.getByRole('button', { name: 'Stoppa tillfälligt' }).waitFor();

    const fredrik = await browser.newPage();
    await loginInBrowser(fredrik, hubUrl, 'fredrik.fk', `/avtal/${agreementId}`);
    await fredrik.getByRole('button', { name: 'Godkänn avtalet' }).click();
    await fredrik.getByText('Avtalet är godkänt och gäller nu.').waitFor();

    await maria.goto(`${hubUrl}/avtal/${agreementId}/versioner`);
    await maria.getByRole('table').waitFor();
    const columns = await maria.getByRole('columnheader').allTextContents();
    expect(columns).toEqual(['Villkor', 'Version 1', 'Version 2']);
    const validTo = maria.getByRole('row', { name: /Gäller till/ });
    await expect(validTo.textContent()).resolves.toBe('Gäller till (ändrat)31 december 202730 juni 2028');
    const categories = maria.getByRole('row', { name: /Vägledning: uppgifter/ });
    await expect(categories.textContent()).resolves.toContain('(ändrat)');
    const roles = maria.getByRole('row', { name: /Vägledning: roller/ });
    await expect(roles.textContent()).resolves.not.toContain('(ändrat)');
    await maria.getByText('rader skiljer sig').waitFor();
    await expectAccessible(maria);
    await screenshot(maria, 'agreement-versions');

    await maria.getByRole('link', { name: 'Tillbaka till avtalet' }).click();
    await maria.getByRole('button', { name: 'Stoppa tillfälligt' }).click();
    await maria.getByText('Avtalet är tillfälligt stoppat.', { exact: false }).waitFor();
    await maria.getByText('Vilande', { exact: true }).waitFor();
    await maria.getByRole('cell', { name: 'Tillfälligt stoppat' }).first().waitFor();
    // ending an agreement cannot be undone: the page asks first, and "no" leaves it as it was
    await maria.getByRole('button', { name: 'Avsluta avtalet' }).click();
    await maria.getByText('Ett avslutat avtal kan inte återupptas.').waitFor();
    await maria.getByRole('button', { name: 'Nej, behåll avtalet' }).click();
    await maria.getByRole('button', { name: 'Återuppta' }).waitFor();
    await expectAccessible(maria);
    await screenshot(maria, 'agreement-suspended');
  }, 120_000);

  it("verifies the audit chain and prints a citizen's access report", async () => {
    const guide = await toolAccessToken(idp.issuer, 'anna.guide');
    const subject = people.withAllFk.subject;
    const asked = await hubApi(guide, 'POST', '/api/queries', {
      subject,
      purpose: 'vagledning',
      agencies: ['fk', 'af'],
    });
    expect(asked.status).toBe(200);
    const denied = await hubApi(guide, 'POST', '/api/queries', {
      subject,
      purpose: 'bostadsanpassning',
      agencies: ['fk'],
    });
    expect(denied.body.results[0].status).toBe('denied');
    // the hub may have published the head on its own interval already
    await system.hub.app.get(AuditCheckpoints).publish();
    const head = (await system.hub.app.get(AuditLog).head())!;
    const auditor = await toolAccessToken(idp.issuer, 'ada.auditor');
    await waitFor(async () => {
      const { body } = await hubApi(auditor, 'GET', '/api/audit/witnesses');
      return body.filter((w: { position: number }) => w.position === head.seq).length === 3;
    });

    const ada = await browser.newPage();
    await loginInBrowser(ada, hubUrl, 'ada.auditor', '/granskning');
    await expectHeading(ada, 'Granskning');
    const witnesses = ada.getByRole('region', { name: 'Kontrollpunkter hos myndigheterna' }).locator('tbody tr');
    await witnesses.first().waitFor();
    expect(await witnesses.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Försäkringskassan\d+.*Inte kontrollerad$/)]),
    );
    await expectAccessible(ada);
    await pressWithKeyboard(ada, 'Kontrollera loggkedjan');
    const verdict = ada.getByText('Kedjan är obruten');
    await verdict.waitFor();
    const rows = Number(
      (await verdict.textContent())!.match(/obruten: ([\d\s\u00a0\u202f]+) poster/)![1].replace(/\D/g, ''),
    );
    expect(rows).toBeGreaterThan(5);
    await expect(verdict.textContent()).resolves.toContain('stämmer med kontrollpunkterna hos 3 myndigheter');
    expect(await witnesses.allTextContents()).toHaveLength(3);
    expect((await witnesses.allTextContents()).every((row) => row.endsWith('Stämmer'))).toBe(true);

    await ada.getByLabel('Personnummer').fill('19121212-121');
    await ada.getByRole('button', { name: 'Ta fram utdrag' }).click();
    await ada.getByText('Skriv personnumret med tolv siffror').waitFor();

    await ada.getByLabel('Personnummer').fill(`${subject.slice(0, 8)}-${subject.slice(8)}`);
    await ada.getByRole('button', { name: 'Ta fram utdrag' }).click();
    const report = ada.locator('.report table');
    await report.waitFor();
    const entries = await report.locator('tbody tr').allTextContents();
    expect(entries.length).toBeGreaterThanOrEqual(3);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Fråga.*anna\.guide.*Vägledning.*Arbetsförmedlingen.*Uppgifter lämnade/),
        expect.stringMatching(/Fråga.*anna\.guide.*Vägledning.*Försäkringskassan/),
        expect.stringMatching(/Fråga.*anna\.guide.*Bostadsanpassning.*Försäkringskassan.*Nekad/),
      ]),
    );
    expect(await ada.getByText(subject).count()).toBe(0);
    await expectAccessible(ada);
    await screenshot(ada, 'audit');

    await ada.emulateMedia({ media: 'print' });
    await expect(ada.getByRole('navigation', { name: 'Huvudmeny' }).isVisible()).resolves.toBe(false);
    await expect(ada.getByRole('button', { name: 'Skriv ut' }).isVisible()).resolves.toBe(false);
    await expect(ada.getByRole('button', { name: 'Kontrollera loggkedjan' }).isVisible()).resolves.toBe(false);
    await expect(report.isVisible()).resolves.toBe(true);
    await screenshot(ada, 'audit-print');
    await ada.emulateMedia({ media: 'screen' });
  }, 120_000);

  it("shows the manager's dashboard with the numbers of the traffic", async () => {
    const guide = await toolAccessToken(idp.issuer, 'anna.guide');
    const subject = people.jobSeeker.subject;
    for (let i = 0; i < 3; i++) {
      const asked = await hubApi(guide, 'POST', '/api/queries', {
        subject,
        purpose: 'vagledning',
        agencies: ['fk', 'af', 'skv'],
      });
      expect(asked.status).toBe(200);
    }
    await hubApi(guide, 'POST', '/api/queries', { subject, purpose: 'etablering', agencies: ['af'] });
    const consent = await hubApi(guide, 'POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: [consentCategory.code],
      method: 'in-person-written',
      validUntil: '2027-06-30',
    });
    expect(consent.status).toBe(201);
    const sent = await hubApi(guide, 'POST', '/api/referrals', {
      subject,
      agency: 'fk',
      referralType: FK.referralTypes[0].code,
      purpose: 'vagledning',
      message: 'Behöver hjälp att ansöka om bostadsbidrag.',
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(sent.status).toBe(201);

    const managerToken = await toolAccessToken(idp.issuer, 'max.manager');
    const summary = (await hubApi(managerToken, 'GET', '/api/follow-up/summary')).body;
    expect(summary.queries.total.queries).toBeGreaterThanOrEqual(4);
    // one referral of this suite at least: shown, or suppressed while the day has fewer than five
    expect(summary.referrals.total === null || summary.referrals.total >= 5).toBe(true);

    const max = await browser.newPage();
    await loginInBrowser(max, hubUrl, 'max.manager', '/uppfoljning');
    await expectHeading(max, 'Uppföljning');
    const figures = max.getByRole('list', { name: 'Frågor och remisser i siffror' }).getByRole('listitem');
    await figures.first().waitFor();
    const sv = (n: number) => new Intl.NumberFormat('sv-SE').format(n);
    await expect(figures.nth(0).textContent()).resolves.toBe(`${sv(summary.queries.total.queries)} frågor`);
    const referralsShown = summary.referrals.total === null ? 'färre än 5' : sv(summary.referrals.total);
    await expect(figures.nth(3).textContent()).resolves.toBe(`${referralsShown} remisser`);
    // four charts at least, each a labelled picture with its numbers in a table
    await expect(max.getByRole('img').count()).resolves.toBeGreaterThanOrEqual(4);
    const byPurpose = max.getByRole('table', { name: 'Myndighetssvar per ändamål och myndighet' });
    const guidanceRow = await byPurpose.getByRole('row', { name: /Vägledning/ }).textContent();
    const fkGuidance = summary.queries.perDay
      .filter((r: { purpose: string; agency: string }) => r.purpose === 'vagledning' && r.agency === 'fk')
      .reduce((sum: number, r: { count: number }) => sum + r.count, 0);
    expect(fkGuidance).toBeGreaterThanOrEqual(3);
    expect(guidanceRow).toContain(sv(fkGuidance));
    await max
      .getByRole('table', { name: 'Nekade svar per skäl och myndighet' })
      .getByText(/ändamål/)
      .first()
      .waitFor();
    await max.getByRole('table', { name: 'Remisser per ändamål och myndighet' }).waitFor();
    await max.getByRole('table', { name: 'Ledtider per myndighet' }).waitFor();
    await expectAccessible(max);
    await screenshot(max, 'follow-up');

    await max.getByLabel('Från och med').fill('2025-01-01');
    await max.getByLabel('Till och med').fill('2026-12-31');
    await max.getByRole('button', { name: 'Visa perioden' }).click();
    await max.getByText('Perioden går inte att visa').first().waitFor();
    await expectAccessible(max);
  }, 120_000);

  it('lets an FK caseworker log in to the inbox, accept a referral, and the hub’s timeline shows it', async () => {
    const guide = await toolAccessToken(idp.issuer, 'anna.guide');
    const subject = people.withAllFk.subject;
    const consent = await hubApi(guide, 'POST', '/api/consents', {
      subject,
      purposes: ['vagledning'],
      agencies: ['fk'],
      categories: [consentCategory.code],
      method: 'in-person-verbal',
      validUntil: '2027-06-30',
    });
    const sent = await hubApi(guide, 'POST', '/api/referrals', {
      subject,
      agency: 'fk',
      referralType: FK.referralTypes[1].code,
      purpose: 'vagledning',
      message: 'Personen är sjukskriven och behöver prata med en handläggare om sjukpenning.',
      contactPreference: 'phone',
      consentId: consent.body.id,
    });
    expect(sent.status).toBe(201);
    const referralId = sent.body.id as string;
    await waitFor(
      async () => (await hubApi(guide, 'GET', `/api/referrals/${referralId}`)).body.status === 'received',
      15_000,
      'FK to receive the referral',
    );

    const fia = await browser.newPage();
    const response = await fia.goto(`${fkUrl}/inkorg`);
    expect(response?.headers()['content-security-policy']).toContain(`connect-src 'self' ${idp.issuer}`);
    await expectHeading(fia, 'Inkorg – Försäkringskassan');
    await expectAccessible(fia);
    await fia.getByRole('button', { name: 'Logga in' }).click();
    await fia.getByLabel('Användarnamn').fill('fia.fk');
    await fia.getByLabel('Lösenord').fill('demo');
    await fia.getByRole('button', { name: 'Logga in' }).click();
    await fia.waitForURL(`${fkUrl}/inkorg`);
    await fia.getByText('Fia Handläggare').waitFor();
    const link = fia.getByRole('link', { name: FK.referralTypes[1].description }).first();
    await link.waitFor();
    await expectAccessible(fia);
    await screenshot(fia, 'inbox');

    await fia.goto(`${fkUrl}/inkorg/${referralId}`);
    await expectHeading(fia, `Remiss: ${FK.referralTypes[1].description}`);
    await fia.getByText(`${subject.slice(0, 8)}-${subject.slice(8)}`).waitFor();
    await fia.getByRole('button', { name: 'Spara status' }).click();
    await fia.getByText('Välj vad som händer med remissen.').waitFor();
    await fia.getByLabel('Acceptera remissen').check();
    await fia.getByLabel('Anteckning till kommunen (valfri)').fill('Vi ringer personen i veckan.');
    await fia.reload();
    await expect(fia.getByLabel('Acceptera remissen').isChecked()).resolves.toBe(true);
    await expect(fia.getByLabel('Anteckning till kommunen (valfri)').inputValue()).resolves.toBe(
      'Vi ringer personen i veckan.',
    );
    await expectAccessible(fia);
    await fia.getByRole('button', { name: 'Spara status' }).click();
    await fia.getByText('Remissen har status Accepterad.').waitFor();
    await fia.getByRole('cell', { name: 'Vi ringer personen i veckan.' }).waitFor();
    await expectAccessible(fia);
    await screenshot(fia, 'inbox-referral');

    await waitFor(
      async () => {
        const { body } = await hubApi(guide, 'GET', `/api/referrals/${referralId}`);
        return body.status === 'accepted' && body.timeline.some((e: { status: string }) => e.status === 'accepted');
      },
      15_000,
      'the acceptance to reach the hub’s timeline',
    );

    // a token that has run out: the inbox asks for a new login and keeps what was typed
    await fia.evaluate(`(() => {
      const key = 'samtjanst.inbox.login';
      const login = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...login, accessToken: 'expired-token' }));
    })()`);
    await fia.goto(`${fkUrl}/inkorg`);
    await fia.getByText('Din inloggning har gått ut. Logga in igen').waitFor();
    await fia.getByRole('button', { name: 'Logga in' }).waitFor();
  }, 120_000);
});
