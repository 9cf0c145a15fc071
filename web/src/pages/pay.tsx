/**
 * Pay: payment-api's signed WeChat Pay parameters for the order; on a machine with the WeChat sandbox,
 * the sandbox plays the payer (as the WeChat Pay sheet would), then the order is watched until order-mq
 * marks it paid.
 */
import { useEffect, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { api, unwrap } from '../api/client.ts'
import { sandboxAvailable, sandboxPay } from '../api/sandbox.ts'
import { tradeStateLabel, yuan } from '../booking.ts'
import { ErrorNote, Show, Spinner, useLoad, useTitle } from '../ui.tsx'

type PayParams = { appid: string; nonceStr: string; paySign: string; package: string; timestamp: string; signType: string }

const PAID = 1

async function orderOf(sn: string) {
  return unwrap(api.POST('/order/v1/homestayOrder/userHomestayOrderDetail', { body: { sn } }))
}

/** Polls the order until it is paid: the payment reaches it through Kafka, a moment after WeChat's notification. */
async function waitUntilPaid(sn: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if ((await orderOf(sn)).tradeState === PAID) return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error('the payment went through, but the order does not show it yet: look again in a moment')
}

function Payment({ sn, total, title }: { sn: string; total: number; title: string }) {
  const { route } = useLocation()
  const [params, setParams] = useState<PayParams | null>(null)
  const [sandbox, setSandbox] = useState<boolean | undefined>(undefined)
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    void sandboxAvailable().then(setSandbox)
  }, [])
  const step = async (label: string, work: () => Promise<void>) => {
    setBusy(label)
    setError(null)
    try {
      await work()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(null)
    }
  }
  const prepay = () =>
    step('Asking WeChat Pay for a payment', async () => {
      setParams(
        await unwrap(api.POST('/payment/v1/thirdPayment/thirdPaymentWxPay', { body: { orderSn: sn, serviceType: 'homestayOrder' } })),
      )
    })
  const pay = (p: PayParams) =>
    step('Paying in the WeChat sandbox', async () => {
      await sandboxPay(p)
      setBusy('Waiting for the order to show the payment')
      await waitUntilPaid(sn)
      route(`/orders/${sn}`)
    })
  return (
    <section class="panel" aria-labelledby="pay-heading">
      <h1 id="pay-heading">Pay for {title}</h1>
      <p class="price">{yuan(total)}</p>
      <p class="muted">Order {sn}</p>
      {params === null ? (
        <button type="button" onClick={prepay} disabled={busy !== null}>
          Pay with WeChat
        </button>
      ) : (
        <>
          <p>WeChat Pay is ready: {params.package}.</p>
          {sandbox ? (
            <button type="button" onClick={() => pay(params)} disabled={busy !== null}>
              Pay in the WeChat sandbox
            </button>
          ) : sandbox === false ? (
            <p>Finish paying in WeChat: the looklook mini-program opens the WeChat Pay sheet with these parameters.</p>
          ) : null}
        </>
      )}
      {busy ? <Spinner label={busy} /> : null}
      {error ? <ErrorNote error={error} /> : null}
    </section>
  )
}

export function Pay({ sn }: { sn?: string }) {
  useTitle('Pay')
  const [loaded] = useLoad(() => orderOf(sn ?? ''), `pay-${sn}`)
  return (
    <Show loaded={loaded} label="Loading the order">
      {(o) =>
        o.tradeState === 0 ? (
          <Payment sn={o.sn} total={o.orderTotalPrice} title={o.title} />
        ) : (
          <section class="panel">
            <h1>Pay for {o.title}</h1>
            <p>
              This order is {tradeStateLabel(o.tradeState).toLowerCase()}: there is nothing to pay.{' '}
              <a href={`/orders/${o.sn}`}>See the order</a>
            </p>
          </section>
        )
      }
    </Show>
  )
}
