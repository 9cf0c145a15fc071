/**
 * The travel catalogue end to end, through the nginx gateway on :8888 (issue 3, item 1), against
 * the seed catalogue of deploy/sql/090-seed.sql. Every travel route is public.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type HttpResult, post, registerUser } from '@looklook/testkit'
import type { Homestay } from '../../app/travel/api/src/schemas/homestay.ts'
import type { BossView as Boss, BusinessListItem as Shop } from '../../app/travel/api/src/schemas/homestay-business.ts'
import type { CommentView as Comment } from '../../app/travel/api/src/schemas/homestay-comment.ts'

/** Seeded homestays: [title, business, foodPrice, homestayPrice, marketHomestayPrice] in fen; 11 is off sale. */
const SEED: Record<number, [string, number, number, number, number]> = {
  1: ['Tea Terrace Room', 1, 3000, 29900, 39900],
  2: ['Lakeside Loft', 1, 3500, 45800, 52800],
  3: ['Bamboo Cabin', 1, 5000, 25800, 31800],
  4: ['Courtyard Suite', 2, 4000, 68800, 88800],
  5: ['Erhai View Room', 2, 3000, 49900, 59900],
  6: ['Old Town Attic', 2, 2500, 32800, 36800],
  7: ['Ocean Bunk', 3, 2000, 12800, 16800],
  8: ['Beach Villa', 3, 12000, 199900, 259900],
  9: ['Palm Garden Room', 3, 3000, 38800, 45800],
  10: ['Sunset Studio', 3, 4500, 56600, 62600],
  11: ['Winter Tea Room', 1, 0, 19900, 19900],
}
const PREFERRED = [1, 2, 4, 5, 8, 10]
const OFF_SALE = 11
const BOSSES: Record<number, string> = { 1: 'Lin Wei', 2: 'Chen Jing', 3: 'Zhao Lei' }

