import type {
  AgreementStatus,
  ConsentMethod,
  ContactPreference,
  Purpose,
  QueryStatus,
  ReasonCode,
  ReferralStatus,
  SecrecyClass,
  StaffRole,
} from '@contracts/codes';
// type only: the web bundle takes nothing from libs/http
import type { ErrorCode } from '../../../libs/http/src/error-codes.js';

/** The SPEC's codes in plain Swedish, for the people who use the UI. The codes themselves never change. */

export const PURPOSE_TEXT: Record<Purpose, string> = {
  vagledning: 'Vägledning',
  'ekonomiskt-bistand': 'Ekonomiskt bistånd',
  etablering: 'Etablering',
  bostadsanpassning: 'Bostadsanpassning',
  arbetsmarknadsinsats: 'Arbetsmarknadsinsats',
};

/**
 * Agencies and organisations by name, as the hub knows them: every organisation by the name it is registered under
 * (GET /api/organisations), and every agency by the name in the catalogue it announces (GET /api/catalogues), so a
 * newly onboarded municipality or agency is shown by its own name with no change here.
 */
const AGENCY_NAMES = new Map<string, string>();
const ANNOUNCED_NAMES = new Map<string, string>();
const REGISTERED_NAMES = new Map<string, string>();

/** Keeps the names of the agencies in these catalogues; returns whether any name was new or changed. */
export function rememberAgencies(catalogues: readonly { agency: string; organisation: string; name: string }[]) {
  let changed = false;
  for (const { agency, organisation, name } of catalogues) {
    if (AGENCY_NAMES.get(agency) !== name || ANNOUNCED_NAMES.get(organisation) !== name) changed = true;
    AGENCY_NAMES.set(agency, name);
    ANNOUNCED_NAMES.set(organisation, name);
  }
  return changed;
}

/** Keeps the registered names of these organisations; returns whether any name was new or changed. */
export function rememberOrganisations(organisations: readonly { number: string; name: string }[]) {
  let changed = false;
  for (const { number, name } of organisations) {
    if (REGISTERED_NAMES.get(number) !== name) changed = true;
    REGISTERED_NAMES.set(number, name);
  }
  return changed;
}

/** An agency not yet announced has no name here: show its code rather than nothing. */
export function agencyName(code: string): string {
  return AGENCY_NAMES.get(code) ?? code.toUpperCase();
}

/** The name of an organisation, for people who do not know organisationsnummer by heart; else the number. */
export function organisationName(number: string | undefined): string {
  if (!number) return '';
  return REGISTERED_NAMES.get(number) ?? ANNOUNCED_NAMES.get(number) ?? number;
}

export const SECRECY_TEXT: Record<SecrecyClass, string> = {
  public: 'Offentlig uppgift',
  consent: 'Kräver samtycke',
  'legal-basis': 'Kräver lagstöd',
  never: 'Lämnas aldrig ut',
};

export type AgencyAnswerState = QueryStatus | 'waiting';

export const QUERY_STATUS_TEXT: Record<AgencyAnswerState, string> = {
  waiting: 'Väntar på svar',
  ok: 'Svar',
  denied: 'Nekad',
  timeout: 'Inget svar i tid',
  error: 'Fel hos myndigheten',
  'not-included': 'Inte tillfrågad',
};

