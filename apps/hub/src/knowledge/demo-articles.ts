import type { ArticleContent } from './knowledge.types.js';

const TEKNISKA = { kind: 'unit', name: 'Tekniska förvaltningen' } as const;
const SOCIAL = { kind: 'unit', name: 'Socialförvaltningen' } as const;
const BYGG = { kind: 'unit', name: 'Bygg- och miljöförvaltningen' } as const;
const SKOLA = { kind: 'unit', name: 'Förskole- och skolförvaltningen' } as const;
const SERVICECENTER = { kind: 'unit', name: 'Servicecenter' } as const;
const FK = { kind: 'agency', name: 'fk' } as const;
const SKV = { kind: 'agency', name: 'skv' } as const;
const PM = { kind: 'agency', name: 'pm' } as const;
const AF = { kind: 'agency', name: 'af' } as const;

/** A demo article; `overdue` ones have a review day in the past, to show the flag. */
export type DemoArticle = Omit<ArticleContent, 'reviewBy' | 'links' | 'body'> & {
  body?: string;
  links?: ArticleContent['links'];
  overdue?: boolean;
};

const orebro = (path: string, title: string) => ({ title, url: `https://www.orebro.se/${path}` });

/** The demo municipality Örebro kommun's knowledge base: general information a guide gives at first contact. */
export const DEMO_ARTICLES: DemoArticle[] = [
  {
    topic: 'gata-park.gatubelysning',
    owner: TEKNISKA,
    title: 'Trasig gatubelysning',
    standardAnswer:
      'Gatubelysning som är släckt, blinkar eller är skadad felanmäls till Tekniska förvaltningen. Ange gatuadress eller stolpens nummer. Lagas normalt inom tre arbetsdagar; en nedriven stolpe säkras samma dag.',
    shortAnswers: {
      telefon: 'Jag gör en felanmälan åt dig nu. Har du adressen eller numret på stolpen?',
      besok: 'Vi kan felanmäla direkt här. Visa gärna på kartan var lampan står.',
      'e-post': 'Tack för din anmälan om gatubelysningen. Vi har skickat den vidare till Tekniska förvaltningen.',
      chatt: 'Felanmäl gatubelysning på orebro.se/felanmalan, eller skriv adressen här så gör jag det.',
    },
    body: 'Privata belysningar på tomter och belysning längs statliga vägar sköts inte av kommunen. Belysning på statlig väg anmäls till Trafikverket.',
    links: [orebro('felanmalan', 'Felanmälan')],
  },
  {
    topic: 'gata-park.snorojning',
    owner: TEKNISKA,
    title: 'Snöröjning och halkbekämpning',
    standardAnswer:
      'Kommunen plogar när det fallit 5 cm snö på gång- och cykelvägar och 10 cm på gator. Huvudgator och busslinjer först, bostadsgator sist. Fastighetsägaren ansvarar för trottoaren utanför tomten.',
    shortAnswers: {
      telefon: 'Huvudgator plogas först, bostadsgator inom två dygn efter snöfallets slut.',
      chatt: 'Se var plogbilarna är just nu på orebro.se/snorojning.',
    },
    body: 'Sandlådor finns vid branta backar. Halkbekämpning med sand eller salt görs på gång- och cykelvägar vid behov. Enskilda vägar plogas av vägföreningen.',
    links: [orebro('snorojning', 'Snöröjning')],
  },
  {
    topic: 'gata-park.parkskotsel',
    owner: TEKNISKA,
    title: 'Trasig lekplats eller klotter i park',
    standardAnswer:
      'Skador på lekplatser, parkbänkar och klotter på kommunens mark felanmäls till Tekniska förvaltningen. Farliga skador på lekredskap spärras av inom ett dygn.',
    shortAnswers: { telefon: 'Vilken lekplats gäller det? Jag felanmäler direkt.' },
  },
  {
    topic: 'gata-park.parkering',
    owner: TEKNISKA,
    title: 'Parkeringstillstånd för rörelsehindrade',
    standardAnswer:
      'Den som har svårt att gå kan söka parkeringstillstånd för rörelsehindrade. Ansökan görs med läkarintyg via e-tjänsten. Handläggningstiden är cirka fyra veckor.',
    shortAnswers: {
      telefon: 'Du söker med läkarintyg via e-tjänsten, jag kan skicka blanketten hem om du vill.',
      besok: 'Här är blanketten; läkarintyget ska bifogas.',
    },
    links: [orebro('parkeringstillstand', 'Parkeringstillstånd')],
  },
  {
    topic: 'gata-park.parkering',
    owner: TEKNISKA,
    title: 'Felparkeringsavgift – överklaga',
    standardAnswer:
      'En felparkeringsavgift på kommunal mark kan bestridas skriftligt hos kommunen inom sex månader. Betala inte om du bestrider. Avgift från privat parkeringsbolag bestrids hos bolaget.',
    shortAnswers: { chatt: 'Bestrid avgiften skriftligt via e-tjänsten inom sex månader.' },
    overdue: true,
  },
  {
    topic: 'vatten-avfall.vattenlacka',
    owner: TEKNISKA,
    title: 'Vattenläcka eller inget vatten',
    standardAnswer:
      'En vattenläcka på gatan eller avbrott i vattnet anmäls direkt till VA-jouren som har öppet dygnet runt. Pågående driftstörningar visas på orebro.se. Läcka inne i huset är fastighetsägarens ansvar.',
    shortAnswers: {
      telefon: 'Jag kopplar dig till VA-jouren, de har öppet dygnet runt.',
      chatt: 'Ring VA-jouren direkt, det går snabbast. Driftstörningar syns på orebro.se/driftinfo.',
    },
    body: 'Vid planerade avbrott aviseras hushållen i förväg. Vattentankar ställs ut vid längre avbrott.',
    links: [orebro('driftinfo', 'Driftinformation vatten')],
  },
  {
    topic: 'vatten-avfall.vattenlacka',
    owner: TEKNISKA,
    title: 'Kokningsrekommendation och dåligt vattentryck',
    standardAnswer:
      'Vid kokningsrekommendation ska vatten till dryck och matlagning kokas upplyst tid. Lågt tryck kan bero på läcka i området; kontrollera driftinformationen först.',
    shortAnswers: { telefon: 'Just nu gäller informationen på orebro.se/driftinfo.' },
  },
  {
    topic: 'vatten-avfall.sophamtning',
    owner: TEKNISKA,
    title: 'Sophämtning – missad tömning',
    standardAnswer:
      'Om soptunnan inte tömts på hämtdagen: kontrollera att den stod vid tomtgränsen före kl. 06 med handtaget utåt. Anmäl missad tömning senast dagen efter, så töms den inom två arbetsdagar.',
    shortAnswers: {
      telefon: 'Jag anmäler missad tömning åt dig, den töms inom två arbetsdagar.',
      chatt: 'Anmäl missad tömning i e-tjänsten Mina sidor avfall.',
    },
  },
  {
    topic: 'vatten-avfall.sophamtning',
    owner: TEKNISKA,
    title: 'Byta storlek på soptunna eller ändra abonnemang',
    standardAnswer:
      'Ändring av kärlstorlek, hämtintervall eller delat kärl med granne görs i e-tjänsten. Ändringen gäller från nästa månad. Matavfall sorteras i papperspåse i det bruna kärlet.',
    shortAnswers: { telefon: 'Det gör du enklast i e-tjänsten; jag kan också registrera det åt dig.' },
  },
  {
    topic: 'vatten-avfall.atervinning',
    owner: TEKNISKA,
    title: 'Återvinningscentraler – öppettider och vad man får lämna',
    standardAnswer:
      'Hushåll lämnar grovavfall, elavfall och farligt avfall gratis på kommunens återvinningscentraler. Förpackningar lämnas på återvinningsstationer. Företag behöver ett företagskort.',
    shortAnswers: { chatt: 'Öppettider finns på orebro.se/atervinningscentral.' },
  },
  {
    topic: 'vatten-avfall.vaxa',
    owner: TEKNISKA,
    title: 'VA-faktura och mätarställning',
    standardAnswer:
      'VA-fakturan bygger på uppskattad förbrukning tills mätaren läses av. Lämna mätarställning i e-tjänsten för en rättvisande faktura. Frågor om avgiften besvaras av kundservice VA.',
    shortAnswers: { telefon: 'Har du mätarställningen till hands? Då kan vi justera fakturan.' },
    overdue: true,
  },
  {
    topic: 'bygga-bo.bygglov',
    owner: BYGG,
    title: 'Bygglov – när behövs det?',
    standardAnswer:
      'Bygglov behövs för att bygga nytt, bygga till och ändra användning. Attefallshus, friggebod och mindre altaner kräver oftast bara anmälan eller inget lov alls. Ansökan görs i e-tjänsten med ritningar; handläggningstiden är högst tio veckor.',
    shortAnswers: {
      telefon: 'Beskriv vad du vill bygga så ser vi om det kräver bygglov, anmälan eller inget alls.',
      besok: 'Bygglovshandläggaren har telefontid vardagar 10–12; ansökan görs i e-tjänsten.',
      chatt: 'Läs om vad som kräver lov på orebro.se/bygglov.',
    },
    body: 'Inom detaljplan krävs bygglov för fler åtgärder än utanför. Kulturhistoriskt värdefulla områden har egna regler.',
    links: [orebro('bygglov', 'Bygglov')],
  },
  {
    topic: 'bygga-bo.bygglov',
    owner: BYGG,
    title: 'Attefallshus och friggebod',
    standardAnswer:
      'Ett attefallshus upp till 30 kvadratmeter kräver anmälan och startbesked, inte bygglov. En friggebod upp till 15 kvadratmeter kräver inget lov. Grannarnas medgivande behövs närmare än 4,5 meter från tomtgränsen.',
    shortAnswers: { telefon: 'Attefallshus kräver anmälan och startbesked innan du börjar bygga.' },
  },
  {
    topic: 'bygga-bo.bostadsanpassning',
    owner: BYGG,
    title: 'Bostadsanpassningsbidrag',
    standardAnswer:
      'Den som har en funktionsnedsättning kan få bidrag för att anpassa bostaden, till exempel ta bort trösklar eller installera stödhandtag. Ansökan görs med intyg från arbetsterapeut.',
    shortAnswers: { telefon: 'Du söker med intyg från arbetsterapeut; jag skickar ansökan hem.' },
  },
  {
    topic: 'bygga-bo.miljoklagomal',
    owner: BYGG,
    title: 'Klagomål på buller, lukt eller nedskräpning',
    standardAnswer:
      'Störande buller, lukt eller nedskräpning från verksamheter anmäls till miljöinspektörerna. Störningar i en hyresrätt tas först med hyresvärden.',
    shortAnswers: { chatt: 'Gör en anmälan i e-tjänsten Klagomål miljö och hälsa.' },
  },
  {
    topic: 'bygga-bo.livsmedel',
    owner: BYGG,
    title: 'Serveringstillstånd för alkohol',
    standardAnswer:
      'Restauranger som serverar alkohol behöver serveringstillstånd. Ansökan görs hos kommunen med kunskapsprov och kostar en avgift. Tillfälligt tillstånd för en enstaka tillställning kan sökas.',
    shortAnswers: { telefon: 'Ansökan görs i e-tjänsten; handläggningstiden är upp till åtta veckor.' },
  },
  {
    topic: 'skola.forskoleplats',
    owner: SKOLA,
    title: 'Ansöka om förskoleplats',
    standardAnswer:
      'Ansök om förskoleplats i e-tjänsten senast fyra månader före önskat startdatum. Barnet kan börja från ett års ålder. Erbjudande skickas till vårdnadshavaren som tackar ja inom 14 dagar.',
    shortAnswers: {
      telefon: 'Ansök i e-tjänsten med BankID, fyra månader innan ni behöver platsen.',
      besok: 'Vi kan hjälpa dig att logga in i e-tjänsten här på datorn.',
      chatt: 'Ansök på orebro.se/forskola.',
    },
    links: [orebro('forskola', 'Förskola')],
  },
  {
    topic: 'skola.skolval',
    owner: SKOLA,
    title: 'Skolval och byte av skola',
    standardAnswer:
      'Skolvalet till förskoleklass och årskurs 7 görs i januari. Byte av skola under läsåret söks i e-tjänsten; platsen beror på lediga platser och närhet.',
    shortAnswers: { telefon: 'Skolbyte söks i e-tjänsten, besked kommer inom tre veckor.' },
  },
  {
    topic: 'skola.skolskjuts',
    owner: SKOLA,
    title: 'Skolskjuts – vem har rätt?',
    standardAnswer:
      'Elever i grundskolan har rätt till skolskjuts om avståndet till anvisad skola är längre än 2 km (F–3), 3 km (4–6) eller 4 km (7–9). Elev som valt annan skola kan ansökas om skolskjuts om det kan ske utan extra kostnad.',
    shortAnswers: {
      telefon: 'Rätten beror på avståndet och årskursen; ansökan görs i e-tjänsten.',
      chatt: 'Läs om avståndsgränserna på orebro.se/skolskjuts.',
    },
  },
  {
    topic: 'skola.maxtaxa',
    owner: SKOLA,
    title: 'Avgift för förskola och fritidshem (maxtaxa)',
    standardAnswer:
      'Avgiften för förskola och fritidshem beräknas på hushållets inkomst upp till ett tak (maxtaxa). Ändrad inkomst ska anmälas i e-tjänsten. Allmän förskola från 3 år är avgiftsfri 15 timmar i veckan.',
    shortAnswers: { telefon: 'Avgiften följer inkomsten; anmäl ny inkomst i e-tjänsten.' },
    overdue: true,
  },
  {
    topic: 'omsorg.ekonomiskt-bistand',
    owner: SOCIAL,
    title: 'Ekonomiskt bistånd – allmän information',
    standardAnswer:
      'Den som inte kan försörja sig på annat sätt kan ansöka om ekonomiskt bistånd. Man behöver först ha sökt andra ersättningar och vara inskriven på Arbetsförmedlingen. Ansökan görs i e-tjänsten eller på blankett; en socialsekreterare tar kontakt. Uppgifter om den enskilde lämnas inte vid första kontakten.',
    shortAnswers: {
      telefon: 'Ansök i e-tjänsten eller hämta blankett hos oss; socialtjänsten kontaktar dig.',
      besok: 'Här är ansökningsblanketten. Vid akut behov finns mottagningen öppen vardagar 8–12.',
    },
    body: 'Guiden ger bara allmän information. Frågor om ett pågående ärende hänvisas till handläggaren.',
  },
  {
    topic: 'omsorg.hemtjanst',
    owner: SOCIAL,
    title: 'Ansöka om hemtjänst',
    standardAnswer:
      'Hemtjänst söks hos en biståndshandläggare som utreder behovet. Man kan välja utförare. Avgiften beror på inkomst och mängden hjälp.',
    shortAnswers: { telefon: 'Jag kan förmedla kontakt med en biståndshandläggare.' },
  },
  {
    topic: 'omsorg.fardtjanst',
    owner: SOCIAL,
    title: 'Färdtjänst – ansökan och resor',
    standardAnswer:
      'Färdtjänst beviljas den som på grund av funktionsnedsättning har väsentliga svårigheter att resa med kollektivtrafiken. Ansökan görs med läkarintyg. Resor bokas via beställningscentralen.',
    shortAnswers: {
      telefon: 'Ansök med läkarintyg; beslut kommer inom fyra veckor.',
      chatt: 'Läs om färdtjänst på orebro.se/fardtjanst.',
    },
  },
  {
    topic: 'omsorg.budget-skuldradgivning',
    owner: SOCIAL,
    title: 'Budget- och skuldrådgivning',
    standardAnswer:
      'Kommunens budget- och skuldrådgivare hjälper kostnadsfritt med hushållsbudget, skulder och ansökan om skuldsanering. Rådgivaren har tystnadsplikt.',
    shortAnswers: { telefon: 'Boka tid med skuldrådgivaren, det är gratis.' },
  },
  {
    topic: 'omsorg.orosanmalan',
    owner: SOCIAL,
    title: 'Orosanmälan om barn',
    standardAnswer:
      'Den som är orolig för ett barn kan göra en orosanmälan till socialtjänsten, anonymt om man vill. Vid akut fara: ring 112. Utanför kontorstid nås socialjouren.',
    shortAnswers: { telefon: 'Jag kopplar dig till socialtjänstens mottagning, eller socialjouren efter kontorstid.' },
  },
  {
    topic: 'kultur-fritid.bibliotek',
    owner: SERVICECENTER,
    title: 'Bibliotek – lånekort och öppettider',
    standardAnswer:
      'Lånekort får du gratis på alla bibliotek mot legitimation. Med lånekortet kan du låna e-böcker och ljudböcker. Stadsbiblioteket har öppet alla dagar.',
    shortAnswers: { chatt: 'Öppettider och e-böcker på bibliotek.orebro.se.' },
  },
  {
    topic: 'kultur-fritid.lokalbokning',
    owner: SERVICECENTER,
    title: 'Boka idrottshall eller möteslokal',
    standardAnswer:
      'Föreningar och privatpersoner bokar kommunens idrottshallar och möteslokaler i bokningssystemet. Föreningar med bidrag betalar lägre taxa.',
    shortAnswers: { telefon: 'Boka via bokningssystemet på webben; jag kan se lediga tider.' },
  },
  {
    topic: 'kultur-fritid.foreningsbidrag',
    owner: SERVICECENTER,
    title: 'Föreningsbidrag',
    standardAnswer:
      'Ideella föreningar med verksamhet för barn och unga kan söka aktivitetsbidrag två gånger per år. Föreningen registreras först i föreningsregistret.',
    shortAnswers: {},
  },
  {
    topic: 'kommunen.e-tjanster',
    owner: SERVICECENTER,
    title: 'Logga in i e-tjänster med BankID',
    standardAnswer:
      'Kommunens e-tjänster loggas in med BankID eller Freja eID. Den som saknar e-legitimation kan få hjälp på servicecenter eller använda pappersblankett.',
    shortAnswers: { besok: 'Vi hjälper dig vid datorn här; ta med legitimation.' },
  },
  {
    topic: 'kommunen.synpunkt',
    owner: SERVICECENTER,
    title: 'Lämna synpunkt eller klagomål på kommunen',
    standardAnswer:
      'Synpunkter och klagomål lämnas i e-tjänsten, per telefon eller på servicecenter. Den som lämnar kontaktuppgifter får svar inom tio arbetsdagar.',
    shortAnswers: { telefon: 'Jag registrerar din synpunkt nu; vill du ha svar?' },
  },
  {
    topic: 'myndigheter.forsakringskassan',
    owner: FK,
    title: 'Försäkringskassan – föräldrapenning',
    standardAnswer:
      'Föräldrapenning söks på Mina sidor hos Försäkringskassan. Varje förälder har 240 dagar per barn. Dagar kan överlåtas till den andra föräldern utom 90 reserverade dagar.',
    shortAnswers: {
      telefon: 'Du ansöker på Mina sidor hos Försäkringskassan; vi kan hjälpa dig logga in.',
      besok: 'Vi kan visa hur du ansöker på Mina sidor här.',
    },
  },
  {
    topic: 'myndigheter.forsakringskassan',
    owner: FK,
    title: 'Försäkringskassan – bostadsbidrag',
    standardAnswer:
      'Barnfamiljer och unga under 29 år kan få bostadsbidrag. Ansökan görs med preliminär inkomst; bidraget stäms av mot taxeringen i efterhand.',
    shortAnswers: { telefon: 'Ansök på Mina sidor; uppge en så riktig inkomst som möjligt.' },
  },
  {
    topic: 'myndigheter.skatteverket',
    owner: SKV,
    title: 'Skatteverket – flyttanmälan',
    standardAnswer:
      'Flyttanmälan görs till Skatteverket senast en vecka efter flytten, enklast i e-tjänsten med BankID. Adressändring hos Svensk Adressändring är en annan tjänst.',
    shortAnswers: { telefon: 'Anmäl flytten på skatteverket.se inom en vecka.' },
  },
  {
    topic: 'myndigheter.skatteverket',
    owner: SKV,
    title: 'Skatteverket – deklaration och id-kort',
    standardAnswer:
      'Deklarationen lämnas senast 2 maj. Id-kort ansöks om på Skatteverkets servicekontor efter tidsbokning och kostar 400 kronor.',
    shortAnswers: { telefon: 'Boka tid för id-kort på skatteverket.se.' },
  },
  {
    topic: 'myndigheter.pensionsmyndigheten',
    owner: PM,
    title: 'Pensionsmyndigheten – bostadstillägg för pensionärer',
    standardAnswer:
      'Pensionärer med låg inkomst kan få bostadstillägg. Ansökan görs hos Pensionsmyndigheten, på webben eller med blankett. Räkna först på pensionsmyndigheten.se om det lönar sig.',
    shortAnswers: { telefon: 'Ansök hos Pensionsmyndigheten; vi kan hjälpa dig med blanketten.' },
  },
  {
    topic: 'myndigheter.arbetsformedlingen',
    owner: AF,
    title: 'Arbetsförmedlingen – skriva in sig och aktivitetsrapport',
    standardAnswer:
      'Inskrivning hos Arbetsförmedlingen görs på webben med BankID. Aktivitetsrapporten lämnas senast den 14:e varje månad.',
    shortAnswers: { telefon: 'Skriv in dig på arbetsformedlingen.se första arbetslösa dagen.' },
  },
];
