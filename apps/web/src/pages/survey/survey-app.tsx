import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/api-fetch.js';
import { answer, hub, type HubSchemas } from '../../api/hub.js';
import { Alert, Busy, Field, Page, SiteFrame } from '../../components.js';
import { matchPath, useRouter } from '../../router.js';
import { useLoad } from '../../use-load.js';
import { NkiForm, type NkiAnswers } from './nki-form.js';

type Kiosk = HubSchemas['KioskView'];

const KIOSK_STORAGE = 'samtjanst-kiosk';
const POLL_MS = 2_000;
const THANKS_MS = 6_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : 'Något gick fel. Försök igen.');

/**
 * The citizen's survey, without login: `/enkat/<token>` from the link on a contact's receipt, and `/enkat` as the
 * unit's kiosk, a tablet at the exit that shows the survey a guide offers it (docs/kundnojdhet.md).
 */
export function SurveyApp() {
  const { path } = useRouter();
  const token = matchPath('/enkat/:token', path)?.token;
  return (
    <SiteFrame home={token ? path : '/enkat'} name="Vad tyckte du om servicen?">
      {token ? <LinkSurvey token={token} /> : <KioskSurvey />}
    </SiteFrame>
  );
}

function Thanks() {
  return (
    <Alert kind="success">
      Tack för ditt svar! Det hjälper oss att bli bättre. Svaret är anonymt: vi sparar bara de tre siffrorna.
    </Alert>
  );
}

function LinkSurvey({ token }: { token: string }) {
  const survey = useLoad(`/api/public/surveys/${token}`, () =>
    answer(hub.GET('/api/public/surveys/{token}', { params: { path: { token } } })),
  );
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string>();

  async function send(answers: NkiAnswers) {
    setError(undefined);
    try {
      await hub.POST('/api/public/surveys/{token}/answer', { params: { path: { token } }, body: answers });
      setDone(true);
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <Page title="Tre frågor om din kontakt med oss">
      {survey.state === 'loading' && <Busy>Hämtar enkäten …</Busy>}
      {survey.state === 'error' && <Alert>{survey.error.message}</Alert>}
      {done && <Thanks />}
      {survey.state === 'done' && !done && (
        <>
          <p>Enkäten är anonym och tar en halv minut. Välj en siffra från 1 till 10 för varje fråga.</p>
          {error && <Alert>{error}</Alert>}
          <NkiForm questions={survey.data.questions} onSubmit={send} />
        </>
      )}
    </Page>
  );
}

function storedKiosk(): Kiosk | undefined {
  try {
    const kiosk = JSON.parse(localStorage.getItem(KIOSK_STORAGE) ?? 'null') as Kiosk | null;
    return kiosk && new Date(kiosk.expiresAt) > new Date() ? kiosk : undefined;
  } catch {
    return undefined;
  }
}

function KioskSurvey() {
  const [kiosk, setKiosk] = useState<Kiosk | undefined>(storedKiosk);
  const forget = () => {
    localStorage.removeItem(KIOSK_STORAGE);
    setKiosk(undefined);
  };
  if (!kiosk) {
    return (
      <PairKiosk
        onPaired={(k) => {
          localStorage.setItem(KIOSK_STORAGE, JSON.stringify(k));
          setKiosk(k);
        }}
      />
    );
  }
  return <KioskWaiting kiosk={kiosk} onUnpaired={forget} />;
}

function PairKiosk({ onPaired }: { onPaired: (kiosk: Kiosk) => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      onPaired(await answer(hub.POST('/api/public/survey-kiosks/pair', { body: { code: code.trim() } })));
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <Page title="Koppla surfplattan">
      <p>
        Surfplattan visar enkäten för besökare som just fått hjälp. Personalen skapar en kopplingskod på sin dagsida
        (”Koppla surfplatta”) och skriver in den här. Kopplingen gäller en arbetsdag.
      </p>
      <form onSubmit={submit} noValidate className="kiosk-pair">
        <Field label="Kopplingskod" hint="Åtta tecken, till exempel K7QF-M2XD" error={error}>
          {(props) => (
            <input
              {...props}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
            />
          )}
        </Field>
        <button type="submit">Koppla surfplattan</button>
      </form>
    </Page>
  );
}

function KioskWaiting({ kiosk, onUnpaired }: { kiosk: Kiosk; onUnpaired: () => void }) {
  const [offer, setOffer] = useState<HubSchemas['KioskOfferView']>();
  const [thanks, setThanks] = useState(false);
  const [error, setError] = useState<string>();
  const header = { 'x-kiosk-key': kiosk.kioskKey };

  useEffect(() => {
    if (thanks) {
      const timer = setTimeout(() => setThanks(false), THANKS_MS);
      return () => clearTimeout(timer);
    }
    let current = true;
    const poll = async () => {
      try {
        const next = await answer(hub.GET('/api/public/survey-kiosks/offer', { params: { header } }));
        if (current) setOffer(next);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'kiosk-not-paired') onUnpaired();
      }
    };
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [kiosk.kioskKey, thanks]);

  async function send(answers: NkiAnswers) {
    setError(undefined);
    try {
      await hub.POST('/api/public/survey-kiosks/answer', { params: { header }, body: answers });
      setOffer(undefined);
      setThanks(true);
    } catch (e) {
      setError(errorText(e));
    }
  }

  if (thanks) {
    return (
      <Page title="Tack!">
        <Thanks />
      </Page>
    );
  }
  if (offer?.waiting && offer.questions) {
    return (
      <Page title="Tre frågor om ditt besök">
        <p>Enkäten är anonym. Välj en siffra från 1 till 10 för varje fråga.</p>
        {error && <Alert>{error}</Alert>}
        <NkiForm questions={offer.questions} onSubmit={send} />
      </Page>
    );
  }
  return (
    <Page title={`Välkommen till ${kiosk.unit}`}>
      <p className="kiosk-idle">När du har fått hjälp kan du svara på tre korta frågor här. Svaren är anonyma.</p>
    </Page>
  );
}
