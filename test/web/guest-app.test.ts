/**
 * The guest web app in a real browser (Chromium through playwright-core), every request through the
 * gateway on :8888 as a guest's would be: a whole booking paid in the WeChat sandbox, the api's own
 * messages on refusals, orders kept to their owner, and sign-out revoking the token. Each screen is
 * screenshotted under data/web-screenshots/ and checked with axe-core.
 */
import assert from 'node:assert/strict'
import { randomInt, randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { post, registerUser } from '@looklook/testkit'
import type { Browser, Page } from 'playwright-core'
import { bookableHomestay, chinaMidnight, ORDER, orderDetail, ymd } from '../e2e/booking-kit.ts'
import { checkScreen, DESKTOP, fitsWidth, launch, newContext, PHONE, watchErrors } from './browser.ts'

let browser: Browser

// The first run on a machine installs Chromium with apt first: longer than a test may take.
before(
  async () => {
    browser = await launch()
  },
  { timeout: 600_000 },
)

after(async () => {
  await browser?.close()
})

const yuanToFen = (yuan: number) => Math.round(yuan * 100)
const shownYuan = (fen: number) => `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

async function page(viewport = DESKTOP): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, viewport)
  const p = await context.newPage()
  return { page: p, errors: watchErrors(p) }
}

/** A check-in day (unix seconds) from which `nights` nights of the homestay are free, picked at random well ahead so runs do not meet. */
async function freeStart(homestayId: number, nights: number): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const start = chinaMidnight(20 + randomInt(300))
    const res = await post<{ nights: { date: string; free: boolean }[] }>('/travel/v1/homestay/homestayAvailability', {
      id: homestayId,
      startTime: start,
      endTime: start + nights * 86_400,
    })
    assert.equal(res.status, 200, res.text)
    if (res.body.data?.nights.every((n) => n.free)) return start
  }
  throw new Error(`no ${nights} free nights found for homestay ${homestayId}`)
}

/** An order of one night for one guest, booked through the api. */
async function orderOf(token: string): Promise<string> {
  const homestay = await bookableHomestay()
  const start = await freeStart(homestay.id, 1)
  const res = await post<{ orderSn: string }>(
    `${ORDER}/createHomestayOrder`,
    { homestayId: homestay.id, isFood: false, liveStartTime: start, liveEndTime: start + 86_400, livePeopleNum: 1, remark: 'web test' },
    { token },
  )
  assert.equal(res.status, 200, res.text)
  return res.body.data?.orderSn ?? ''
}

/** Signs in with mobile and password on the sign-in screen, with the keyboard only. */
async function signInWithMobile(p: Page, mobile: string, password: string): Promise<void> {
  await p.getByRole('textbox', { name: 'Mobile number' }).focus()
  await p.keyboard.type(mobile)
  await p.keyboard.press('Tab')
  await p.keyboard.type(password)
  await p.keyboard.press('Enter')
}

describe('the guest web app', () => {
  test('the gateway serves the app at / and its pages, while unknown api-like requests keep the JSON 404', async () => {
    const home = await fetch('http://127.0.0.1:8888/')
    assert.equal(home.status, 200)
    assert.match(home.headers.get('content-type') ?? '', /^text\/html/)
    const deep = await fetch('http://127.0.0.1:8888/orders/HSO1', { headers: { accept: 'text/html' } })
    assert.equal(deep.status, 200, 'a page of the app opened directly')
    const unknown = await fetch('http://127.0.0.1:8888/no/such/route', { method: 'POST', body: '{}' })
    assert.equal(unknown.status, 404)
    assert.deepEqual(await unknown.json(), { code: 100001, msg: 'route not found' })

    // The hashed bundle is JavaScript, cached for good; index.html is revalidated.
    assert.equal(home.headers.get('cache-control'), 'no-cache')
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(await home.text())?.[1]
    assert.ok(script, 'index.html loads its bundle from /assets/')
    const bundle = await fetch(`http://127.0.0.1:8888${script}`)
    assert.equal(bundle.status, 200)
    assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/)
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/)

    // An api prefix stays the api's, even for a browser asking for HTML.
    const api = await fetch('http://127.0.0.1:8888/travel/v1/homestay/homestayList', { headers: { accept: 'text/html' } })
    assert.match(api.headers.get('content-type') ?? '', /^application\/json/)
  })

  test('sign in with WeChat → pick a homestay → book → pay in the sandbox → the order shows paid with its check-in code', async () => {
    const { page: p, errors } = await page()
    const picked = await bookableHomestay()

    await p.goto('/')
    await p.getByRole('heading', { name: 'Preferred stays' }).waitFor()
    await p.getByRole('list', { name: 'Preferred stays' }).getByRole('link').first().waitFor()
    await checkScreen(p, 'home')

    await p.getByRole('list', { name: 'Preferred stays' }).getByRole('link', { name: picked.title }).click()
    await p.getByRole('heading', { level: 1, name: picked.title }).waitFor()
    await p.getByRole('heading', { name: 'What guests say' }).waitFor()
    await p.getByRole('status').first().waitFor({ state: 'detached' })
    await checkScreen(p, 'homestay')

    // Booking needs a guest: the app asks to sign in, then comes back.
    await p.getByRole('link', { name: 'Book this stay' }).click()
    await p.getByRole('heading', { name: 'With WeChat (sandbox)' }).waitFor()
    await checkScreen(p, 'sign-in')
    await p.getByLabel('WeChat nickname').fill(`web-${randomUUID().slice(0, 8)}`)
    await p.getByRole('button', { name: 'Sign in with WeChat' }).click()
    await p.getByRole('heading', { name: `Book ${picked.title}` }).waitFor()

    // Two free nights, two guests with meals.
    const start = await freeStart(picked.id, 2)
    await p.getByLabel('Check-in').fill(ymd(start))
    await p.getByLabel('Check-out').fill(ymd(start + 2 * 86_400))
    await p.getByLabel(/^Guests/).fill('2')
    await p.getByRole('checkbox', { name: /^Meals/ }).check()
    const expected = yuanToFen(picked.homestayPrice) * 2 + yuanToFen(picked.foodPrice) * 2 * 2
    assert.equal(await p.getByTestId('total').textContent(), shownYuan(expected), 'the total shown is what order-rpc will charge')
    await checkScreen(p, 'book')

    await p.getByRole('button', { name: 'Book and pay' }).click()
    await p.waitForURL(/\/orders\/HSO\d{22}\/pay$/)
    const sn = /\/orders\/(HSO\d{22})\/pay$/.exec(p.url())?.[1] ?? ''
    await p.getByRole('button', { name: 'Pay with WeChat' }).click()
    await p.getByRole('button', { name: 'Pay in the WeChat sandbox' }).waitFor()
    await checkScreen(p, 'pay')
    await p.getByRole('button', { name: 'Pay in the WeChat sandbox' }).click()

    await p.waitForURL(new RegExp(`/orders/${sn}$`), { timeout: 30_000 })
    await p.getByTestId('trade-state').filter({ hasText: 'Paid' }).waitFor()
    const code = (await p.getByTestId('trade-code').textContent()) ?? ''
    assert.match(code, /^[0-9A-Za-z]{8}$/)
    assert.notEqual(await p.getByTestId('pay-time').textContent(), 'not yet')
    assert.equal(await p.getByTestId('order-total').textContent(), shownYuan(expected))
    await checkScreen(p, 'order')

    // The same order as the api tells its owner.
    const token = await p.evaluate(
      () => (JSON.parse(localStorage.getItem('looklook.session') ?? '{}') as { accessToken?: string }).accessToken ?? '',
    )
    const order = await orderDetail(token, sn)
    assert.equal(order.tradeState, 1)
    assert.equal(order.tradeCode, code)
    assert.equal(yuanToFen(order.orderTotalPrice), expected)

    await p.getByRole('link', { name: 'All my orders' }).click()
    await p.locator(`a[href="/orders/${sn}"]`).waitFor()
    await checkScreen(p, 'orders')
    await p.getByRole('navigation', { name: 'Orders by state' }).getByRole('link', { name: 'Paid' }).click()
    await p.locator(`a[href="/orders/${sn}"]`).waitFor()
    assert.deepEqual(errors, [], 'no script errors')
    await p.context().close()
  })

  test('at 375 px the home and an order fit the screen', async () => {
    const { page: p } = await page(PHONE)
    await p.goto('/')
    await p.getByRole('list', { name: 'Preferred stays' }).getByRole('link').first().waitFor()
    await fitsWidth(p)
    await checkScreen(p, 'home-375')
    const user = await registerUser()
    const sn = await orderOf(user.accessToken)
    await p.goto('/sign-in')
    await signInWithMobile(p, user.mobile, user.password)
    await p.getByRole('button', { name: 'Sign out' }).waitFor()
    await p.goto(`/orders/${sn}`)
    await p.getByTestId('trade-state').filter({ hasText: 'Waiting for payment' }).waitFor()
    await fitsWidth(p)
    await checkScreen(p, 'order-375')
    await p.context().close()
  })

  test('a wrong password shows the api’s own message', async () => {
    const user = await registerUser()
    const refused = await post('/usercenter/v1/user/login', { mobile: user.mobile, password: 'not-the-password' })
    assert.equal(refused.status, 400, refused.text)
    const { page: p } = await page()
    await p.goto('/sign-in')
    await signInWithMobile(p, user.mobile, 'not-the-password')
    await p.getByRole('alert').filter({ hasText: refused.body.msg }).waitFor()
    assert.equal(await p.getByRole('button', { name: 'Sign out' }).count(), 0, 'not signed in')
    await checkScreen(p, 'sign-in-refused')
    await p.context().close()
  })

  test('another guest cannot open the first guest’s order page', async () => {
    const owner = await registerUser()
    const sn = await orderOf(owner.accessToken)
    const other = await registerUser()
    const refused = await post('/order/v1/homestayOrder/userHomestayOrderDetail', { sn }, { token: other.accessToken })
    assert.equal(refused.status, 400, refused.text)

    const { page: p } = await page()
    await p.goto(`/sign-in?next=${encodeURIComponent(`/orders/${sn}`)}`)
    await signInWithMobile(p, other.mobile, other.password)
    await p.waitForURL(new RegExp(`/orders/${sn}$`))
    await p.getByRole('alert').filter({ hasText: refused.body.msg }).waitFor()
    assert.equal(await p.getByTestId('trade-state').count(), 0, 'nothing of the order is shown')
    assert.equal(await p.getByText(sn).count(), 0)
    await p.context().close()
  })

  test('sign-out revokes the token at the gateway', async () => {
    const user = await registerUser()
    const { page: p } = await page()
    await p.goto('/sign-in')
    await signInWithMobile(p, user.mobile, user.password)
    await p.getByRole('button', { name: 'Sign out' }).waitFor()
    const token = await p.evaluate(
      () => (JSON.parse(localStorage.getItem('looklook.session') ?? '{}') as { accessToken?: string }).accessToken ?? '',
    )
    assert.equal((await post('/usercenter/v1/user/detail', {}, { token })).status, 200, 'the token works while signed in')

    await p.getByRole('button', { name: 'Sign out' }).click()
    await p.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor()
    assert.equal(await p.evaluate(() => localStorage.getItem('looklook.session')), null)
    const after = await post('/usercenter/v1/user/detail', {}, { token })
    assert.equal(after.status, 401, after.text)

    // The app's screens that need a guest now ask to sign in again.
    await p.goto('/orders')
    await p.waitForURL(/\/sign-in\?next=%2Forders$/)
    await p.context().close()
  })
})
