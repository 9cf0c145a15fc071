/**
 * Login and account hardening against the running stack: login floods on one account, the
 * per-account lock, the single-session rule under concurrent logins, concurrent registers and
 * removed users. Floods go straight to usercenter-api (:8002) with the `x-user` header nginx would
 * set, so the gateway's per-address rate limit on these routes does not stand in for what is tested.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  copyHomestay,
  type HttpResult,
  memoryLogger,
  post,
  registerUser,
  request,
  type TestUser,
  type TokenTriple,
  uniqueMobile,
} from '@looklook/testkit'
import { createUsercenterClient } from '../../app/usercenter/rpc/src/client.ts'

const USERCENTER_API = process.env.LOOKLOOK_USERCENTER_API ?? 'http://127.0.0.1:8002'
const ORDER_API = process.env.LOOKLOOK_ORDER_API ?? 'http://127.0.0.1:8004'
const USERCENTER_RPC = process.env.LOOKLOOK_USERCENTER_RPC ?? '127.0.0.1:9002'

/** usercenter-rpc's LoginGuard.MaxFailures in the test environment (etc/usercenter-rpc.yaml default). */
const MAX_FAILURES = 5
const WRONG = { code: 100001, msg: 'mobile or password is incorrect' }
const LOCKED_CODE = 200001

type Envelope<D = Record<string, unknown>> = { code: number; msg: string; data?: D }

/** A login or register as nginx forwards it: anonymous (`x-user: 0`), straight to usercenter-api. */
function direct<D = TokenTriple>(route: 'login' | 'register', mobile: string, password: string): Promise<HttpResult<Envelope<D>>> {
  return request<Envelope<D>>(`/usercenter/v1/user/${route}`, { mobile, password }, { baseUrl: USERCENTER_API, headers: { 'x-user': '0' } })
}

const summary = (rs: HttpResult<Envelope<unknown>>[]) => rs.map((r) => `${r.status} ${r.text.slice(0, 90)}`).join('\n')

/** Whether the gateway accepts the token (user/detail needs a valid one). */
async function tokenWorks(token: string): Promise<boolean> {
  const res = await post('/usercenter/v1/user/detail', {}, { token })
  assert.ok(res.status === 200 || res.status === 401, `detail answered ${res.status} ${res.text}`)
  return res.status === 200
}

describe('password login under abuse', () => {
  test('50 concurrent wrong-password logins on one account: another user keeps logging in', async () => {
    const [victim, other] = await Promise.all([registerUser(), registerUser()])
    const flood = Promise.all(Array.from({ length: 50 }, () => direct('login', victim.mobile, 'not-the-password-1')))
    // The other user's logins run while the flood is in flight, one after another.
    const mine: HttpResult<Envelope<TokenTriple>>[] = []
    for (let i = 0; i < 5; i++) mine.push(await direct('login', other.mobile, other.password))
    const guesses = await flood

    assert.deepEqual(
      mine.map((r) => r.status),
      [200, 200, 200, 200, 200],
      `the other user's logins during the flood:\n${summary(mine)}`,
    )
    for (const r of guesses) {
      assert.notEqual(r.status, 200, 'no wrong password logs in')
      assert.equal(r.status, 400, `a refusal of the guess, not an outage:\n${summary(guesses)}`)
    }
    // At most MAX_FAILURES passwords were checked; the account is locked now, for the right password too.
    assert.ok(guesses.filter((r) => r.body.msg === WRONG.msg).length <= MAX_FAILURES, summary(guesses))
    const after = await direct('login', victim.mobile, victim.password)
    assert.equal(after.status, 400, after.text)
    assert.equal(after.body.code, LOCKED_CODE, after.text)
    assert.ok(await tokenWorks(mine.at(-1)?.body.data?.accessToken ?? ''), "the other user's last login token works")
  })

  test(`${MAX_FAILURES} wrong passwords lock the account with a clear code; an unknown mobile gets the very same answers`, async () => {
    const user = await registerUser()
    const unknown = uniqueMobile()
    const answers = async (mobile: string, lastPassword: string) => {
      const seen: Envelope<unknown>[] = []
      for (let i = 0; i < MAX_FAILURES; i++) {
        const r = await direct('login', mobile, `wrong-password-${i}`)
        assert.equal(r.status, 400, r.text)
        seen.push(r.body)
      }
      for (const password of [lastPassword, 'wrong-password-x']) {
        const r = await direct('login', mobile, password)
        assert.equal(r.status, 400, r.text)
        seen.push(r.body)
      }
      return seen
    }
    const registered = await answers(user.mobile, user.password)
    const nobody = await answers(unknown, 'whatever-pass-1')

    for (const body of registered.slice(0, MAX_FAILURES)) assert.deepEqual(body, WRONG)
    const locked = registered[MAX_FAILURES]
    assert.equal(locked?.code, LOCKED_CODE, 'the right password is refused while locked')
    assert.match(locked?.msg ?? '', /too many failed logins.*locked/)
    assert.deepEqual(registered[MAX_FAILURES + 1], locked)
    assert.deepEqual(nobody, registered, 'an unknown mobile is answered exactly like a registered one')
  })

  test('a right password before the limit clears the count; the next failures count from zero', async () => {
    const user = await registerUser()
    const fail = async () => assert.deepEqual((await direct('login', user.mobile, 'wrong-password-1')).body, WRONG)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < MAX_FAILURES - 1; i++) await fail()
      const ok = await direct('login', user.mobile, user.password)
      assert.equal(ok.status, 200, `round ${round}: ${ok.text}`)
    }
    for (let i = 0; i < MAX_FAILURES; i++) await fail()
    const locked = await direct('login', user.mobile, user.password)
    assert.equal(locked.body.code, LOCKED_CODE, locked.text)
  })
})

