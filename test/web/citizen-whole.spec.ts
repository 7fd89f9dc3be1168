// first: this suite destroys this year's subject key, so it runs on a database of its own
import { dropOwnDatabase, recreateOwnDatabase } from '../support/own-database.js';
import type { Page } from 'playwright-core';
import { AuditLog } from '@hub/audit';
import type { ExamplePeople } from '@hub/registers';
import { Subjects } from '../../apps/hub/src/core/subjects.js';
import { RetentionService } from '../../apps/hub/src/retention/retention.service.js';
import { describeVerification, verifyAuditChain } from '../../scripts/audit-verify.js';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { startTestEid, type RunningTestEid } from '../support/eid.js';
import { DATABASE_URL, testPool, waitFor } from '../support/env.js';
import { freePort, hubEnvForIdp, startDevIdp, type RunningDevIdp } from '../support/idp.js';
import { startSystem, type RunningSystem } from '../support/system.js';

const typed = (subject: string) => `${subject.slice(0, 8)}-${subject.slice(8)}`;
const YEAR_MS = 365.25 * 86_400_000;

/**
 * Issue 19 from end to end: the citizen signs a consent at the desk on the simulated phone, the guide asks FK and
 * sends a referral, the citizen sees the query in "Mina uppgifter" and revokes the consent, which cancels the pending
 * referral; then the retention job runs with the clock moved past every retention period, and the citizen's data is
 * gone while the audit chain still verifies.
 */
