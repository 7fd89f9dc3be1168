import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Purpose } from '@contracts/codes';
import { hub } from '../../../api/hub.js';
import { Alert, Field } from '../../../components.js';
import { usePersistedState } from '../../../persisted-state.js';
import { agencyName } from '../../../texts.js';
import { CategoryChoices, CheckboxGroup, ConsentSelect, PurposeSelect } from '../form-fields.js';
import { errorText } from '../guide-texts.js';
import { PERSON_FORM_KEYS } from '../person-forms.js';
import { QueryResults } from '../query-results.js';
import { IDLE, applyQueryEvent, failQuery, startQuery, type QueryProgress } from '../query-state.js';
import { readEventStream } from '../sse.js';
import type { Catalogue, Consent } from '../types.js';
import { describeAgencyState } from '../agency-state-text.js';

interface QueryDraft {
  purpose: Purpose;
  agencies: string[];
  categories: string[];
  consentId: string;
  justification: string;
}

export function QuerySection({
  subject,
  catalogues,
  consents,
  isProtected,
  onProtected,
  contactId,
}: {
  subject: string;
  catalogues: Catalogue[];
  consents: Consent[];
  isProtected: boolean;
  onProtected: (instruction?: string) => void;
  /** the contact the query is made during */
  contactId?: string;
}) {
  const initial: QueryDraft = {
    purpose: 'vagledning',
    agencies: catalogues.map((c) => c.agency),
    categories: [],
    consentId: '',
    justification: '',
  };
  const [draft, setDraft] = usePersistedState<QueryDraft>(PERSON_FORM_KEYS.query(subject), initial);
  const [progress, setProgress] = useState<QueryProgress>(IDLE);
  const [problem, setProblem] = useState<string>();
  const [errors, setErrors] = useState<{ agencies?: string; justification?: string }>({});
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (progress.protectedIdentity) onProtected(progress.handlingInstruction);
  }, [progress.protectedIdentity, progress.handlingInstruction]);
  const chosenCatalogues = catalogues.filter((c) => draft.agencies.includes(c.agency));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    const agencies = catalogues.map((c) => c.agency).filter((agency) => draft.agencies.includes(agency));
    if (agencies.length === 0) found.agencies = 'Välj minst en myndighet att fråga.';
    if (isProtected && draft.justification.trim().length < 10)
      found.justification = 'Skriv varför du behöver uppgifterna, med minst 10 tecken.';
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const categories = draft.categories.filter((code) => agencies.includes(code.slice(0, code.indexOf('.'))));
    setProgress(startQuery(agencies));
    try {
      const { response } = await hub.POST('/api/queries/stream', {
        body: {
          subject,
          purpose: draft.purpose,
          agencies,
          ...(categories.length > 0 && { categories }),
          ...(draft.consentId && { consentId: draft.consentId }),
          ...(draft.justification.trim() && { justification: draft.justification.trim() }),
          ...(contactId && { contactId }),
        },
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
        parseAs: 'stream',
      });
      await readEventStream(response.body!, (sse) => {
        setProgress((current) => applyQueryEvent(current, sse.event, JSON.parse(sse.data), describeAgencyState));
      });
      setProgress((current) =>
        current.phase === 'running'
          ? failQuery(current, 'Anslutningen bröts innan alla svar kom. Fråga igen.')
          : current,
      );
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      setProgress(IDLE);
      setProblem(errorText(error));
    }
  };

  return (
    <section aria-labelledby="fraga-rubrik">
      <h2 id="fraga-rubrik">Fråga myndigheterna</h2>
      <form onSubmit={(event) => void submit(event)} noValidate className="card" aria-labelledby="fraga-rubrik">
        {problem && <Alert>{problem}</Alert>}
        <PurposeSelect
          hint="Varför du frågar. Avtalet med myndigheten avgör vilka ändamål som är tillåtna."
          value={draft.purpose}
          onChange={(purpose) => setDraft({ ...draft, purpose })}
        />
        <CheckboxGroup
          legend="Myndigheter att fråga"
          error={errors.agencies}
          options={catalogues.map((c) => ({ value: c.agency, label: agencyName(c.agency) }))}
          selected={draft.agencies}
          onChange={(agencies) => setDraft({ ...draft, agencies })}
        />
        <fieldset>
          <legend>Uppgifter</legend>
          <p className="hint">
            Välj de uppgifter du behöver. Väljer du inga för en myndighet frågar du efter allt som avtalet tillåter.
          </p>
          <CategoryChoices
            catalogues={chosenCatalogues}
            selected={draft.categories}
            onChange={(categories) => setDraft({ ...draft, categories })}
          />
        </fieldset>
        <ConsentSelect
          hint="Det samtycke frågan bygger på. Automatiskt val tar det som passar bäst."
          consents={consents}
          value={draft.consentId}
          onChange={(consentId) => setDraft({ ...draft, consentId })}
        />
        {isProtected && (
          <Field
            label="Motivering (krävs för skyddade personuppgifter)"
            hint="Skriv varför du behöver uppgifterna, minst 10 tecken. Motiveringen sparas i loggen."
            error={errors.justification}
          >
            {(props) => (
              <textarea
                {...props}
                maxLength={2000}
                value={draft.justification}
                onChange={(event) => setDraft({ ...draft, justification: event.target.value })}
              />
            )}
          </Field>
        )}
        <button type="submit" disabled={progress.phase === 'running'}>
          Fråga myndigheterna
        </button>
      </form>
      <QueryResults progress={progress} catalogues={catalogues} />
    </section>
  );
}
