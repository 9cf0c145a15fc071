/** Home: the preferred homestays, the good bosses and a few guesses. */
import { api, unwrap } from '../api/client.ts'
import { yuan } from '../booking.ts'
import { coverOf, Photo, Show, useLoad, useTitle } from '../ui.tsx'

export type HomestayCard = { id: number; title: string; subTitle: string; banner: string; homestayPrice: number; peopleNum: number }

export function HomestayCards({ list, label }: { list: HomestayCard[]; label: string }) {
  if (list.length === 0) return <p class="muted">Nothing here yet.</p>
  return (
    <ul class="cards" aria-label={label}>
      {list.map((h) => (
        <li key={h.id} class="card">
          <a href={`/homestays/${h.id}`} class="card-link">
            <Photo src={coverOf(h.banner)} alt={h.title} seed={h.id} class="card-photo" />
            <span class="card-body">
              <span class="card-title">{h.title}</span>
              <span class="card-sub">{h.subTitle}</span>
              <span class="card-price">
                {yuan(h.homestayPrice)} <span class="muted">a night · up to {h.peopleNum} guests</span>
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  )
}

export function Home() {
  useTitle('Homestays')
  const [preferred] = useLoad(() => unwrap(api.POST('/travel/v1/homestay/homestayList', { body: { page: 1, pageSize: 10 } })), 'preferred')
  const [bosses] = useLoad(() => unwrap(api.POST('/travel/v1/homestayBussiness/goodBoss', { body: {} })), 'bosses')
  const [guesses] = useLoad(() => unwrap(api.POST('/travel/v1/homestay/guessList', { body: {} })), 'guesses')
  return (
    <>
      <h1>Find a homestay</h1>
      <section aria-labelledby="preferred-heading">
        <h2 id="preferred-heading">Preferred stays</h2>
        <Show loaded={preferred} label="Loading the preferred stays">
          {(d) => <HomestayCards list={d.list} label="Preferred stays" />}
        </Show>
      </section>
      <section aria-labelledby="bosses-heading">
        <h2 id="bosses-heading">Good hosts</h2>
        <Show loaded={bosses} label="Loading the hosts">
          {(d) => (
            <ul class="bosses">
              {d.list.map((b) => (
                <li key={b.id} class="boss">
                  <Photo src={b.avatar} alt={b.nickname} seed={b.userId} class="avatar" />
                  <span>
                    <strong>{b.nickname}</strong>
                    <span class="muted"> · rank {b.rank}</span>
                    <br />
                    <span class="muted">{b.info}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Show>
      </section>
      <section aria-labelledby="guess-heading">
        <h2 id="guess-heading">You may also like</h2>
        <Show loaded={guesses} label="Loading suggestions">
          {(d) => <HomestayCards list={d.list} label="Suggestions" />}
        </Show>
      </section>
    </>
  )
}
