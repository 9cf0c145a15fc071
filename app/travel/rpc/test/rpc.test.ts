/**
 * travel-rpc over a real gRPC connection (server on port 0), reading MariaDB and Redis, on rows
 * this test makes and removes.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { CodeError, ErrCode } from '@looklook/xerr'
import type { TravelFixture } from '../../model/test/fixtures.ts'
import { HOMESTAY_NOT_FOUND, type TravelClient } from '../src/client.ts'
import { startTravelRpc, type TravelRpcRig } from './harness.ts'

let rig: TravelRpcRig
let fx: TravelFixture
let client: TravelClient
before(async () => {
  rig = await startTravelRpc('travel-rpc-test')
  ;({ fx, client } = rig)
})
after(() => rig.stop())

function isCode(code: number, message?: string) {
  return (err: unknown) => err instanceof CodeError && err.code === code && (message === undefined || err.message === message)
}

test('homestayDetail returns every field, prices in fen', async () => {
  const biz = await fx.business()
  const h = await fx.homestay({
    homestayBusinessId: biz.id,
    userId: biz.userId,
    peopleNum: 3,
    rowType: 1,
    foodPrice: 2999,
    homestayPrice: 29900,
    marketHomestayPrice: 31001,
  })
  const { homestay } = await client.homestayDetail({ id: h.id })
  assert.deepEqual(homestay, {
    id: h.id,
    title: h.title,
    subTitle: h.subTitle,
    banner: h.banner,
    info: h.info,
    peopleNum: 3,
    homestayBusinessId: biz.id,
    userId: biz.userId,
    rowState: 1,
    rowType: 1,
    foodInfo: h.foodInfo,
    foodPrice: 2999,
    homestayPrice: 29900,
    marketHomestayPrice: 31001,
  })
})

test('an off-sale homestay is returned with rowState 0, for the caller to refuse', async () => {
  const h = await fx.homestay({ rowState: 0 })
  const { homestay } = await client.homestayDetail({ id: h.id })
  assert.equal(homestay?.rowState, 0)
})

test('reads go through the row cache and see model updates', async () => {
  const h = await fx.homestay({ homestayPrice: 10000 })
  await client.homestayDetail({ id: h.id })
  assert.ok(await fx.cache.redis.get(`cache:looklookTravel:homestay:id:${h.id}`))
  const row = await fx.homestayModel.findOne(h.id)
  assert.ok(row)
  row.homestayPrice = 12345
  await fx.homestayModel.update(row)
  assert.equal((await client.homestayDetail({ id: h.id })).homestay?.homestayPrice, 12345)
})

test('an unknown or deleted homestay is a clear business error', async () => {
  const h = await fx.homestay()
  await fx.homestayModel.delete(h.id)
  await assert.rejects(client.homestayDetail({ id: h.id }), isCode(ErrCode.SERVER_COMMON_ERROR, HOMESTAY_NOT_FOUND))
  const soft = await fx.homestay()
  await fx.homestayModel.deleteSoft(soft)
  await assert.rejects(client.homestayDetail({ id: soft.id }), isCode(ErrCode.SERVER_COMMON_ERROR, HOMESTAY_NOT_FOUND))
})

test('an id below 1 is a request param error', async () => {
  for (const id of [0, -5]) await assert.rejects(client.homestayDetail({ id }), isCode(ErrCode.REQUEST_PARAM_ERROR))
})
