/**
 * The two-level topic taxonomy a municipality starts with (category → type), which its admin then keeps. Codes are
 * stable keys (contacts, errands, knowledge-base articles and response times name them); names are what people read.
 * `department` is the unit kind that answers forwarded errands of that type by default (a unit name of the demo
 * municipalities); `secrecySensitive` marks socialtjänst's own secrecy area: an errand carries only what the
 * citizen allowed.
 */
export interface DefaultTopicType {
  code: string;
  name: string;
  department?: string;
  responseHours?: number;
  secrecySensitive?: boolean;
}

export interface DefaultTopicCategory {
  code: string;
  name: string;
  types: DefaultTopicType[];
}

const TEKNISKA = 'Tekniska förvaltningen';
const SOCIAL = 'Socialförvaltningen';
const BYGG = 'Bygg- och miljöförvaltningen';
const UTBILDNING = 'Förskole- och skolförvaltningen';

export const DEFAULT_TAXONOMY: DefaultTopicCategory[] = [
  {
    code: 'gata-park',
    name: 'Gata och park',
    types: [
      { code: 'gata-park.gatubelysning', name: 'Trasig gatubelysning', department: TEKNISKA, responseHours: 72 },
      { code: 'gata-park.snorojning', name: 'Snöröjning och halkbekämpning', department: TEKNISKA, responseHours: 24 },
      { code: 'gata-park.parkskotsel', name: 'Parker och lekplatser', department: TEKNISKA, responseHours: 120 },
      {
        code: 'gata-park.parkering',
        name: 'Parkering och parkeringstillstånd',
        department: TEKNISKA,
        responseHours: 72,
      },
    ],
  },
  {
    code: 'vatten-avfall',
    name: 'Vatten, avlopp och avfall',
    types: [
      {
        code: 'vatten-avfall.vattenlacka',
        name: 'Vattenläcka eller inget vatten',
        department: TEKNISKA,
        responseHours: 4,
      },
      {
        code: 'vatten-avfall.sophamtning',
        name: 'Sophämtning och abonnemang',
        department: TEKNISKA,
        responseHours: 48,
      },
      { code: 'vatten-avfall.atervinning', name: 'Återvinningscentraler', responseHours: 48 },
      { code: 'vatten-avfall.vaxa', name: 'VA-taxa och fakturor', department: TEKNISKA, responseHours: 120 },
    ],
  },
  {
    code: 'bygga-bo',
    name: 'Bygga, bo och miljö',
    types: [
      { code: 'bygga-bo.bygglov', name: 'Bygglov och anmälan', department: BYGG, responseHours: 120 },
      { code: 'bygga-bo.bostadsanpassning', name: 'Bostadsanpassningsbidrag', department: BYGG, responseHours: 120 },
      { code: 'bygga-bo.miljoklagomal', name: 'Buller, lukt och miljöklagomål', department: BYGG, responseHours: 72 },
      {
        code: 'bygga-bo.livsmedel',
        name: 'Livsmedelskontroll och serveringstillstånd',
        department: BYGG,
        responseHours: 120,
      },
    ],
  },
  {
    code: 'skola',
    name: 'Förskola och skola',
    types: [
      { code: 'skola.forskoleplats', name: 'Ansökan om förskoleplats', department: UTBILDNING, responseHours: 72 },
      { code: 'skola.skolval', name: 'Skolval och skolbyte', department: UTBILDNING, responseHours: 120 },
      { code: 'skola.skolskjuts', name: 'Skolskjuts', department: UTBILDNING, responseHours: 72 },
      { code: 'skola.maxtaxa', name: 'Avgifter och maxtaxa', department: UTBILDNING, responseHours: 120 },
    ],
  },
  {
    code: 'omsorg',
    name: 'Omsorg och socialt stöd',
    types: [
      {
        code: 'omsorg.ekonomiskt-bistand',
        name: 'Ekonomiskt bistånd',
        department: SOCIAL,
        responseHours: 72,
        secrecySensitive: true,
      },
      {
        code: 'omsorg.hemtjanst',
        name: 'Hemtjänst och äldreboende',
        department: SOCIAL,
        responseHours: 72,
        secrecySensitive: true,
      },
      { code: 'omsorg.fardtjanst', name: 'Färdtjänst', department: SOCIAL, responseHours: 120, secrecySensitive: true },
      {
        code: 'omsorg.budget-skuldradgivning',
        name: 'Budget- och skuldrådgivning',
        department: SOCIAL,
        responseHours: 120,
        secrecySensitive: true,
      },
      {
        code: 'omsorg.orosanmalan',
        name: 'Orosanmälan om barn',
        department: SOCIAL,
        responseHours: 4,
        secrecySensitive: true,
      },
    ],
  },
  {
    code: 'kultur-fritid',
    name: 'Kultur och fritid',
    types: [
      { code: 'kultur-fritid.bibliotek', name: 'Bibliotek', responseHours: 72 },
      { code: 'kultur-fritid.lokalbokning', name: 'Boka lokal eller idrottshall', responseHours: 72 },
      { code: 'kultur-fritid.foreningsbidrag', name: 'Föreningsbidrag', responseHours: 120 },
    ],
  },
  {
    code: 'myndigheter',
    name: 'Statliga myndigheter',
    types: [
      { code: 'myndigheter.forsakringskassan', name: 'Försäkringskassan: föräldrapenning, sjukpenning, bostadsbidrag' },
      { code: 'myndigheter.arbetsformedlingen', name: 'Arbetsförmedlingen: inskrivning och aktivitetsrapport' },
      { code: 'myndigheter.skatteverket', name: 'Skatteverket: deklaration, flytt, id-kort' },
      { code: 'myndigheter.pensionsmyndigheten', name: 'Pensionsmyndigheten: pension och bostadstillägg' },
    ],
  },
  {
    code: 'kommunen',
    name: 'Kommunen i övrigt',
    types: [
      { code: 'kommunen.allmant', name: 'Allmän information om kommunen', responseHours: 72 },
      { code: 'kommunen.synpunkt', name: 'Synpunkt eller klagomål', responseHours: 120 },
      { code: 'kommunen.e-tjanster', name: 'Hjälp med e-tjänster och inloggning', responseHours: 48 },
    ],
  },
];