/** What a denial means and, where there is one, what to do next. */
export const REASON_TEXT: Record<ReasonCode, string> = {
  'no-agreement': 'Det finns inget samtjänstavtal med myndigheten.',
  'agreement-inactive': 'Avtalet med myndigheten gäller inte just nu. Kontakta er avtalsadministratör.',
  'purpose-not-covered': 'Avtalet omfattar inte det valda ändamålet. Välj ett annat ändamål eller en annan myndighet.',
  'role-not-allowed': 'Din roll får inte göra detta enligt avtalet.',
  'consent-missing':
    'Samtycke saknas eller omfattar inte detta. Registrera ett samtycke som täcker det och försök igen.',
  'category-never': 'Uppgiften lämnas aldrig ut genom samtjänst.',
  'category-not-covered': 'Avtalet omfattar inte den uppgiften.',
  'category-unknown': 'Myndigheten har ingen sådan uppgift.',
  'referral-type-unknown': 'Myndigheten tar inte emot den sortens remiss.',
  'referral-type-not-covered': 'Avtalet omfattar inte den sortens remiss.',
  'legal-basis-missing': 'Avtalet ger inget lagstöd för att lämna ut uppgiften utan samtycke. Registrera samtycke.',
  'protected-identity': 'Personen har skyddade personuppgifter.',
  'justification-missing': 'Personen har skyddade personuppgifter. Skriv en motivering och försök igen.',
  'sender-not-party': 'Avsändaren är inte part i avtalet.',
  'invalid-message': 'Meddelandet var felaktigt och kunde inte behandlas. Kontakta support om det upprepas.',
  'agency-unavailable': 'Myndigheten svarar inte just nu. Försök igen om en stund.',
  'deadline-exceeded': 'Myndigheten svarade inte i tid. Försök igen om en stund.',
};

export function reasonText(code: string | undefined): string {
  return (code && REASON_TEXT[code as ReasonCode]) || 'Okänt skäl.';
}

export const REFERRAL_STATUS_TEXT: Record<ReferralStatus, string> = {
  sent: 'Skickad',
  received: 'Mottagen',
  accepted: 'Accepterad',
  declined: 'Avböjd',
  'in-progress': 'Pågår',
  closed: 'Avslutad',
  cancelled: 'Återkallad',
};

export const AGREEMENT_STATUS_TEXT: Record<AgreementStatus, string> = {
  draft: 'Utkast',
  proposed: 'Föreslaget',
  active: 'Gällande',
  suspended: 'Vilande',
  terminated: 'Avslutat',
  expired: 'Utgånget',
};

export const CONSENT_METHOD_TEXT: Record<ConsentMethod, string> = {
  'in-person-verbal': 'Muntligt vid besök',
  'in-person-written': 'Skriftligt vid besök',
  'e-signature': 'E-underskrift (äldre, utan underskrift)',
  'e-legitimation': 'Signerat med e-legitimation',
  telefon: 'Muntligt per telefon',
};

export const CONTACT_PREFERENCE_TEXT: Record<ContactPreference, string> = {
  phone: 'Telefon',
  letter: 'Brev',
  'e-mail': 'E-post',
  visit: 'Besök',
};

export const ROLE_TEXT: Record<StaffRole, string> = {
  guide: 'Kommunvägledare',
  caseworker: 'Handläggare',
  admin: 'Administratör',
  'agency-admin': 'Administratör på myndighet',
  auditor: 'Granskare',
  manager: 'Chef',
  operator: 'Driftoperatör',
  department: 'Handläggare på förvaltning',
};

const NOT_SIGNED_IN = 'Du är inte inloggad längre. Logga in igen.';
const NOT_ALLOWED = 'Din roll får inte göra detta.';
const NOT_FOUND = 'Det du söker finns inte, eller så har du inte behörighet att se det.';
const UNAVAILABLE = 'Tjänsten är inte tillgänglig just nu. Försök igen om en stund.';
const SOMETHING_WRONG = 'Något gick fel. Försök igen, och kontakta support om det upprepas.';

/**
 * The API's error codes (`error` in its answers, libs/http/src/error-codes.ts) with what to do next. A new code
 * fails the typecheck here until it has a text.
 */