function data<D>(res: HttpResult<{ code: number; msg: string; data?: D }>, what: string): D {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 300)}`)
  assert.equal(res.body.code, 200, what)
  assert.ok(res.body.data, `${what}: data`)
  return res.body.data
}

function list<T>(path: string, body: unknown): Promise<T[]> {
  return post<{ list: T[] }>(path, body).then((res) => data(res, path).list)
}

function assertSeedPrices(h: Homestay): void {
  const seed = SEED[h.id]
  if (!seed) return
  const [title, business, food, price, market] = seed
  assert.equal(h.title, title)
  assert.equal(h.homestayBusinessId, business)
  assert.deepEqual([h.foodPrice, h.homestayPrice, h.marketHomestayPrice], [food / 100, price / 100, market / 100], `yuan of ${h.id}`)
}

/** Follows keyset pages (lastId = last id of the previous page) until an empty page. */
async function keysetAll<T extends { id: number }>(path: string, body: Record<string, unknown>, pageSize: number): Promise<T[]> {
  const all: T[] = []
  let lastId = 0
  for (let i = 0; i < 1000; i++) {
    const page = await list<T>(path, { ...body, lastId, pageSize })
    assert.ok(page.length <= pageSize)
    if (page.length === 0) return all
    all.push(...page)
    lastId = page.at(-1)?.id ?? 0
  }
  throw new Error(`${path}: paging did not end`)
}

function assertDescUnique(ids: number[], what: string): void {
  assert.equal(new Set(ids).size, ids.length, `${what}: repeated ids ${ids.join(',')}`)
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
    `${what}: id desc`,
  )
}

describe('homestay', () => {
  test('homestayList: the preferred on-sale homestays in yuan, pages without gaps or repeats', async () => {
    const whole = await list<Homestay>('/travel/v1/homestay/homestayList', { page: 1, pageSize: 100 })
    assert.ok(whole.length >= 1)
    const ids = whole.map((h) => h.id)
    for (const id of PREFERRED) assert.ok(ids.includes(id), `preferred homestay ${id} listed`)
    assert.ok(!ids.includes(OFF_SALE))
    assert.ok(whole.every((h) => h.rowState === 1))
    for (const h of whole) assertSeedPrices(h)
    assert.equal(whole.find((h) => h.id === 1)?.homestayPrice, 299)

    const paged: Homestay[] = []
    for (let page = 1; page <= 1000; page++) {
      const part = await list<Homestay>('/travel/v1/homestay/homestayList', { page, pageSize: 2 })
      if (part.length === 0) break
      paged.push(...part)
    }
    assert.deepEqual(
      paged.map((h) => h.id),
      ids,
    )
  })

  test('businessList: one business’s on-sale homestays by keyset', async () => {
    const all = await keysetAll<Homestay>('/travel/v1/homestay/businessList', { homestayBusinessId: 1 }, 1)
    const ids = all.map((h) => h.id)
    assertDescUnique(ids, 'businessList')
    for (const id of [3, 2, 1]) assert.ok(ids.includes(id))
    assert.ok(!ids.includes(OFF_SALE))
    assert.ok(all.every((h) => h.homestayBusinessId === 1 && h.rowState === 1))
    for (const h of all) assertSeedPrices(h)
    const one = await list<Homestay>('/travel/v1/homestay/businessList', { homestayBusinessId: 1, lastId: 0, pageSize: 100 })
    assert.deepEqual(
      one.map((h) => h.id),
      ids,
    )
  })

  test('guessList: five on-sale homestays, newest first', async () => {
    const guess = await list<Homestay>('/travel/v1/homestay/guessList', {})
    assert.equal(guess.length, 5)
    assert.ok(guess.every((h) => h.rowState === 1))
    assertDescUnique(
      guess.map((h) => h.id),
      'guessList',
    )
  })

  test('homestayDetail: yuan prices; an off-sale homestay shows rowState 0; an unknown one is an error', async () => {
    const { homestay } = data(await post<{ homestay: Homestay }>('/travel/v1/homestay/homestayDetail', { id: 1 }), 'detail')
    assertSeedPrices(homestay)
    assert.deepEqual([homestay.id, homestay.userId, homestay.rowState, homestay.homestayPrice, homestay.foodPrice], [1, 1, 1, 299, 30])
    const off = data(await post<{ homestay: Homestay }>('/travel/v1/homestay/homestayDetail', { id: OFF_SALE }), 'off sale')
    assert.equal(off.homestay.rowState, 0)
    const missing = await post('/travel/v1/homestay/homestayDetail', { id: 999_999_999 })
    assert.equal(missing.status, 400)
    assert.deepEqual([missing.body.code, missing.body.msg], [100001, 'homestay does not exist'])
  })
})

describe('homestayBussiness', () => {
  test('goodBoss: the seeded bosses with their usercenter nicknames, ranked', async () => {
    const bosses = await list<Boss>('/travel/v1/homestayBussiness/goodBoss', {})
    assert.ok(bosses.length >= 3 && bosses.length <= 10)
    for (const [userId, nickname] of Object.entries(BOSSES)) {
      const boss = bosses.find((b) => b.userId === Number(userId))
      assert.ok(boss, `boss ${userId} listed`)
      assert.equal(boss.nickname, nickname)
      assert.equal(boss.id, Number(userId), 'seed shop id equals its boss id')
      assert.match(boss.avatar, /^https:\/\//)
    }
    const ranks = bosses.map((b) => b.rank)
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    )
    assert.ok(ranks.every((r) => r >= 1))
  })

  test('homestayBussinessList: open shops by keyset with star and per-guest price', async () => {
    const shops = await keysetAll<Shop>('/travel/v1/homestayBussiness/homestayBussinessList', {}, 1)
    assertDescUnique(
      shops.map((s) => s.id),
      'shops',
    )
    const seen = Object.fromEntries(shops.filter((s) => s.id <= 3).map((s) => [s.id, [s.title, s.star, s.personConsume]]))
    assert.deepEqual(seen, {
      // per guest: the mean of homestay_price / people_num over on-sale homestays, whole yuan
      1: ['West Lake Tea House', 4.8, 143],
      2: ['Erhai Courtyards', 4.9, 195],
      3: ['Sanya Surf Lodge', 4.6, 170],
    })
  })

  test('homestayBussinessDetail: the boss of a shop; an unknown shop is an error', async () => {
    const { boss } = data(await post<{ boss: Boss }>('/travel/v1/homestayBussiness/homestayBussinessDetail', { id: 2 }), 'boss')
    assert.deepEqual([boss.id, boss.userId, boss.nickname, boss.info], [2, 2, 'Chen Jing', 'Architect and host'])
    const ranked = await list<Boss>('/travel/v1/homestayBussiness/goodBoss', {})
    assert.equal(boss.rank, ranked.find((b) => b.userId === 2)?.rank)
    const missing = await post('/travel/v1/homestayBussiness/homestayBussinessDetail', { id: 999_999_999 })
    assert.equal(missing.status, 400)
    assert.equal(missing.body.code, 100001)
  })
})

describe('homestayComment', () => {
  test('commentList: real comments with their authors, by keyset', async () => {
    const comments = await keysetAll<Comment>('/travel/v1/homestayComment/commentList', { homestayId: 8 }, 1)
    assertDescUnique(
      comments.map((c) => c.id),
      'comments',
    )
    const seeded = comments.filter((c) => c.id <= 10)
    assert.deepEqual(
      seeded.map((c) => [c.id, c.homestayId, c.userId, c.nickname, c.star, c.content]),
      [
        [8, 8, 2, 'Chen Jing', 4, 'Seafood dinner was excellent.'],
        [7, 8, 1, 'Lin Wei', 5, 'Whole villa for our family, perfect.'],
      ],
    )
    assert.ok(seeded.every((c) => c.avatar.startsWith('https://')))
    const none = await list<Comment>('/travel/v1/homestayComment/commentList', { homestayId: 999_999_999, lastId: 0, pageSize: 10 })
    assert.deepEqual(none, [])
  })
})

describe('gateway', () => {
  test('travel routes are public; a valid token is accepted, a bad one is 401', async () => {
    const anonymous = await post('/travel/v1/homestay/guessList', {})
    assert.equal(anonymous.status, 200)
    const user = await registerUser()
    assert.equal((await post('/travel/v1/homestay/guessList', {}, { token: user.accessToken })).status, 200)
    const bad = await post('/travel/v1/homestay/guessList', {}, { token: 'not-a-jwt' })
    assert.equal(bad.status, 401)
    assert.equal(bad.body.code, 100003)
  })
})

describe('bad input → 400 / 100002, never 5xx', () => {
  const routes: Array<[string, Record<string, unknown>]> = [
    ['/travel/v1/homestay/homestayList', { page: 1, pageSize: 10 }],
    ['/travel/v1/homestay/businessList', { lastId: 0, pageSize: 10, homestayBusinessId: 1 }],
    ['/travel/v1/homestay/guessList', {}],
    ['/travel/v1/homestay/homestayDetail', { id: 1 }],
    ['/travel/v1/homestayBussiness/goodBoss', {}],
    ['/travel/v1/homestayBussiness/homestayBussinessList', { lastId: 0, pageSize: 10 }],
    ['/travel/v1/homestayBussiness/homestayBussinessDetail', { id: 1 }],
    ['/travel/v1/homestayComment/commentList', { homestayId: 1, lastId: 0, pageSize: 10 }],
  ]
  // Per field: values that must be rejected (wrong type, fraction, out of range, beyond 2^53).
  const badValues: Record<string, unknown[]> = {
    id: [0, -1, 1.5, '1', null, 2 ** 53, true],
    homestayId: [0, -1, 1.5, '1', null, 2 ** 53],
    homestayBusinessId: [0, -1, 2.5, '1', 2 ** 53],
    lastId: [-1, 0.5, '0', null, 2 ** 53],
    pageSize: [0, -1, 101, 1.5, '10', null],
    page: [0, -1, 1.5, '1', 10_001, null],
  }

  for (const [path, valid] of routes) {
    test(path, async () => {
      const bodies: Array<[string, { body?: unknown; rawBody?: string }]> = [
        ['malformed JSON', { rawBody: '{"id": 1' }],
        ['array body', { rawBody: '[1]' }],
        ['string body', { rawBody: '"x"' }],
      ]
      for (const field of Object.keys(valid)) {
        const { [field]: _dropped, ...rest } = valid
        bodies.push([`missing ${field}`, { body: rest }])
        for (const v of badValues[field] ?? []) bodies.push([`${field}=${JSON.stringify(v)}`, { body: { ...valid, [field]: v } }])
      }
      assert.equal((await post(path, valid)).status, 200, 'the valid body is accepted')
      for (const [name, b] of bodies) {
        const res = await post(path, b.body, { rawBody: b.rawBody })
        assert.equal(res.status, 400, `${name}: ${res.status} ${res.text.slice(0, 200)}`)
        assert.equal(res.body.code, 100002, `${name}: ${res.text.slice(0, 200)}`)
      }
    })
  }
})
