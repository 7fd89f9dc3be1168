import { useState, type FormEvent } from 'react';
import type { HubSchemas } from '../../api/hub.js';
import { Alert } from '../../components.js';

export type SurveyQuestion = HubSchemas['SurveyQuestionView'];
export type NkiAnswers = HubSchemas['NkiAnswerDto'];
type Key = keyof NkiAnswers;

const SCALE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * The three NKI questions, each a row of ten large radio buttons: a finger on a tablet, the arrow keys on a keyboard.
 * Nothing but the three numbers is sent.
 */
export function NkiForm({
  questions,
  onSubmit,
}: {
  questions: SurveyQuestion[];
  onSubmit: (answers: NkiAnswers) => Promise<void>;
}) {
  const [answers, setAnswers] = useState<Partial<NkiAnswers>>({});
  const [missing, setMissing] = useState(false);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (questions.some((q) => answers[q.key as Key] === undefined)) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setSending(true);
    try {
      await onSubmit(answers as NkiAnswers);
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="nki-form" onSubmit={submit} noValidate>
      {questions.map((q, index) => (
        <fieldset key={q.key} className="nki-question">
          <legend>
            {index + 1}. {q.text}
          </legend>
          <p className="hint" id={`nki-${q.key}-hint`}>
            1 = {q.low}, 10 = {q.high}
          </p>
          <div className="nki-scale" aria-describedby={`nki-${q.key}-hint`}>
            {SCALE.map((n) => (
              <label key={n} className="nki-option">
                <input
                  type="radio"
                  name={q.key}
                  value={n}
                  checked={answers[q.key as Key] === n}
                  onChange={() => setAnswers({ ...answers, [q.key]: n })}
                />
                <span>{n}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      {missing && <Alert>Svara på alla tre frågorna innan du skickar.</Alert>}
      <button type="submit" className="nki-submit" disabled={sending}>
        Skicka svar
      </button>
    </form>
  );
}
