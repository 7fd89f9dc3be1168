import type { Page } from 'playwright-core';
import type { ExamplePeople } from '@hub/registers';
import { ADAPTERS, registerExamples } from '../support/adapters.js';
import {
  accessibilityViolations,
  describeViolations,
  launchBrowser,
  loginInBrowser,
  screenshot,
  type RealBrowser,
} from '../support/browser.js';
import { testPool, waitFor } from '../support/env.js';
import { freePort, hubEnvForIdp, startDevIdp, type RunningDevIdp } from '../support/idp.js';
import { AGENCIES, startSystem, type RunningSystem } from '../support/system.js';

const FAST_CASEWORKER = {
  CASEWORKER: 'simulated',
  CASEWORKER_ACCEPT_AFTER_MS: '200',
  CASEWORKER_START_AFTER_MS: '200',
  CASEWORKER_CLOSE_AFTER_MS: '200',
  CASEWORKER_DECLINE_RATE: '0',
};

// evaluated in the page as text: the tests are typed for Node, without the DOM's types
const FOCUSED_NAME_ATTRIBUTE = "document.activeElement?.getAttribute('name')";
/** `<form's aria-labelledby>|<the focused control's label>` */
const FOCUSED_CONTROL = `(() => {
  const element = document.activeElement;
  if (!element) return '';
  const label = (element.labels && element.labels[0] ? element.labels[0].textContent : element.textContent) || '';
  const form = element.closest('form');
  return (form ? form.getAttribute('aria-labelledby') || '' : '') + '|' + label.trim();
})()`;

const typed = (subject: string) => `${subject.slice(0, 8)}-${subject.slice(8)}`;

