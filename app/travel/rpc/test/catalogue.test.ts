/**
 * travel-rpc's catalogue methods (the lists travel-api shows) over a real gRPC connection, on rows
 * this test makes and removes.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HomestayActivityType } from '@looklook/travel-model'
import { CodeError, ErrCode } from '@looklook/xerr'
import { fakeUserId, type TravelFixture } from '../../model/test/fixtures.ts'
import type { TravelClient } from '../src/client.ts'
import { TravelRefusals } from '../src/contract.ts'
import type { ServiceContext } from '../src/svc-context.ts'
import { startTravelRpc, type TravelRpcRig } from './harness.ts'

let rig: TravelRpcRig
let fx: TravelFixture
let svc: ServiceContext
let client: TravelClient
before(async () => {
  rig = await startTravelRpc('travel-rpc-catalogue-test')
  ;({ fx, svc, client } = rig)
})
after(() => rig.stop())

const paramError = (err: unknown) => err instanceof CodeError && err.code === ErrCode.REQUEST_PARAM_ERROR

test('the homestay lists answer on-sale homestays as messages, prices in fen', async () => {
  const biz = await fx.business()
  const a = await fx.homestay({ homestayBusinessId: biz.id, homestayPrice: 12345 })
  const b = await fx.homestay({ homestayBusinessId: biz.id })
  const off = await fx.homestay({ homestayBusinessId: biz.id, rowState: 0 })
  for (const h of [a, b, off]) await fx.activity(HomestayActivityType.preferredHomestay, h.id)

  const { list } = await client.businessHomestayList({ homestayBusinessId: biz.id, lastId: 0, pageSize: 10 })
  assert.deepEqual(
    list.map((h) => h.id),
    [b.id, a.id],
  )
  assert.equal(list[1]?.homestayPrice, 12345)
  const second = await client.businessHomestayList({ homestayBusinessId: biz.id, lastId: b.id, pageSize: 10 })
  assert.deepEqual(
    second.list.map((h) => h.id),
    [a.id],
  )

  const preferred = await client.preferredHomestayList({ page: 1, pageSize: 100 })
  const ids = preferred.list.map((h) => h.id)
  assert.ok(ids.includes(a.id) && ids.includes(b.id) && !ids.includes(off.id))

  const newest = await client.newestHomestayList({ limit: 2 })
  assert.equal(newest.list.length, 2)
  assert.ok(newest.list.every((h) => h.rowState === 1))
})

test('shops: the open list with the per-guest price in fen, the detail with the good-boss rank', async () => {
  const shop = await fx.business({ bossInfo: 'host' })
  await fx.homestay({ homestayBusinessId: shop.id, homestayPrice: 30000, peopleNum: 2 })
  await fx.homestay({ homestayBusinessId: shop.id, homestayPrice: 10099, peopleNum: 1 })
  const { list } = await client.homestayBusinessList({ lastId: shop.id + 1, pageSize: 1 })
  assert.deepEqual(list[0]?.business?.id, shop.id)
  assert.equal(list[0]?.pricePerPerson, 12549.5)
  assert.equal(list[0]?.business?.bossInfo, 'host')

  await fx.activity(HomestayActivityType.goodBusiness, shop.userId)
  const noShop = fakeUserId()
  await fx.activity(HomestayActivityType.goodBusiness, noShop)
  const ranking = await svc.homestayActivityModel.findLiveDataIds(HomestayActivityType.goodBusiness, 10)
  const rank = ranking.indexOf(shop.userId) + 1
  const detail = await client.homestayBusinessDetail({ id: shop.id })
  assert.deepEqual([detail.business?.id, detail.rank], [shop.id, rank])

  const good = await client.goodBossList({})
  assert.ok(!good.list.some((r) => r.business?.userId === noShop), 'a boss without a shop is left out')
  if (rank > 0) assert.equal(good.list.find((r) => r.business?.id === shop.id)?.rank, rank)
  for (const r of good.list) assert.equal(ranking[r.rank - 1], r.business?.userId)

  await fx.businessModel.delete(shop.id)
  await assert.rejects(
    client.homestayBusinessDetail({ id: shop.id }),
    (err: unknown) => err instanceof CodeError && err.reason === TravelRefusals.HOMESTAY_BUSINESS_NOT_FOUND.reason,
  )
})

test('commentList pages a homestay’s comments newest first with their overall star', async () => {
  const h = await fx.homestay()
  const first = await fx.comment(h.id, 7, '{"clean": 3, "service": 4}')
  const second = await fx.comment(h.id, 8, '{"overall": 5}')
  const { list } = await client.commentList({ homestayId: h.id, lastId: 0, pageSize: 10 })
  assert.deepEqual(list, [
    { id: second.id, homestayId: h.id, userId: 8, content: second.content, star: 5 },
    { id: first.id, homestayId: h.id, userId: 7, content: first.content, star: 3.5 },
  ])
})

test('bad paging and ids are request param errors', async () => {
  await assert.rejects(client.preferredHomestayList({ page: 0, pageSize: 10 }), paramError)
  await assert.rejects(client.businessHomestayList({ homestayBusinessId: 0, lastId: 0, pageSize: 10 }), paramError)
  await assert.rejects(client.newestHomestayList({ limit: 0 }), paramError)
  await assert.rejects(client.homestayBusinessList({ lastId: -1, pageSize: 10 }), paramError)
  await assert.rejects(client.homestayBusinessDetail({ id: 0 }), paramError)
  await assert.rejects(client.commentList({ homestayId: 1, lastId: 0, pageSize: 0 }), paramError)
})
