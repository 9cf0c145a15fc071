/** A homestay: photos, description, prices, its host and their other stays, and the guests' comments. */
import { api, unwrap } from '../api/client.ts'
import { Nights } from '../availability.tsx'
import { chinaToday, yuan } from '../booking.ts'
import { Photo, photosOf, Show, useLoad, useTitle } from '../ui.tsx'
import { HomestayCards } from './home.tsx'

function Host({ businessId, homestayId }: { businessId: number; homestayId: number }) {
  const [boss] = useLoad(
    () => unwrap(api.POST('/travel/v1/homestayBussiness/homestayBussinessDetail', { body: { id: businessId } })),
    `boss-${businessId}`,
  )
  const [more] = useLoad(
    () => unwrap(api.POST('/travel/v1/homestay/businessList', { body: { lastId: 0, pageSize: 6, homestayBusinessId: businessId } })),
    `more-${businessId}`,
  )
  return (
    <section aria-labelledby="host-heading">
      <h2 id="host-heading">Your host</h2>
      <Show loaded={boss} label="Loading the host">
        {({ boss: b }) => (
          <p class="boss">
            <Photo src={b.avatar} alt={b.nickname} seed={b.userId} class="avatar" />
            <span>
              <strong>{b.nickname}</strong>
              <span class="muted"> · rank {b.rank}</span>
              <br />
              <span class="muted">{b.info}</span>
            </span>
          </p>
        )}
      </Show>
      <Show loaded={more} label="Loading the host's other stays">
        {(d) => {
          const others = d.list.filter((h) => h.id !== homestayId)
          return others.length > 0 ? (
            <>
              <h3>More from this host</h3>
              <HomestayCards list={others} label="More from this host" />
            </>
          ) : null
        }}
      </Show>
    </section>
  )
}

function Comments({ homestayId }: { homestayId: number }) {
  const [comments] = useLoad(
    () => unwrap(api.POST('/travel/v1/homestayComment/commentList', { body: { homestayId, lastId: 0, pageSize: 10 } })),
    `comments-${homestayId}`,
  )
  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">What guests say</h2>
      <Show loaded={comments} label="Loading comments">
        {(d) =>
          d.list.length === 0 ? (
            <p class="muted">No comments yet.</p>
          ) : (
            <ul class="comments">
              {d.list.map((c) => (
                <li key={c.id}>
                  <p>
                    <strong>{c.nickname || 'A guest'}</strong>{' '}
                    <span class="muted">{'★'.repeat(Math.max(0, Math.min(5, Math.round(c.star))))}</span>
                  </p>
                  <p>{c.content}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  )
}

export function HomestayPage({ id }: { id?: string }) {
  const homestayId = Number(id)
  const [loaded] = useLoad(() => unwrap(api.POST('/travel/v1/homestay/homestayDetail', { body: { id: homestayId } })), `homestay-${id}`)
  useTitle(loaded.state === 'ok' ? loaded.data.homestay.title : 'Homestay')
  return (
    <Show loaded={loaded} label="Loading the homestay">
      {({ homestay: h }) => (
        <article>
          <h1>{h.title}</h1>
          <p class="lead">{h.subTitle}</p>
          <ul class="gallery" aria-label="Photos">
            {photosOf(h.banner).map((src, i) => (
              <li key={src}>
                <Photo src={src} alt={`${h.title}, photo ${i + 1}`} seed={h.id + i} class="gallery-photo" />
              </li>
            ))}
          </ul>
          <div class="split">
            <div>
              <p>{h.info}</p>
              <dl class="facts">
                <dt>Guests</dt>
                <dd>up to {h.peopleNum}</dd>
                <dt>Meals</dt>
                <dd>
                  {h.foodInfo || 'none'}
                  {h.foodPrice > 0 ? `, ${yuan(h.foodPrice)} per guest and night` : ''}
                </dd>
              </dl>
            </div>
            <aside class="price-box" aria-label="Price">
              <p class="price">
                {yuan(h.homestayPrice)} <span class="muted">a night</span>
              </p>
              {h.marketHomestayPrice > h.homestayPrice ? (
                <p class="muted">
                  usually <s>{yuan(h.marketHomestayPrice)}</s>
                </p>
              ) : null}
              {h.rowState === 1 ? (
                <a class="button" href={`/homestays/${h.id}/book`}>
                  Book this stay
                </a>
              ) : (
                <p class="muted">Not open for booking.</p>
              )}
            </aside>
          </div>
          <section aria-labelledby="nights-heading">
            <h2 id="nights-heading">Free nights in the next two weeks</h2>
            <p class="muted">Struck-through nights are taken.</p>
            <Nights id={h.id} start={chinaToday()} end={chinaToday(14)} label="The next 14 nights" />
          </section>
          <Host businessId={h.homestayBusinessId} homestayId={h.id} />
          <Comments homestayId={h.id} />
        </article>
      )}
    </Show>
  )
}
