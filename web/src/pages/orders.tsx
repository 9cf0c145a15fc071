/** My orders, by state, and one order's detail. */
import { useLocation } from 'preact-iso'
import { api, unwrap } from '../api/client.ts'
import { dateTime, longDate, TRADE_STATES, tradeStateLabel, yuan } from '../booking.ts'
import { Photo, Show, useLoad, useTitle } from '../ui.tsx'

const FILTERS = [{ state: -99 as const, label: 'All' }, ...TRADE_STATES]

export function Orders() {
  useTitle('My orders')
  const { query } = useLocation()
  const picked = FILTERS.find((f) => String(f.state) === query.state) ?? FILTERS[0]!
  const [loaded] = useLoad(
    () =>
      unwrap(api.POST('/order/v1/homestayOrder/userHomestayOrderList', { body: { lastId: 0, pageSize: 20, tradeState: picked.state } })),
    `orders-${picked.state}`,
  )
  return (
    <>
      <h1>My orders</h1>
      <nav aria-label="Orders by state" class="filters">
        {FILTERS.map((f) => (
          <a key={f.state} href={f.state === -99 ? '/orders' : `/orders?state=${f.state}`} aria-current={f === picked ? 'page' : undefined}>
            {f.label}
          </a>
        ))}
      </nav>
      <Show loaded={loaded} label="Loading your orders">
        {(d) =>
          d.list.length === 0 ? (
            <p class="muted">No orders {picked.state === -99 ? 'yet' : `in “${picked.label}”`}.</p>
          ) : (
            <ul class="orders">
              {d.list.map((o) => (
                <li key={o.sn}>
                  <a href={`/orders/${o.sn}`} class="order-link">
                    <Photo src={o.cover} alt={o.title} seed={o.homestayId} class="thumb" />
                    <span>
                      <strong>{o.title}</strong>
                      <br />
                      <span class="muted">
                        {longDate(o.liveStartDate)} → {longDate(o.liveEndDate)}
                      </span>
                      <br />
                      <span class={`state state-${o.tradeState}`}>{tradeStateLabel(o.tradeState)}</span> · {yuan(o.orderTotalPrice)}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </>
  )
}

export function OrderPage({ sn }: { sn?: string }) {
  useTitle('Order')
  const [loaded] = useLoad(
    () => unwrap(api.POST('/order/v1/homestayOrder/userHomestayOrderDetail', { body: { sn: sn ?? '' } })),
    `order-${sn}`,
  )
  return (
    <Show loaded={loaded} label="Loading the order">
      {(o) => (
        <article class="panel">
          <h1>{o.title}</h1>
          <p>
            <span class={`state state-${o.tradeState}`} data-testid="trade-state">
              {tradeStateLabel(o.tradeState)}
            </span>
          </p>
          {o.tradeCode ? (
            <p class="code">
              Check-in code: <strong data-testid="trade-code">{o.tradeCode}</strong>
            </p>
          ) : null}
          {o.tradeState === 0 ? (
            <a class="button" href={`/orders/${o.sn}/pay`}>
              Pay now
            </a>
          ) : null}
          <dl class="facts">
            <dt>Order</dt>
            <dd>{o.sn}</dd>
            <dt>Check-in</dt>
            <dd>{longDate(o.liveStartDate)}</dd>
            <dt>Check-out</dt>
            <dd>{longDate(o.liveEndDate)}</dd>
            <dt>Guests</dt>
            <dd>{o.livePeopleNum}</dd>
            <dt>Stay</dt>
            <dd>{yuan(o.homestayTotalPrice)}</dd>
            <dt>Meals</dt>
            <dd>{o.needFood ? yuan(o.foodTotalPrice) : 'not booked'}</dd>
            <dt>Total</dt>
            <dd data-testid="order-total">{yuan(o.orderTotalPrice)}</dd>
            <dt>Ordered</dt>
            <dd>{dateTime(o.createTime)}</dd>
            <dt>Paid</dt>
            <dd data-testid="pay-time">{o.payTime > 0 ? `${dateTime(o.payTime)}${o.payType ? ` (${o.payType})` : ''}` : 'not yet'}</dd>
            {o.remark ? (
              <>
                <dt>Note</dt>
                <dd>{o.remark}</dd>
              </>
            ) : null}
          </dl>
          <p>
            <a href={`/homestays/${o.homestayId}`}>About this homestay</a> · <a href="/orders">All my orders</a>
          </p>
        </article>
      )}
    </Show>
  )
}