describe('a citizen’s consent from the desk to retention, in a real browser', () => {
  let pool: ReturnType<typeof testPool>;
  let idp: RunningDevIdp;
  let eid: RunningTestEid;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;
  let browser: RealBrowser;

  beforeAll(async () => {
    await recreateOwnDatabase();
    pool = testPool();
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    eid = await startTestEid({ HUB_URL: hubUrl });
    system = await startSystem(
      // FK's caseworker leaves the referral alone, so that it is still pending when the consent is revoked
      { fk: { CASEWORKER: 'manual' } },
      {
        demoAgreements: true,
        hub: {
          port: Number(new URL(hubUrl).port),
          env: {
            ...hubEnvForIdp(idp, hubUrl),
            ...eid.hubEnv,
            PUBLIC_URL: hubUrl,
            RETENTION_CLOCK_OVERRIDE: 'true',
            RETENTION_JOB_INTERVAL_MS: '0',
          },
        },
      },
    );
    ({ people } = await registerExamples(pool, ADAPTERS.fk));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await eid?.close();
    await idp?.close();
    await pool?.end();
    await dropOwnDatabase();
  }, 60_000);

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const count = async (sql: string, params: unknown[]) => Number((await pool.query(sql, params)).rows[0].n);

  it('signs, is asked about, sees it, revokes, and is forgotten when the periods have run out', async () => {
    const subject = people.withAllFk.subject;

    // at the desk: the guide starts a signing, the citizen signs on the phone
    const guide = await browser.newPage();
    await loginInBrowser(guide, hubUrl, 'anna.guide', '/fraga');
    await guide.getByLabel('Personnummer eller samordningsnummer').fill(typed(subject));
    await guide.getByRole('button', { name: 'Hämta' }).click();
    await guide.getByText('Personen har inget samtycke registrerat hos er enhet.').waitFor();
    const form = guide.getByRole('form', { name: 'Registrera samtycke' });
    await form.getByRole('checkbox', { name: /^Utbetalningar/ }).check();
    await form.getByRole('radio', { name: 'Signerat med e-legitimation' }).check();
    await form.getByRole('button', { name: 'Starta signering' }).click();
    const qr = guide.getByRole('img', { name: 'QR-kod för signering med e-legitimation' });
    await qr.waitFor();

    const desk = await browser.newPage();
    await desk.setViewportSize({ width: 390, height: 844 });
    await desk.goto((await qr.getAttribute('data-qr'))!);
    await desk.getByRole('heading', { name: 'Signera' }).waitFor();
    await desk.getByLabel('Personnummer').fill(subject);
    await desk.getByRole('button', { name: 'Skriv under' }).click();
    await desk.getByRole('heading', { name: 'Klart' }).waitFor();
    await guide.getByText('Samtycket är sparat.').waitFor({ timeout: 10_000 });
    await guide.getByRole('cell', { name: 'Signerat med e-legitimation, anna.guide' }).waitFor();

    // the guide asks FK under the consent, and sends a referral that relies on it
    const query = guide.getByRole('form', { name: 'Fråga myndigheterna' });
    await query.getByRole('checkbox', { name: /^Utbetalningar/ }).check();
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    await guide
      .getByRole('article', { name: /^Försäkringskassan/ })
      .locator('[data-state="ok"]')
      .waitFor();
    const form2 = guide.getByRole('form', { name: 'Skicka remiss' });
    await form2.getByLabel('Myndighet', { exact: true }).selectOption({ label: 'Försäkringskassan' });
    await form2.getByLabel('Typ av remiss').selectOption({ label: 'Hjälp att ansöka om bostadsbidrag' });
    await form2.getByLabel('Meddelande till myndigheten').fill('Personen vill ha hjälp att söka bostadsbidrag.');
    await form2.getByRole('radio', { name: 'Telefon' }).check();
    await form2.getByRole('button', { name: 'Skicka remiss' }).click();
    await guide.waitForURL(/\/remisser\/[0-9a-f-]{36}$/);
    const referralId = new URL(guide.url()).pathname.split('/').pop()!;
    const referralStatus = async () =>
      (await pool.query(`SELECT status FROM hub.referral WHERE id = $1`, [referralId])).rows[0]?.status as string;
    await waitFor(async () => (await referralStatus()) === 'received', 15_000, 'the referral to be received');

    // at home: the citizen logs in to Mina uppgifter, sees the query, revokes the consent
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${hubUrl}/mina-uppgifter`);
    await phone.getByRole('link', { name: 'Logga in med e-legitimation' }).click();
    await phone.getByRole('heading', { name: 'Legitimera dig' }).waitFor();
    await phone.getByLabel('Personnummer').fill(subject);
    await phone.getByRole('button', { name: 'Legitimera' }).click();
    await phone.waitForURL(`${hubUrl}/mina-uppgifter`);
    const log = phone.getByRole('region', { name: 'Vem har tagit del av mina uppgifter' });
    await log
      .getByText('Servicecenter i Örebro kommun frågade Försäkringskassan om uppgifter om dig')
      .first()
      .waitFor();
    expect(await log.textContent()).toContain('Lämnades ut: Utbetalningar');
    const card = phone.getByRole('article', { name: 'Samtycke till Servicecenter, Örebro kommun' });
    expect(await card.textContent()).toContain('e-legitimation');
    await expectAccessible(phone);
    await card.getByRole('button', { name: 'Återkalla samtycket' }).click();
    await card.getByRole('button', { name: 'Ja, återkalla' }).click();
    await phone.getByText('Samtycket till Servicecenter, Örebro kommun är återkallat').waitFor();
    await waitFor(async () => (await referralStatus()) === 'cancelled', 15_000, 'the pending referral to be cancelled');
    await phone.reload();
    await phone
      .getByRole('article', { name: /^Remiss till Försäkringskassan/ })
      .getByText('Status: Makulerad')
      .first()
      .waitFor();
    await expectAccessible(phone);
    await screenshot(phone, 'mina-uppgifter-hela-vagen');

    const subjects = system.hub.app.get(Subjects);
    const aboutTheCitizen = () =>
      count(`SELECT count(*) AS n FROM audit.entry WHERE subject_key = ANY($1)`, [subjects.subjectKeysOf(subject)]);
    expect(await aboutTheCitizen()).toBeGreaterThan(0);

    // the daily job, with the clock moved past every period: consents, the referral, query outcomes and sessions go
    const thisYear = String(new Date().getUTCFullYear());
    const later = new Date(Date.now() + 7 * YEAR_MS);
    const ran = await system.hub.app.get(RetentionService).run({ asOf: later });
    expect(ran.ran).toBe(true);
    expect(ran.failed).toEqual({});
    // This year's key is never destroyed while the year lasts on the real clock (today's records need it); the job
    // does it in the first run after the year and the longest audit period have ended, as here by hand.
    expect(ran.shredded).not.toContain(thisYear);
    const audit = system.hub.app.get(AuditLog);
    expect(await audit.shredSubjectPeriods([thisYear], later)).toEqual([thisYear]);
    await audit.loadSubjectKeys(); // as every instance does within minutes

    expect(await count(`SELECT count(*) AS n FROM hub.consent`, [])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.consent_signing`, [])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.referral WHERE id = $1`, [referralId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.query_outcome`, [])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM hub.citizen_session`, [])).toBe(0);
    // the audit entries are all still there, but lead to nobody
    expect(await aboutTheCitizen()).toBe(0);

    const chain = await verifyAuditChain(DATABASE_URL);
    expect(chain.ok).toBe(true);
    expect(describeVerification(chain)).toContain(`${thisYear}: SHREDDED`);
  }, 180_000);
});
