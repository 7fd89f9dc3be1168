/**
 * Calendar days as ISO `YYYY-MM-DD` strings. The arithmetic is on day numbers (H. Hinnant's civil-date algorithms)
 * rather than Date objects: deriving a population's data does it a few hundred thousand times, and it never depends
 * on the machine's time zone.
 */

export function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return date.toISOString().slice(0, 10);
}

const DAY_FORM = /^\d{4}-\d{2}-\d{2}$/;

function parts(day: string): [number, number, number] {
  if (!DAY_FORM.test(day)) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

/** days since 1970-01-01 */
export function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `YYYY-MM-DD` of a day number */
export function dayOfNumber(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return format(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

function format(y: number, m: number, d: number): string {
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = parts(day);
  return dayOfNumber(dayNumber(y, m, d) + days);
}

/** The same day `months` later; a day the target month lacks becomes its last day (31 January + 1 = 28 February). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parts(day);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return format(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return dayNumber(ty, tm, td) - dayNumber(fy, fm, fd);
}

/** Completed years on `day` of someone born on `birthDate`. */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** `YYYY-MM` of a day */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** day 1–28 of month `YYYY-MM`: a day every month has */
export function dayInMonth(month: string, day: number): string {
  if (!Number.isInteger(day) || day < 1 || day > 28) throw new RangeError(`day ${day} is not in every month`);
  return `${month}-${day < 10 ? '0' : ''}${day}`;
}

export function addMonthsToMonth(month: string, months: number): string {
  return addMonths(`${month}-01`, months).slice(0, 7);
}
