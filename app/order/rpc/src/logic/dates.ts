/**
 * Stay dates in the business time zone. Clients send instants (unix seconds); an order books
 * calendar days, so every instant is read as the date it falls on in the configured zone, stored
 * in a DATE column, and sent back as the unix second at which that day starts in the zone (a
 * client that sent local midnights gets its own values back, as with the Go original).
 */

/** A calendar day as the number of days since 1970-01-01. */
export type Day = number

const MS_PER_DAY = 86_400_000

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, f)
  }
  return f
}

function wallClock(ms: number, zone: string): WallClock {
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  for (const p of formatter(zone).formatToParts(ms)) {
    if (p.type in w) w[p.type as keyof WallClock] = Number(p.value)
  }
  return w
}

/** How far the zone's wall clock is ahead of UTC at instant `ms`. */
function offsetMs(ms: number, zone: string): number {
  const w = wallClock(ms, zone)
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (ms - (((ms % 1000) + 1000) % 1000))
}

/** The calendar day an instant falls on in `zone`. */
export function dayOf(unixSeconds: number, zone: string): Day {
  const w = wallClock(unixSeconds * 1000, zone)
  return Date.UTC(w.year, w.month - 1, w.day) / MS_PER_DAY
}

/** The unix second at which `day` starts in `zone`. */
export function dayStart(day: Day, zone: string): number {
  const utcMidnight = day * MS_PER_DAY
  // Twice: the offset at the first guess may differ from the offset at local midnight (DST).
  const guess = utcMidnight - offsetMs(utcMidnight, zone)
  return Math.floor((utcMidnight - offsetMs(guess, zone)) / 1000)
}

/** The value a DATE column takes for `day` (the driver writes and reads dates in UTC). */
export function dayToDate(day: Day): Date {
  return new Date(day * MS_PER_DAY)
}

/** The calendar day of a DATE column value. */
export function dateToDay(date: Date): Day {
  return Math.floor(date.getTime() / MS_PER_DAY)
}

/** `yyyyMMddHHmmss` of an instant in `zone` (the time part of order numbers). */
export function compactTimestamp(ms: number, zone: string): string {
  const w = wallClock(ms, zone)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${String(w.year).padStart(4, '0')}${two(w.month)}${two(w.day)}${two(w.hour)}${two(w.minute)}${two(w.second)}`
}
