import { CodeError } from '@looklook/xerr'

/** The most nights one request may name: a year's stay, or a year of the calendar. */
export const MAX_NIGHTS = 366

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

function dayNumber(date: string, name: string): number {
  const m = DATE.exec(date)
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN
  // Date.UTC rolls 2026-02-30 over into March: a date that does not print back as itself is not a date.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw CodeError.param(`${name} must be a date YYYY-MM-DD`)
  return ms / MS_PER_DAY
}

/**
 * The nights from `startDate` (check-in) to `endDate` (check-out, not itself a night), as `YYYY-MM-DD`:
 * a stay checking out on a day leaves that night free for the next guest.
 */
export function nightsOf(startDate: string, endDate: string): string[] {
  const first = dayNumber(startDate, 'startDate')
  const end = dayNumber(endDate, 'endDate')
  if (end <= first) throw CodeError.param('endDate must be after startDate: at least one night')
  if (end - first > MAX_NIGHTS) throw CodeError.param(`at most ${MAX_NIGHTS} nights`)
  const nights: string[] = []
  for (let d = first; d < end; d++) nights.push(new Date(d * MS_PER_DAY).toISOString().slice(0, 10))
  return nights
}

export function positiveId(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw CodeError.param(`${name} must be a positive integer`)
}
