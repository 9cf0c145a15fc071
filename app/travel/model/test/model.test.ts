/**
 * The travel models against the real MariaDB and Redis, on rows each test makes (titles and
 * activity types carry a random marker) and removes again.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CodeError, ErrCode } from '@looklook/xerr'
import { HomestayActivityStatus, HomestayRowState, overallStar } from '../src/index.ts'
import { fakeUserId, TravelFixture } from './fixtures.ts'

let fx: TravelFixture
before(() => {
  fx = new TravelFixture()
})
after(() => fx.cleanup())

describe('homestay', () => {
  test('findOne reads through the goctl cache key and sees updates', async () => {
    const h = await fx.homestay({ homestayPrice: 2999 })
    const key = `cache:looklookTravel:homestay:id:${h.id}`
    assert.equal(fx.homestayModel.primaryKey(h.id), key)
    assert.ok(await fx.cache.redis.get(key), 'row cached after findOne')
    // A write the model does not see stays invisible until the key goes: proof that reads come from Redis.
    await fx.db.exec('UPDATE `homestay` SET `homestay_price` = 1 WHERE `id` = ?', [h.id])
    assert.equal((await fx.homestayModel.findOne(h.id))?.homestayPrice, 2999)
    const fresh = await fx.homestayModel.findOne(h.id)
    assert.ok(fresh)
    fresh.homestayPrice = 4500
    await fx.homestayModel.update(fresh)
    assert.equal((await fx.homestayModel.findOne(h.id))?.homestayPrice, 4500)
  })

  test('findOnSalePageByBusiness pages by id desc without gaps or repeats and skips off-sale rows', async () => {
    const biz = await fx.business()
    const made = []
    for (let i = 0; i < 5; i++) made.push(await fx.homestay({ homestayBusinessId: biz.id, userId: biz.userId }))
    const off = await fx.homestay({ homestayBusinessId: biz.id, rowState: HomestayRowState.offSale })
    const seen: number[] = []
    let lastId = 0
    for (;;) {
      const page = await fx.homestayModel.findOnSalePageByBusiness(biz.id, lastId, 2)
      if (page.length === 0) break
      assert.ok(page.length <= 2)
      seen.push(...page.map((h) => h.id))
      lastId = page.at(-1)?.id ?? 0
    }
    assert.deepEqual(
      seen,
      made.map((h) => h.id).sort((a, b) => b - a),
    )
    assert.ok(!seen.includes(off.id))
  })

  test('findNewestOnSale returns on-sale rows, newest first, at most the limit', async () => {
    await fx.homestay()
    const newest = await fx.homestay()
    await fx.homestay({ rowState: HomestayRowState.offSale })
    const rows = await fx.homestayModel.findNewestOnSale(2)
    assert.equal(rows.length, 2)
    assert.ok(rows.every((h) => h.rowState === HomestayRowState.onSale))
    assert.ok((rows[0]?.id ?? 0) > (rows[1]?.id ?? 0))
    assert.ok((rows[0]?.id ?? 0) >= newest.id)
  })

  test('avgPricePerPersonByBusiness averages price / guests over on-sale homestays', async () => {
    const biz = await fx.business()
    const empty = await fx.business()
    await fx.homestay({ homestayBusinessId: biz.id, homestayPrice: 30000, peopleNum: 2 })
    await fx.homestay({ homestayBusinessId: biz.id, homestayPrice: 10000, peopleNum: 1 })
    await fx.homestay({ homestayBusinessId: biz.id, homestayPrice: 99900, peopleNum: 1, rowState: HomestayRowState.offSale })
    const avg = await fx.homestayModel.avgPricePerPersonByBusiness([biz.id, empty.id])
    assert.equal(avg.get(biz.id), 12500)
    assert.equal(avg.has(empty.id), false)
    assert.equal((await fx.homestayModel.avgPricePerPersonByBusiness([])).size, 0)
  })
})

describe('homestay_activity', () => {
  test('findHomestayIdsPage lists live activities of on-sale homestays, data_id desc, page by page', async () => {
    const type = fx.activityType()
    const on = [await fx.homestay(), await fx.homestay(), await fx.homestay()]
    const offSale = await fx.homestay({ rowState: HomestayRowState.offSale })
    const down = await fx.homestay()
    for (const h of on) await fx.activity(type, h.id)
    await fx.activity(type, offSale.id)
    await fx.activity(type, down.id, HomestayActivityStatus.down)
    // Another type's activity for the same homestay does not leak in.
    await fx.activity(`${type}-other`, on[0]?.id ?? 0)

    const expected = on.map((h) => h.id).sort((a, b) => b - a)
    assert.deepEqual(await fx.activityModel.findHomestayIdsPage(type, 1, 2), expected.slice(0, 2))
    assert.deepEqual(await fx.activityModel.findHomestayIdsPage(type, 2, 2), expected.slice(2))
    assert.deepEqual(await fx.activityModel.findHomestayIdsPage(type, 3, 2), [])
    assert.deepEqual(await fx.activityModel.findHomestayIdsPage(type, 1, 1000), expected, 'page size clamped, not rejected')
  })

  test('findHomestayIdsPage rejects a page or page size below 1 with 100002', async () => {
    for (const [page, size] of [
      [0, 10],
      [1, 0],
      [1.5, 10],
    ] as const) {
      await assert.rejects(fx.activityModel.findHomestayIdsPage(fx.activityType(), page, size), (err: unknown) => {
        return err instanceof CodeError && err.code === ErrCode.REQUEST_PARAM_ERROR
      })
    }
  })

  test('findLiveDataIds keeps insertion (ranking) order and the limit; the unique key is cached', async () => {
    const type = fx.activityType()
    const ids = [fakeUserId(), fakeUserId(), fakeUserId()]
    for (const id of ids) await fx.activity(`${type}-rank`, id)
    await fx.activity(`${type}-rank`, fakeUserId(), HomestayActivityStatus.down)
    assert.deepEqual(await fx.activityModel.findLiveDataIds(`${type}-rank`, 10), ids)
    assert.deepEqual(await fx.activityModel.findLiveDataIds(`${type}-rank`, 2), ids.slice(0, 2))
    const first = ids[0] ?? 0
    const found = await fx.activityModel.findOneByRowTypeDataId(`${type}-rank`, first)
    assert.equal(found?.dataId, first)
    assert.ok(await fx.cache.redis.get(`cache:looklookTravel:homestayActivity:rowType:dataId:${type}-rank:${first}`))
  })
})

describe('homestay_business', () => {
  test('findOneByUserId goes through the unique-key cache entry', async () => {
    const biz = await fx.business()
    const found = await fx.businessModel.findOneByUserId(biz.userId)
    assert.equal(found?.id, biz.id)
    assert.equal(found?.star, 4.5)
    assert.equal(await fx.cache.redis.get(`cache:looklookTravel:homestayBusiness:userId:${biz.userId}`), String(biz.id))
    assert.equal(await fx.businessModel.findOneByUserId(fakeUserId()), null)
  })

  test('findOpenPage skips closed shops and pages by id desc', async () => {
    const open = [await fx.business(), await fx.business(), await fx.business()]
    const closed = await fx.business({ rowState: 0 })
    const seen: number[] = []
    let lastId = 0
    for (;;) {
      const page = await fx.businessModel.findOpenPage(lastId, 2)
      if (page.length === 0) break
      seen.push(...page.map((b) => b.id))
      lastId = page.at(-1)?.id ?? 0
    }
    assert.equal(new Set(seen).size, seen.length, 'no repeats')
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    )
    for (const b of open) assert.ok(seen.includes(b.id))
    assert.ok(!seen.includes(closed.id))
  })
})

describe('homestay_comment', () => {
  test('findPageByHomestay pages one homestay’s comments newest first', async () => {
    const h = await fx.homestay()
    const other = await fx.homestay()
    const made = []
    for (let i = 0; i < 3; i++) made.push(await fx.comment(h.id, fakeUserId(), '{"overall": 4}'))
    await fx.comment(other.id, fakeUserId(), '{"overall": 1}')
    const first = await fx.commentModel.findPageByHomestay(h.id, 0, 2)
    const rest = await fx.commentModel.findPageByHomestay(h.id, first.at(-1)?.id ?? 0, 2)
    assert.deepEqual(
      [...first, ...rest].map((c) => c.id),
      made.map((c) => c.id).reverse(),
    )
    assert.equal(first[0]?.star, '{"overall": 4}', 'JSON column read as its text')
  })

  test('overallStar reads the overall rating, else the mean of the dimensions', () => {
    assert.equal(overallStar('{"overall": 5, "clean": 4}'), 5)
    assert.equal(overallStar('{"clean": 4, "service": 5}'), 4.5)
    assert.equal(overallStar('4'), 4)
    assert.equal(overallStar('{}'), 0)
    assert.equal(overallStar('[5]'), 0)
    assert.equal(overallStar('not json'), 0)
    assert.equal(overallStar('{"overall": "five", "clean": 3}'), 3)
  })
})