/** What a kommunvägledare does in the web UI, in Debian's Chromium, with the whole system running. */
describe('the guide’s pages in a real browser', () => {
  const pool = testPool();
  let idp: RunningDevIdp;
  let system: RunningSystem;
  let hubUrl: string;
  let people: ExamplePeople;
  let browser: RealBrowser;

  beforeAll(async () => {
    hubUrl = `http://127.0.0.1:${await freePort()}`;
    idp = await startDevIdp({ hubUrl });
    // SKV's caseworker takes her time, so that a referral to SKV can be withdrawn before it is accepted
    const adapterEnv = Object.fromEntries(AGENCIES.map((agency) => [agency, FAST_CASEWORKER]));
    adapterEnv.skv = { ...FAST_CASEWORKER, CASEWORKER_ACCEPT_AFTER_MS: '600000' };
    system = await startSystem(adapterEnv, {
      demoAgreements: true,
      hub: { port: Number(new URL(hubUrl).port), env: hubEnvForIdp(idp, hubUrl) },
    });
    ({ people } = await registerExamples(pool, ADAPTERS.af));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    await idp?.close();
    await pool.end();
  }, 60_000);

  const expectAccessible = async (page: Page) => {
    expect(describeViolations(await accessibilityViolations(page))).toBe('');
  };
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const consentForm = (page: Page) => page.getByRole('form', { name: 'Registrera samtycke' });
  const queryForm = (page: Page) => page.getByRole('form', { name: 'Fråga myndigheterna' });
  const referralForm = (page: Page) => page.getByRole('form', { name: 'Skicka remiss' });
  const agencyCard = (page: Page, name: string) => page.getByRole('article', { name: new RegExp(`^${name}`) });
  const stateOf = (page: Page, name: string) =>
    agencyCard(page, name).locator('[data-state]').getAttribute('data-state');

  const lookUp = async (page: Page, subject: string) => {
    await page.getByLabel('Personnummer eller samordningsnummer').fill(typed(subject));
    await page.getByRole('button', { name: 'Hämta' }).click();
    await page.getByRole('heading', { name: 'Samtycken' }).waitFor();
  };
  const checkCategories = async (form: ReturnType<typeof consentForm>, descriptions: RegExp[]) => {
    for (const description of descriptions) await form.getByRole('checkbox', { name: description }).check();
  };

  it('takes a guide from login to a three-agency answer and a referral that reaches closed', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    expect(await heading(page)).toBe('Fråga myndigheter');
    await expectAccessible(page);
    await screenshot(page, 'guide-fraga');

    const subject = people.jobSeeker.subject;
    await lookUp(page, subject);
    await page.getByText('Personen har inget samtycke registrerat hos er enhet.').waitFor();

    const consent = consentForm(page);
    await checkCategories(consent, [/^Utbetalningar/, /^Inskriven som arbetssökande/, /^Folkbokföringsadress/]);
    expect(await consent.getByRole('checkbox', { name: /^Läkarintyg/ }).isDisabled()).toBe(true);
    await consent.getByText('Lämnas aldrig ut').first().waitFor();
    await consent.getByRole('radio', { name: 'Skriftligt vid besök' }).check();
    await consent.getByRole('button', { name: 'Spara samtycke' }).click();
    await page.getByText('Samtycket är sparat.').waitFor();
    await page.getByRole('cell', { name: 'Skriftligt vid besök, anna.guide' }).waitFor();
    expect(await page.getByRole('cell', { name: 'Gäller', exact: true }).count()).toBe(1);
    const another = page.getByRole('button', { name: 'Registrera ett nytt samtycke' });
    expect(await another.getAttribute('aria-expanded')).toBe('false');
    expect(await consentForm(page).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'guide-samtycke');

    const query = queryForm(page);
    await checkCategories(query, [/^Utbetalningar/, /^Inskriven som arbetssökande/, /^Folkbokföringsadress/]);
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    for (const name of ['Försäkringskassan', 'Arbetsförmedlingen', 'Skatteverket']) {
      await agencyCard(page, name).locator('[data-state="ok"]').waitFor();
    }
    expect(await agencyCard(page, 'Arbetsförmedlingen').getByRole('columnheader', { name: 'Status' }).count()).toBe(1);
    expect(await agencyCard(page, 'Skatteverket').getByRole('columnheader', { name: 'Civilstånd' }).count()).toBe(1);
    const announced = await page.locator('.query-results [aria-live="polite"]').textContent();
    expect(announced).toContain('Arbetsförmedlingen: svar med 1 uppgift.');
    expect(await page.getByRole('heading', { name: 'Skyddade personuppgifter' }).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'guide-svar');

    const referral = referralForm(page);
    await referral.getByLabel('Myndighet', { exact: true }).selectOption({ label: 'Arbetsförmedlingen' });
    await referral.getByLabel('Typ av remiss').selectOption({ label: 'Inskrivning som arbetssökande' });
    await referral.getByText('Myndigheten ska svara inom 3 dagar.').waitFor();
    await referral
      .getByLabel('Meddelande till myndigheten')
      .fill('Vill skriva in sig som arbetssökande efter uppsägning.');
    await referral.getByRole('radio', { name: 'Telefon' }).check();
    await referral.getByRole('button', { name: 'Skicka remiss' }).click();
    await page.waitForURL(/\/remisser\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: 'Remiss till Arbetsförmedlingen' }).waitFor();
    await page.locator('[data-status="closed"]').waitFor({ timeout: 30_000 });
    const timeline = await page.locator('.timeline li strong').allTextContents();
    expect(timeline).toEqual(['Skickad', 'Mottagen', 'Accepterad', 'Pågår', 'Avslutad']);
    expect(await page.getByRole('button', { name: 'Återkalla remissen' }).count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'guide-remiss');

    await page.getByRole('link', { name: 'Remisser', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Remisser' }).waitFor();
    await page.getByRole('cell', { name: 'Avslutad' }).first().waitFor();
    expect(await page.getByRole('cell', { name: /^Arbetsförmedlingen: Inskrivning som arbetssökande/ }).count()).toBe(
      1,
    );
    await expectAccessible(page);
    await screenshot(page, 'guide-remisser');
  }, 120_000);

  it('says while typing what is wrong with a personnummer, and asks nothing with it', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    const field = page.getByLabel('Personnummer eller samordningsnummer');
    const subject = people.ordinary.subject;
    const wrong = `${subject.slice(0, 11)}${(Number(subject[11]) + 1) % 10}`;
    await field.pressSequentially(typed(subject).slice(0, 6));
    await page.getByText('6 av 10 eller 12 siffror.').waitFor();
    await field.fill(typed(wrong));
    await page.getByText(/^Kontrollsiffran \(den sista siffran\) stämmer inte/).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Hämta' }).click();
    expect(await page.evaluate(FOCUSED_NAME_ATTRIBUTE)).toBe('personnummer');
    expect(await page.getByRole('heading', { name: 'Samtycken' }).count()).toBe(0);
    await expectAccessible(page);
    await field.fill(typed(subject));
    await page.getByText('✓ Giltigt personnummer.').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBeNull();
  }, 60_000);

  it('shows an agency denied with its reason in plain Swedish next to one that answered', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    await lookUp(page, people.ordinary.subject);
    const query = queryForm(page);
    await query.getByRole('checkbox', { name: 'Skatteverket' }).uncheck();
    await checkCategories(query, [/^Pågående ärenden/, /^Den ansvariga handläggarens kontor/]);
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    await agencyCard(page, 'Arbetsförmedlingen').locator('[data-state="ok"]').waitFor();
    expect(await stateOf(page, 'Försäkringskassan')).toBe('denied');
    const fk = agencyCard(page, 'Försäkringskassan');
    expect(await fk.getByText('Nekad').count()).toBe(1);
    await fk
      .getByText('Samtycke saknas eller omfattar inte detta. Registrera ett samtycke som täcker det och försök igen.')
      .waitFor();
    expect(await agencyCard(page, 'Skatteverket').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'guide-nekad');
  }, 60_000);

  it('warns prominently of protected identity, with what to do, and asks again with a justification', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    await lookUp(page, people.protected.subject);
    const query = queryForm(page);
    await query.getByRole('checkbox', { name: 'Försäkringskassan' }).uncheck();
    await checkCategories(query, [/^Den ansvariga handläggarens kontor/, /^Registrering för F-skatt/]);
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    const warning = page
      .getByRole('alert')
      .filter({ has: page.getByRole('heading', { name: 'Skyddade personuppgifter' }) });
    await warning.waitFor();
    // the hub's own handling instruction, once the whole answer is in
    await warning.getByText(/hantera ärendet enligt rutinen för skyddade personuppgifter/).waitFor();
    expect(await warning.textContent()).toContain('Skicka post till personen via Skatteverket');
    await page.locator('[data-state="denied"]').first().waitFor();
    await agencyCard(page, 'Skatteverket')
      .getByText('Personen har skyddade personuppgifter. Skriv en motivering och försök igen.')
      .waitFor();
    await screenshot(page, 'guide-skyddad');

    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    await query.getByText('Skriv varför du behöver uppgifterna, med minst 10 tecken.', { exact: true }).waitFor();
    await query
      .getByLabel('Motivering (krävs för skyddade personuppgifter)')
      .fill('Personen har bett om hjälp att kontakta sin handläggare på Arbetsförmedlingen.');
    await query.getByRole('button', { name: 'Fråga myndigheterna' }).click();
    await agencyCard(page, 'Skatteverket').locator('[data-state="ok"]').waitFor();
    await agencyCard(page, 'Arbetsförmedlingen').locator('[data-state="ok"]').waitFor();
    const shown = await page.locator('.query-results').textContent();
    expect(shown).not.toContain('Kontor');
    expect(await warning.count()).toBe(1);
    await expectAccessible(page);
  }, 60_000);

  it('keeps what was typed in the forms when the page is reloaded', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    await lookUp(page, people.retired.subject);
    await consentForm(page)
      .getByRole('checkbox', { name: /^Pågående ärenden/ })
      .check();
    await consentForm(page).getByRole('radio', { name: 'Muntligt vid besök' }).check();
    await queryForm(page).getByLabel('Ändamål').selectOption({ label: 'Etablering' });
    await referralForm(page).getByLabel('Meddelande till myndigheten').fill('Halvskrivet meddelande');
    await page.reload();
    await page.getByRole('heading', { name: 'Samtycken' }).waitFor();
    expect(await page.getByLabel('Personnummer eller samordningsnummer').inputValue()).toBe(
      typed(people.retired.subject),
    );
    expect(
      await consentForm(page)
        .getByRole('checkbox', { name: /^Pågående ärenden/ })
        .isChecked(),
    ).toBe(true);
    expect(await consentForm(page).getByRole('radio', { name: 'Muntligt vid besök' }).isChecked()).toBe(true);
    expect(await queryForm(page).getByLabel('Ändamål').inputValue()).toBe('etablering');
    expect(await referralForm(page).getByLabel('Meddelande till myndigheten').inputValue()).toBe(
      'Halvskrivet meddelande',
    );
  }, 60_000);

  it('can be used with the keyboard alone: the query form in a sensible Tab order, sent with Enter', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    const field = page.getByLabel('Personnummer eller samordningsnummer');
    // from the page's heading, which has focus when the page opens
    await page.keyboard.press('Tab');
    expect(await page.evaluate(FOCUSED_NAME_ATTRIBUTE)).toBe('personnummer');
    await page.keyboard.type(typed(people.withFTax.subject));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Samtycken' }).waitFor();
    expect(await field.inputValue()).toBe(typed(people.withFTax.subject));

    const focusedName = async () => String(await page.evaluate(FOCUSED_CONTROL));
    await queryForm(page).getByLabel('Ändamål').focus();
    const order: string[] = [];
    for (let i = 0; i < 30; i++) {
      const name = await focusedName();
      order.push(name.split('|')[1]!);
      if (name === 'fraga-rubrik|Fråga myndigheterna') break;
      if (name === 'fraga-rubrik|Försäkringskassan') await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
    }
    expect(order[0]).toBe('Ändamål');
    expect(order.slice(1, 4)).toEqual(['Försäkringskassan', 'Arbetsförmedlingen', 'Skatteverket']);
    expect(order.at(-2)).toBe('Samtycke');
    expect(order.at(-1)).toBe('Fråga myndigheterna');
    // Försäkringskassan was unchecked with Space, so its categories left the form
    expect(order.some((name) => name.startsWith('Utbetalningar'))).toBe(false);
    expect(order.some((name) => name.startsWith('Registrering för F-skatt'))).toBe(true);
    await page.keyboard.press('Enter');
    await agencyCard(page, 'Skatteverket').locator('[data-state]:not([data-state="waiting"])').waitFor();
    expect(await agencyCard(page, 'Försäkringskassan').count()).toBe(0);
    expect(await agencyCard(page, 'Arbetsförmedlingen').count()).toBe(1);
  }, 60_000);

  it('withdraws a referral the agency has not accepted yet, with a note, and shows it in the timeline', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    await lookUp(page, people.withFTax.subject);
    await checkCategories(consentForm(page), [/^Folkbokföringsadress/]);
    await consentForm(page).getByRole('radio', { name: 'Muntligt vid besök' }).check();
    const validUntil = consentForm(page).getByLabel('Gäller till och med');
    const suggested = await validUntil.inputValue();
    await validUntil.fill('2099-01-01');
    await consentForm(page).getByRole('button', { name: 'Spara samtycke' }).click();
    await consentForm(page)
      .getByText(/^Ett samtycke gäller högst 12 månader, alltså längst till \d+ \w+ \d{4}\.$/)
      .waitFor();
    expect(await validUntil.getAttribute('aria-invalid')).toBe('true');
    await validUntil.fill(suggested);
    await consentForm(page).getByRole('button', { name: 'Spara samtycke' }).click();
    await page.getByText('Samtycket är sparat.').waitFor();
    const referral = referralForm(page);
    await referral.getByRole('button', { name: 'Skicka remiss' }).click();
    await referral.getByText('Remissen är inte skickad. Rätta det som är markerat.').waitFor();
    expect(await referral.getByLabel('Meddelande till myndigheten').getAttribute('aria-invalid')).toBe('true');
    await referral.getByLabel('Myndighet', { exact: true }).selectOption({ label: 'Skatteverket' });
    await referral.getByLabel('Typ av remiss').selectOption({ label: 'Hjälp med adressändring' });
    await referral.getByLabel('Meddelande till myndigheten').fill('Har flyttat och behöver hjälp med adressändringen.');
    await referral.getByRole('radio', { name: 'Brev' }).check();
    await referral.getByRole('button', { name: 'Skicka remiss' }).click();
    await page.getByRole('heading', { level: 1, name: 'Remiss till Skatteverket' }).waitFor();
    await page.locator('[data-status="received"]').waitFor();
    await page.getByLabel('Anteckning till myndigheten (frivillig)').fill('Personen har löst det själv.');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Återkalla remissen' }).click();
    await page.getByText('Remissen är återkallad. Myndigheten har fått besked.').waitFor();
    await page.locator('[data-status="cancelled"]').waitFor();
    const statuses = await page.locator('.timeline li strong').allTextContents();
    expect(statuses.slice(0, 3)).toEqual(['Skickad', 'Mottagen', 'Återkallad']);
    // Skatteverket's own word that it stopped, when it has arrived
    expect(statuses.slice(3).every((status) => status === 'Återkallad')).toBe(true);
    const withdrawn = await page.locator('.timeline li').nth(2).textContent();
    expect(withdrawn).toContain('Örebro kommun, Anna Vägledare');
    expect(withdrawn).toContain('Personen har löst det själv.');
    expect(await page.getByRole('button', { name: 'Återkalla remissen' }).count()).toBe(0);
  }, 60_000);

  it('logs five contacts by keyboard alone over different channels and shows them in the day’s list and counts', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide');
    expect(await heading(page)).toMatch(/^Välkommen, /);
    const form = page.getByRole('form', { name: 'Ny kontakt' });
    await page.getByRole('heading', { name: 'Dagens kontakter' }).waitFor();
    const count = async (key: string) => Number(await page.locator(`[data-count="${key}"]`).textContent());
    await page.locator('[data-count="total"]').waitFor();
    const before = { total: await count('total'), besvarad: await count('besvarad'), telefon: await count('telefon') };
    await expectAccessible(page);
    await screenshot(page, 'guide-dagen');

    const contacts = [
      {
        channel: 'Tel',
        topic: 'snöröj',
        rosa: '1',
        outcome: 'Bes',
        saved: 'Telefon',
        shown: 'Snöröjning och halkbekämpning',
      },
      { channel: 'Bes', topic: 'Skolskjuts', rosa: '2', outcome: 'Bes', saved: 'Besök', shown: 'Skolskjuts' },
      // not `Rem`: a contact referred to an agency goes on to /fraga, for the referral made during it
      { channel: 'E-p', topic: 'bygglov', rosa: '3', outcome: 'Bok', saved: 'E-post', shown: 'Bygglov och anmälan' },
      { channel: 'Cha', topic: 'färdtjänst', rosa: '4', outcome: 'Bok', saved: 'Chatt', shown: 'Färdtjänst' },
      { channel: 'Soc', topic: 'bibliotek', rosa: '1', outcome: 'Ej', saved: 'Sociala medier', shown: 'Bibliotek' },
    ];
    await form.getByLabel('Kanal').focus();
    const status = form.getByRole('status');
    for (const contact of contacts) {
      // the lists pick by typing, as a select does; Tab between the fields; Enter saves from the last list
      await page.keyboard.type(contact.channel);
      await page.keyboard.press('Tab');
      await page.keyboard.type(contact.topic);
      await page.keyboard.press('Tab');
      await page.keyboard.type(contact.rosa);
      await page.keyboard.press('Tab');
      await page.keyboard.type(contact.outcome);
      await page.keyboard.press('Enter');
      await status.filter({ hasText: contact.shown }).waitFor();
      expect(await status.textContent()).toContain(`Sparad: ${contact.saved}, ${contact.shown}`);
      expect(await page.evaluate(FOCUSED_CONTROL)).toBe('ny-kontakt|Kanal');
      expect(await form.getByLabel('Ämne').inputValue()).toBe('');
      // the next contact is typed at once, but not within the list's type-ahead second of this one
      await page.waitForTimeout(1100);
    }
    // polled from here: the page's CSP (script-src 'self') refuses the eval that waitForFunction polls with
    await waitFor(
      async () => Number(await page.locator('[data-count="total"]').textContent()) === before.total + 5,
      10_000,
      'the day’s total to count the five contacts',
    );
    expect(await count('besvarad')).toBe(before.besvarad + 2);
    expect(await count('telefon')).toBe(before.telefon + 1);
    const rows = page.locator('table.day-contacts tbody tr');
    const firstFive = (await rows.allTextContents()).slice(0, 5);
    expect(firstFive.map((row) => contacts.find((c) => row.includes(c.shown))?.shown)).toEqual(
      contacts.map((c) => c.shown).reverse(),
    );
    expect(firstFive[0]).toContain('Ej löst');
    await page.getByRole('heading', { name: 'Öppna remisser' }).waitFor();
    await expectAccessible(page);

    // a topic not in the list is said, not sent
    await form.getByLabel('Ämne').fill('finns inte alls');
    await form.getByRole('button', { name: 'Spara kontakt' }).click();
    await form.getByText('Välj ett av ämnena i listan.').waitFor();
    expect(await count('total')).toBe(before.total + 5);

    // forwarded to a department: the errand is written next
    await form.getByLabel('Ämne').fill('Trasig gatubelysning');
    await form.getByLabel('Utfall').selectOption('vidarebefordrad');
    await form.getByRole('button', { name: 'Spara kontakt' }).click();
    await page.waitForURL(/\/arenden\/ny\?kontakt=[0-9a-f-]{36}$/);
  }, 90_000);

  it('opens a contact’s query page with no person when the one selected was looked up for another contact', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'anna.guide', '/fraga');
    const contactForm = page.getByRole('form', { name: 'Ny kontakt' });
    /** a contact referred to an agency, logged on the day page: the page goes on to /fraga?kontakt=<its id> */
    const referredContact = async (topic: string) => {
      await page.getByRole('link', { name: 'Samtjänst', exact: true }).click();
      await page.getByRole('heading', { name: 'Dagens kontakter' }).waitFor();
      await contactForm.getByLabel('Ämne').fill(topic);
      await contactForm.getByLabel('Utfall').selectOption('remitterad');
      await contactForm.getByRole('button', { name: 'Spara kontakt' }).click();
      await page.waitForURL(/\/fraga\?kontakt=[0-9a-f-]{36}$/);
      await page.getByText(`Under kontakten: Besök, ${topic}, Remitterad till myndighet`).waitFor();
      return new URL(page.url()).searchParams.get('kontakt')!;
    };
    const expectNoPerson = async (...earlier: string[]) => {
      expect(await page.getByLabel('Personnummer eller samordningsnummer').inputValue()).toBe('');
      expect(await page.getByText('Vald person:').count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Samtycken' }).count()).toBe(0);
      expect(await consentForm(page).count()).toBe(0);
      expect(await queryForm(page).count()).toBe(0);
      expect(await page.locator('.query-results').count()).toBe(0);
      expect(await referralForm(page).count()).toBe(0);
      const shown = (await page.locator('main').textContent()) ?? '';
      for (const subject of earlier) {
        for (const spelling of [subject, typed(subject), subject.slice(2), `${subject.slice(0, 8)}-****`]) {
          expect(shown).not.toContain(spelling);
        }
      }
    };
    const personA = people.jobSeeker.subject;
    const personB = people.ordinary.subject;

    // looked up without a contact: not the person of the contact referred next
    await lookUp(page, personA);
    const first = await referredContact('Arbetsförmedlingen: inskrivning och aktivitetsrapport');
    await expectNoPerson(personA);

    // looked up for the first contact, with the agencies' answers, the consents and a referral being written
    await lookUp(page, personA);
    await page.getByText(`Vald person: ${typed(personA)}`).waitFor();
    await queryForm(page).getByRole('button', { name: 'Fråga myndigheterna' }).click();
    await agencyCard(page, 'Arbetsförmedlingen').locator('[data-state]:not([data-state="waiting"])').waitFor();
    await referralForm(page).getByLabel('Meddelande till myndigheten').fill('Utkast under den första kontakten');

    const second = await referredContact('Försäkringskassan: föräldrapenning, sjukpenning, bostadsbidrag');
    expect(second).not.toBe(first);
    await expectNoPerson(personA);
    await expectAccessible(page);
    await page.reload();
    await page.getByText('Under kontakten: Besök, Försäkringskassan').waitFor();
    await expectNoPerson(personA);

    // the person looked up for this contact stays for a reload of it, and only of it
    await lookUp(page, personB);
    await page.reload();
    await page.getByText(`Vald person: ${typed(personB)}`).waitFor();
    await page.goto(`${hubUrl}/fraga?kontakt=${first}`);
    await page.getByText('Under kontakten: Besök, Arbetsförmedlingen').waitFor();
    await expectNoPerson(personA, personB);

    // looked up again, the first person comes with none of what was written about them before
    await lookUp(page, personA);
    expect(await referralForm(page).getByLabel('Meddelande till myndigheten').inputValue()).toBe('');
    expect(await page.getByRole('heading', { name: 'Svar från myndigheterna' }).count()).toBe(0);
  }, 90_000);

  it('gives the admin the taxonomy with a response time per topic', async () => {
    const page = await browser.newPage();
    await loginInBrowser(page, hubUrl, 'maria.admin', '/amnen');
    expect(await heading(page)).toBe('Ämnen och svarstider');
    const hours = page.getByLabel('Svarstid i timmar för Snöröjning och halkbekämpning');
    await hours.fill('12');
    await page.getByRole('button', { name: 'Spara svarstid för Snöröjning och halkbekämpning' }).click();
    await page.getByText('Svarstiden för Snöröjning och halkbekämpning är sparad.').waitFor();
    expect(await hours.inputValue()).toBe('12');
    await expectAccessible(page);
    await screenshot(page, 'admin-amnen');
  }, 60_000);
});
