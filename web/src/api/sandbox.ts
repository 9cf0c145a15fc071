/**
 * The local WeChat sandbox's driving routes, which the gateway forwards in local runs only: they play
 * the guest's phone (the mini-program's login button, the WeChat Pay sheet). They are no api of the
 * gateway's OpenAPI document, so their small shapes are written here, after tools/wechat-sandbox.
 */

export interface SandboxLogin {
  code: string
  iv: string
  encryptedData: string
  openid: string
}

export interface SandboxPaid {
  outTradeNo: string
  tradeState: string
  transactionId: string | null
  deliveries: { status: number; body: string }[]
}

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json().catch(() => ({}))) as T }
}

let present: Promise<boolean> | undefined

/**
 * Whether the gateway forwards to a sandbox: an empty login is refused by the sandbox itself (400,
 * its PARAM_ERROR), while a gateway without one answers its JSON 404.
 */
export function sandboxAvailable(): Promise<boolean> {
  present ??= post<{ code?: unknown }>('/sandbox/login', {}).then(
    (r) => r.status === 400 && r.body.code === 'PARAM_ERROR',
    () => false,
  )
  return present
}

function refusal(what: string, status: number, body: { message?: unknown }): Error {
  return new Error(typeof body.message === 'string' ? `${what}: ${body.message}` : `${what} failed (HTTP ${status})`)
}

/** What WeChat's login button hands the mini-program for this nickname. */
export async function sandboxLogin(nickName: string): Promise<SandboxLogin> {
  const r = await post<SandboxLogin & { message?: unknown }>('/sandbox/login', { nickName })
  if (r.status !== 200) throw refusal('WeChat sandbox login', r.status, r.body)
  return r.body
}

/** The payer pays: the sandbox checks the signed pay parameters and notifies payment-api. */
export async function sandboxPay(params: { package: string; paySign: string; timestamp: string; nonceStr: string }): Promise<SandboxPaid> {
  const r = await post<SandboxPaid & { message?: unknown }>('/sandbox/pay', {
    prepayId: params.package,
    paySign: params.paySign,
    timeStamp: params.timestamp,
    nonceStr: params.nonceStr,
  })
  if (r.status !== 200) throw refusal('WeChat sandbox payment', r.status, r.body)
  return r.body
}