const API_ERROR_TEXT: Record<ErrorCode, string> = {
  'invalid-personnummer': 'Personnumret är inte giltigt. Kontrollera siffrorna.',
  'invalid-request': 'Något i formuläret är inte ifyllt rätt. Kontrollera fälten och försök igen.',
  'role-not-allowed': NOT_ALLOWED,
  unauthenticated: NOT_SIGNED_IN,
  'not-found': NOT_FOUND,
  'service-unavailable': UNAVAILABLE,
  'payload-too-large': 'Det du skickade är för stort. Korta texten och försök igen.',
  'invalid-agreement': 'Avtalet kan inte sparas så här. Rätta det som står nedan och försök igen.',
  'unknown-party': 'Parten finns inte i hubben. Kontrollera organisationsnummer och enhet.',
  'not-a-party': 'Er organisation är inte part i avtalet och kan inte ändra det.',
  'not-an-admin': 'Bara partens administratör får ändra avtalet.',
  'own-proposal': 'Ni har själva föreslagit avtalet. Motpartens administratör godkänner det.',
  'agreement-closed': 'Avtalet är avslutat eller har gått ut och kan inte ändras längre.',
  'invalid-transition': 'Det har ändrats under tiden, så det går inte längre. Ladda om sidan och se vad som gäller nu.',
  'amendment-pending': 'En ändring väntar redan på godkännande. Föreslå, godkänn eller avsluta den först.',
  'invalid-period': 'Perioden går inte att visa. Välj högst 366 dagar och ett slutdatum efter startdatumet.',
  'wrong-organisation': 'Inkorgen är bara för myndighetens egna handläggare.',
  'invalid-organisationsnummer': 'Organisationsnumret är inte giltigt. Kontrollera siffrorna (NNNNNN-NNNN).',
  'organisation-exists': 'Organisationen finns redan i hubben.',
  'agency-code-required': 'En myndighet behöver en myndighetskod.',
  'agency-code-not-allowed': 'Bara en myndighet har myndighetskod och meddelandekonto.',
  'agency-code-taken': 'Myndighetskoden används redan av en annan organisation.',
  'invalid-broker-account': 'Meddelandekontot ska vara adapter- följt av myndighetskoden.',
  'organisation-closed': 'Organisationen är avslutad och kan inte ändras.',
  'not-a-municipality': 'Bara kommuner har enheter.',
  'unit-exists': 'Det finns redan en enhet med det namnet, kanske en avslutad.',
  'unit-closed': 'Enheten är avslutad och kan inte ändras.',
  'not-hub-operator': 'Bara hubbens driftoperatörer får göra detta.',
  'party-closed': 'Enheten eller myndigheten är avslutad och kan inte få nya avtal.',
  'personnummer-in-text':
    'Anteckningen innehåller ett personnummer. Ta bort det – kontakter är anonyma, och ett personnummer anges bara där ärendet kräver det.',
  'unknown-topic': 'Ämnet finns inte i kommunens ämneslista eller är avvecklat. Välj ett ämne i listan.',
  'topic-exists': 'Det finns redan ett ämne med den koden, kanske ett avvecklat. Välj en annan kod.',
  'topic-retired': 'Ämnet är avvecklat och kan inte ändras.',
  'category-never': REASON_TEXT['category-never'],
  'invalid-text': 'Texten innehåller tecken som inte kan sparas. Ta bort dem och försök igen.',
  'too-deeply-nested': 'Det du skickade är för invecklat för att tas emot. Förenkla det och försök igen.',
  'invalid-return-to': 'Inloggningen pekade på en sida utanför hubben. Börja om från startsidan.',
  'login-expired': 'Inloggningen tog för lång tid eller påbörjades i en annan webbläsare. Logga in igen.',
  'login-failed': 'Inloggningen misslyckades. Försök igen, och kontakta support om det upprepas.',
  'invalid-date': 'Datumet finns inte i kalendern. Kontrollera datumen och försök igen.',
  'valid-from-in-past': 'Samtycket kan inte börja gälla före i dag. Välj dagens datum eller ett senare.',
  'invalid-validity': 'Slutdatumet ligger före startdatumet. Rätta datumen och försök igen.',
  'consent-method-retired':
    'Sättet används inte längre för nya samtycken. Låt personen signera med e-legitimation eller välj ett annat sätt.',
  'consent-method-needs-signing': 'Ett samtycke med e-legitimation sparas när personen har signerat i sin app.',
  'telefon-consent-too-long':
    'Ett samtycke per telefon gäller kortare tid än andra. Välj ett tidigare slutdatum, inom den tid kommunen har bestämt.',
  'signing-finished': 'Signeringen är redan avslutad. Starta en ny om personen ska signera igen.',
  'eid-unavailable': 'Tjänsten för e-legitimation svarar inte just nu. Försök igen om en stund.',
  'consent-too-long': 'Ett samtycke gäller högst tolv månader. Välj ett tidigare slutdatum.',
  'unknown-agency': 'Myndigheten är inte ansluten till hubben ännu. Välj en annan myndighet.',
  'unknown-category': 'Myndigheten har ingen sådan uppgift. Ladda om sidan och välj bland de uppgifter som finns.',
  'category-agency-not-named':
    'En vald uppgift hör till en myndighet som inte är vald. Välj myndigheten också, eller ta bort uppgiften.',
  'agency-without-category': 'Välj minst en uppgift för varje myndighet som samtycket gäller.',
  'invalid-faults': 'Felinställningarna är inte giltiga. Kontrollera värdena och försök igen.',
  'invalid-token': NOT_SIGNED_IN,
  'session-expired': NOT_SIGNED_IN,
  forbidden: NOT_ALLOWED,
  'csrf-header-missing': 'Sidan är inaktuell. Ladda om sidan och försök igen.',
  'no-unit': 'Ditt konto hör inte till någon enhet, så du kan inte göra detta. Kontakta din administratör.',
  conflict: 'Det har ändrats under tiden. Ladda om sidan och se vad som gäller nu.',
  'already-revoked': 'Samtycket är redan återkallat.',
  'referral-finished': 'Remissen är redan avböjd, avslutad eller återkallad och kan inte återkallas.',
  'not-parked': 'Meddelandet är redan hanterat. Ladda om listan.',
  'unreadable-message': 'Meddelandet går inte att läsa och kan inte skickas igen. Kassera det.',
  'not-sent-by-hub': 'Bara hubbens egna meddelanden kan skickas igen härifrån. Avsändaren får skicka det på nytt.',
  'wrong-destination': 'Meddelandet hör inte till kön det parkerades från och kan inte skickas igen. Kassera det.',
  'query-expired': 'En fråga besvaras bara inom sin tidsgräns och kan inte skickas igen. Kassera meddelandet.',
  'destination-unavailable': 'Mottagaren tar inte emot meddelanden just nu. Försök igen om en stund.',
  'referral-withdrawn': 'Kommunen har återkallat remissen. Kassera meddelandet.',
  'agreement-changed': 'Avtalet har ändrats sedan remissen skickades. Kassera meddelandet och skicka remissen på nytt.',
  'kiosk-not-paired': 'Surfplattan är inte kopplad till någon enhet längre. Be personalen koppla den igen.',
  'citizen-login-required': 'Du behöver logga in med e-legitimation för att se dina uppgifter.',
  'survey-answered': 'Enkäten är redan besvarad. Tack för att du svarade!',
  'survey-expired': 'Enkäten går inte längre att besvara: länken gäller i 14 dagar.',
  'no-kiosk': 'Ingen surfplatta är kopplad till enheten. Koppla en surfplatta först.',
  // the web UI itself never sends these: if it happens, it is ours to look into
  'invalid-json': SOMETHING_WRONG,
  'unsupported-media-type': SOMETHING_WRONG,
  'internal-error': SOMETHING_WRONG,
  unavailable: UNAVAILABLE,
  'not-ready': UNAVAILABLE,
  'idp-unavailable': 'Inloggningstjänsten svarar inte just nu. Försök igen om en stund.',
  'broker-unavailable': 'Myndigheterna kunde inte nås, så inget ändrades. Försök igen om en stund.',
};

export function apiErrorText(code: string | undefined, status: number): string {
  if (code && Object.hasOwn(API_ERROR_TEXT, code)) return API_ERROR_TEXT[code as ErrorCode];
  if (code && REASON_TEXT[code as ReasonCode]) return REASON_TEXT[code as ReasonCode];
  if (status === 401) return NOT_SIGNED_IN;
  if (status === 403) return NOT_ALLOWED;
  if (status === 404) return NOT_FOUND;
  if (status === 503 || status === 502 || status === 504) return UNAVAILABLE;
  if (status === 0) return 'Kunde inte nå tjänsten. Kontrollera nätverket och försök igen.';
  return SOMETHING_WRONG;
}
