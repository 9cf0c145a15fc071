/** Which nights of a homestay are free (travel-api's homestayAvailability): a calendar strip and a check for the chosen stay. */
import { api, unwrap } from './api/client.ts'
import { chinaMidnight, longDate } from './booking.ts'
import { Show, useLoad } from './ui.tsx'

export type Night = { date: string; free: boolean }

export function loadNights(id: number, start: string, end: string): Promise<{ nights: Night[] }> {
  return unwrap(
    api.POST('/travel/v1/homestay/homestayAvailability', { body: { id, startTime: chinaMidnight(start), endTime: chinaMidnight(end) } }),
  )
}

/** The nights from `start` to `end`, each marked free or taken. */
export function Nights({ id, start, end, label }: { id: number; start: string; end: string; label: string }) {
  const [loaded] = useLoad(() => loadNights(id, start, end), `nights-${id}-${start}-${end}`)
  return (
    <Show loaded={loaded} label="Loading free nights">
      {({ nights }) => (
        <ul class="nights" aria-label={label}>
          {nights.map((n) => (
            <li key={n.date} class={n.free ? 'free' : 'taken'}>
              {longDate(chinaMidnight(n.date)).replace(/ \d{4}$/, '')}
              <span class="visually-hidden">{n.free ? ': free' : ': taken'}</span>
            </li>
          ))}
        </ul>
      )}
    </Show>
  )
}

/** A warning when some night of the chosen stay is already taken; nothing while they are free. */
export function TakenWarning({ id, start, end }: { id: number; start: string; end: string }) {
  const [loaded] = useLoad(() => loadNights(id, start, end), `taken-${id}-${start}-${end}`)
  if (loaded.state !== 'ok') return null
  const taken = loaded.data.nights.filter((n) => !n.free)
  if (taken.length === 0) return null
  return (
    <p class="warning" role="status">
      Already taken: {taken.map((n) => longDate(chinaMidnight(n.date))).join(', ')}. Choose other dates.
    </p>
  )
}
