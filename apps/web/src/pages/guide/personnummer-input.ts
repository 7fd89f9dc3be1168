import { parsePersonnummer } from '@contracts/personnummer';

/** What the guide has typed in the personnummer field, judged as she types. */
export type PersonnummerCheck =
  | { state: 'empty' }
  | { state: 'incomplete'; message: string }
  | { state: 'invalid'; message: string }
  | { state: 'valid'; value: string; coordinationNumber: boolean; message: string };

/** The parser's reasons (English, for logs) in the words a guide needs, with what to do. */
const REASONS: Array<[RegExp, string]> = [
  [/^expected/, 'Skriv personnumret som ÅÅÅÅMMDD-NNNN, med eller utan bindestreck.'],
  [/"\+"/, 'Plustecken används bara med tvåsiffrigt årtal, som ÅÅMMDD+NNNN för den som är 100 år eller äldre.'],
  [/no such birth date/, 'Det finns inget sådant födelsedatum. Kontrollera månad och dag.'],
  [/check digit/, 'Kontrollsiffran (den sista siffran) stämmer inte. Kontrollera att alla siffror är rätt.'],
  [/future/, 'Födelsedatumet ligger i framtiden. Kontrollera årtalet.'],
  [/before 1800/, 'Födelseåret är för tidigt. Kontrollera årtalet.'],
];

export function checkPersonnummer(input: string, today: Date = new Date()): PersonnummerCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { state: 'empty' };
  if (/[^\d\s+-]/.test(trimmed)) {
    return { state: 'invalid', message: 'Personnumret får bara innehålla siffror och bindestreck.' };
  }
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 10) {
    return { state: 'incomplete', message: `${digits.length} av 10 eller 12 siffror.` };
  }
  const result = parsePersonnummer(trimmed.replace(/\s/g, ''), today);
  if (!result.ok) {
    if (digits.length === 11) return { state: 'incomplete', message: '11 siffror – skriv 10 eller 12.' };
    const reason = REASONS.find(([pattern]) => pattern.test(result.reason));
    return { state: 'invalid', message: reason?.[1] ?? 'Personnumret är inte giltigt. Kontrollera siffrorna.' };
  }
  return {
    state: 'valid',
    value: result.value,
    coordinationNumber: result.coordinationNumber,
    message: result.coordinationNumber ? 'Giltigt samordningsnummer.' : 'Giltigt personnummer.',
  };
}