describe('single session under concurrency', () => {
  test('50 concurrent logins of one user leave exactly one working token, and its client was told OK', async () => {
    const user = await registerUser()
    const logins = await Promise.all(Array.from({ length: 50 }, () => direct('login', user.mobile, user.password)))
    const told = logins.filter((r) => r.status === 200).map((r) => r.body.data?.accessToken ?? '')
    assert.ok(told.length >= 1, `at least one login succeeds:\n${summary(logins)}`)
    for (const r of logins) {
      if (r.status === 200) continue
      assert.ok(r.status === 400 || r.status === 503, summary(logins))
      assert.equal(r.body.data, undefined, 'a refused login carries no token')
    }
    const working = []
    for (const token of told) if (await tokenWorks(token)) working.push(token)
    assert.equal(working.length, 1, `${working.length} of the ${told.length} tokens handed out work`)
    assert.equal(await tokenWorks(user.accessToken), false, 'the registration token was revoked')
  })

  test('concurrent registers of one mobile: one wins, every other is told it is already registered', async () => {
    const mobile = uniqueMobile()
    const registers = await Promise.all(Array.from({ length: 30 }, () => direct('register', mobile, 'secret-pass-1')))
    const won = registers.filter((r) => r.status === 200)
    assert.equal(won.length, 1, summary(registers))
    for (const r of registers) {
      if (r.status === 200) continue
      assert.equal(r.status, 400, summary(registers))
      assert.deepEqual(r.body, { code: 100001, msg: 'user has been registered' })
    }
    assert.ok(await tokenWorks(won[0]?.body.data?.accessToken ?? ''))
  })
})

describe('a removed user', () => {
  test('loses their token at once and cannot book: the gateway refuses the token, order-rpc the user', async () => {
    const user: TestUser = await registerUser()
    const userId = (JSON.parse(Buffer.from(user.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jwtUserId: number })
      .jwtUserId
    const catalogue = await post<{ list: { id: number; rowState: number; peopleNum: number }[] }>('/travel/v1/homestay/homestayList', {
      page: 1,
      pageSize: 20,
    })
    const homestay = catalogue.body.data?.list.find((h) => h.rowState === 1)
    assert.ok(homestay, 'the seeded catalogue has an on-sale homestay')
    const start = Math.floor(Date.now() / 1000) + 60
    const order = {
      // A copy of it: a night is held by one order, and other tests book the seeded homestays.
      homestayId: await copyHomestay(homestay.id),
      isFood: false,
      livePeopleNum: 1,
      remark: '',
      liveStartTime: start,
      liveEndTime: start + 86_400,
    }
    const before = await post<{ orderSn: string }>('/order/v1/homestayOrder/createHomestayOrder', order, { token: user.accessToken })
    assert.equal(before.status, 200, before.text)

    const { logger } = memoryLogger('login-hardening-test')
    const usercenter = createUsercenterClient({ Endpoints: [USERCENTER_RPC], Timeout: 5000, NonBlock: true }, logger)
    try {
      assert.deepEqual(await usercenter.removeUser({ userId }), { ok: true })
      assert.deepEqual(await usercenter.removeUser({ userId }), { ok: true }, 'removing again is a no-op')
    } finally {
      usercenter.close()
    }

    const detail = await post('/usercenter/v1/user/detail', {}, { token: user.accessToken })
    assert.equal(detail.status, 401, detail.text)
    const viaGateway = await post('/order/v1/homestayOrder/createHomestayOrder', order, { token: user.accessToken })
    assert.equal(viaGateway.status, 401, viaGateway.text)
    // Even with the user id nginx would have put in x-user, order-rpc refuses a user who is gone.
    const viaApi = await request<Envelope>('/order/v1/homestayOrder/createHomestayOrder', order, {
      baseUrl: ORDER_API,
      headers: { 'x-user': String(userId) },
    })
    assert.equal(viaApi.status, 400, viaApi.text)
    assert.deepEqual(viaApi.body, { code: 100001, msg: 'user does not exist' })
    // The mobile is free again.
    const again = await direct('register', user.mobile, 'secret-pass-2')
    assert.equal(again.status, 200, again.text)
  })
})
