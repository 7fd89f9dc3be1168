import { useEffect, useRef, useState } from 'react';
import { answer, hub, type HubSchemas } from '../../../api/hub.js';
import { Alert, Busy } from '../../../components.js';
import { encodeQr, qrPath } from '../../../qr-code.js';
import { errorText } from '../guide-texts.js';

export type ConsentSigning = HubSchemas['ConsentSigningView'];

const FAILURE_TEXT: Record<NonNullable<ConsentSigning['failure']>, string> = {
  refused: 'Personen avbröt signeringen i appen. Inget samtycke är sparat.',
  'other-signer': 'Någon annan än personen signerade. Inget samtycke är sparat.',
  'invalid-signature': 'Underskriften gick inte att kontrollera. Inget samtycke är sparat.',
};
const ENDED_TEXT: Partial<Record<ConsentSigning['status'], string>> = {
  cancelled: 'Signeringen är avbruten. Inget samtycke är sparat.',
  expired: 'Tiden för signeringen gick ut. Inget samtycke är sparat.',
};

function QrCode({ data }: { data: string }) {
  const modules = encodeQr(data);
  const size = modules.length + 8;
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${size} ${size}`}
      width={Math.max(220, size * 5)}
      height={Math.max(220, size * 5)}
      role="img"
      aria-label="QR-kod för signering med e-legitimation"
      data-qr={data}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={qrPath(modules)} fill="#000" />
    </svg>
  );
}

/**
 * The guide's side of a signing at the desk: the animated QR code the citizen scans with the e-ID app, asked anew
 * every second (the code changes, and the hub stores the consent once the citizen signed).
 */
export function ConsentSigningPanel({
  started,
  onRecorded,
  onEnded,
}: {
  started: ConsentSigning;
  onRecorded: () => Promise<void>;
  onEnded: () => void;
}) {
  const [signing, setSigning] = useState(started);
  const [problem, setProblem] = useState<string>();
  const pending = signing.status === 'pending';
  // the latest callback without restarting the polling when the parent renders anew
  const recorded = useRef(onRecorded);
  recorded.current = onRecorded;

  useEffect(() => {
    if (!pending) return;
    let stopped = false;
    const timer = setInterval(() => {
      answer(hub.GET('/api/consent-signings/{id}', { params: { path: { id: started.id } } })).then(
        (next) => {
          if (stopped) return;
          setSigning(next);
          if (next.status === 'complete') void recorded.current();
        },
        (error: unknown) => !stopped && setProblem(errorText(error)),
      );
    }, 1_000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [pending, started.id]);

  const cancel = async () => {
    try {
      setSigning(await answer(hub.POST('/api/consent-signings/{id}/cancel', { params: { path: { id: started.id } } })));
    } catch (error) {
      setProblem(errorText(error));
    }
  };

  const ended = signing.failure ? FAILURE_TEXT[signing.failure] : ENDED_TEXT[signing.status];
  return (
    <section className="card" aria-labelledby="signering-rubrik">
      <h3 id="signering-rubrik">Signering med e-legitimation</h3>
      {problem && <Alert>{problem}</Alert>}
      {pending && (
        <>
          <p>Be personen öppna sin e-legitimationsapp och skanna QR-koden. Koden byts varje sekund.</p>
          {signing.qrData && <QrCode data={signing.qrData} />}
          <Busy>
            {signing.openedInApp
              ? 'Personen har öppnat signeringen i appen och läser texten …'
              : 'Väntar på att personen skannar koden …'}
          </Busy>
          <button type="button" className="secondary" onClick={() => void cancel()}>
            Avbryt signeringen
          </button>
        </>
      )}
      {ended && (
        <>
          <Alert kind="warning">{ended}</Alert>
          <button type="button" className="secondary" onClick={onEnded}>
            Tillbaka till formuläret
          </button>
        </>
      )}
      <details>
        <summary>Texten som personen signerar</summary>
        <p className="signing-text">{signing.text}</p>
      </details>
    </section>
  );
}
