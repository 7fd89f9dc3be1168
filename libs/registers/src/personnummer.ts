/**
 * Composing personnummer and samordningsnummer. Checking them is `parsePersonnummer` in @hub/contracts; the
 * specs hold what is composed here to it.
 */

/** The Luhn (mod 10) check digit for the nine digits YYMMDDNNN. */
export function luhnCheckDigit(nineDigits: string): number {
  if (!/^\d{9}$/.test(nineDigits)) throw new RangeError('expected nine digits YYMMDDNNN');
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = nineDigits.charCodeAt(i) - 48;
    // Counted from the check digit, every second digit is doubled: here the ones at even positions.
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * YYYYMMDDNNNC from a birth date `YYYY-MM-DD` and the birth number NNN (its last digit odd for men, even for
 * women). A samordningsnummer (coordination number) carries the day + 60.
 */
export function composeSubject(birthDate: string, birthNumber: string, coordinationNumber: boolean): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new RangeError('birth date must be YYYY-MM-DD');
  if (!/^\d{3}$/.test(birthNumber)) throw new RangeError('birth number must be three digits');
  const day = Number(birthDate.slice(8, 10)) + (coordinationNumber ? 60 : 0);
  const yymmdd = `${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${String(day).padStart(2, '0')}`;
  return `${birthDate.slice(0, 2)}${yymmdd}${birthNumber}${luhnCheckDigit(yymmdd + birthNumber)}`;
}
