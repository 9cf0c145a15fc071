/** Book: dates, guests and meals, with the total order-rpc will charge, then the order. */
import { useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { api, unwrap } from '../api/client.ts'
import { TakenWarning } from '../availability.tsx'
import { chinaMidnight, chinaToday, nightsBetween, quote, yuan } from '../booking.ts'
import { ErrorNote, Show, Spinner, useLoad, useTitle } from '../ui.tsx'

type Homestay = { id: number; title: string; peopleNum: number; homestayPrice: number; foodPrice: number; foodInfo: string }

function BookForm({ homestay: h }: { homestay: Homestay }) {
  const { route } = useLocation()
  const [start, setStart] = useState(chinaToday(1))
  const [end, setEnd] = useState(chinaToday(3))
  const [people, setPeople] = useState(Math.min(2, h.peopleNum))
  const [meals, setMeals] = useState(false)
  const [remark, setRemark] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const nights = nightsBetween(start, end)
  const q = quote(h, Math.max(0, nights), people, meals && h.foodPrice > 0)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const { orderSn } = await unwrap(
        api.POST('/order/v1/homestayOrder/createHomestayOrder', {
          body: {
            homestayId: h.id,
            isFood: meals && h.foodPrice > 0,
            liveStartTime: chinaMidnight(start),
            liveEndTime: chinaMidnight(end),
            livePeopleNum: people,
            remark: remark.trim(),
          },
        }),
      )
      route(`/orders/${orderSn}/pay`)
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} class="panel" aria-labelledby="book-heading">
      <h1 id="book-heading">Book {h.title}</h1>
      <div class="row">
        <span>
          <label for="check-in">Check-in</label>
          <input id="check-in" type="date" required min={chinaToday()} value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </span>
        <span>
          <label for="check-out">Check-out</label>
          <input id="check-out" type="date" required min={start} value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        </span>
      </div>
      <label for="guests">Guests (up to {h.peopleNum})</label>
      <input
        id="guests"
        type="number"
        required
        min={1}
        max={h.peopleNum}
        value={people}
        onInput={(e) => setPeople(Math.max(1, Math.floor(Number(e.currentTarget.value) || 1)))}
      />
      {h.foodPrice > 0 ? (
        <label class="check">
          <input type="checkbox" checked={meals} onChange={(e) => setMeals(e.currentTarget.checked)} /> Meals: {h.foodInfo} (
          {yuan(h.foodPrice)} per guest and night)
        </label>
      ) : null}
      <label for="remark">Note to the host (optional)</label>
      <textarea id="remark" rows={2} maxLength={200} value={remark} onInput={(e) => setRemark(e.currentTarget.value)} />
      {nights >= 1 ? <TakenWarning id={h.id} start={start} end={end} /> : null}
      <div class="quote" aria-live="polite">
        {nights < 1 ? (
          <p>Choose a check-out date after the check-in date.</p>
        ) : (
          <dl class="facts" aria-label="Price">
            <dt>
              {nights} {nights === 1 ? 'night' : 'nights'} × {yuan(h.homestayPrice)}
            </dt>
            <dd>{yuan(q.homestayTotal, 'fen')}</dd>
            {meals && h.foodPrice > 0 ? (
              <>
                <dt>
                  Meals: {people} × {nights} × {yuan(h.foodPrice)}
                </dt>
                <dd>{yuan(q.foodTotal, 'fen')}</dd>
              </>
            ) : null}
            <dt class="total">Total</dt>
            <dd class="total" data-testid="total">
              {yuan(q.total, 'fen')}
            </dd>
          </dl>
        )}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {busy ? <Spinner label="Placing your order" /> : null}
      <button type="submit" disabled={busy}>
        Book and pay
      </button>
    </form>
  )
}

export function Book({ id }: { id?: string }) {
  useTitle('Book')
  const [loaded] = useLoad(() => unwrap(api.POST('/travel/v1/homestay/homestayDetail', { body: { id: Number(id) } })), `book-${id}`)
  return (
    <Show loaded={loaded} label="Loading the homestay">
      {({ homestay }) => <BookForm homestay={homestay} />}
    </Show>
  )
}
