/**
 * travel-api through `app.inject`, with a real travel-rpc (port 0), a stand-in usercenter-rpc
 * (port 0) serving this test's boss and commenter profiles, and rows in MariaDB/Redis that each
 * test makes and the fixture removes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLogger } from '@looklook/logx'
import type { RestApp } from '@looklook/rest'
import { HomestayActivityType, HomestayRowState } from '@looklook/travel-model'
import { HOMESTAY_NOT_FOUND } from '@looklook/travel-rpc/client'
import { type User, type UsercenterService, usercenterProto, usercenterServiceName } from '@looklook/usercenter-rpc/gen'
import { CodeError, ErrCode } from '@looklook/xerr'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { fakeUserId, TravelFixture } from '../../model/test/fixtures.ts'
import { loadTravelRpcConf } from '../../rpc/src/config.ts'
import { createServer as createRpcServerOfTravel } from '../../rpc/src/server.ts'
import { createServiceContext as createRpcContext, type ServiceContext as RpcContext } from '../../rpc/src/svc-context.ts'
import { loadTravelApiConf } from '../src/config.ts'
import type { Homestay as HomestayView } from '../src/schemas/homestay.ts'
import type { BossView, BusinessListItem } from '../src/schemas/homestay-business.ts'
import type { CommentView } from '../src/schemas/homestay-comment.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

const logger = createLogger({ service: 'travel-api-test', level: 'error' })

/** usercenter-rpc stand-in: getUserInfo answers from `profiles` (unknown ids fail as usercenter does). */
const profiles = new Map<number, User>()
const userCalls = { count: 0, inFlight: 0, maxInFlight: 0 }

async function startUsercenterStandIn(): Promise<{ server: RpcServer; port: number }> {
  const server = createRpcServer({ conf: { Name: 'usercenter-stand-in', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 0 }, logger })
  const unsupported = async (): Promise<never> => {
    throw CodeError.common('not part of this stand-in')
  }
  server.addService<UsercenterService>(usercenterProto, usercenterServiceName, {
    async getUserInfo(req) {
      userCalls.count++
      userCalls.maxInFlight = Math.max(userCalls.maxInFlight, ++userCalls.inFlight)
      try {
        // Long enough for concurrent callers to overlap.
        await sleep(25)
        const user = profiles.get(req.id)
        if (!user) throw CodeError.common('user does not exist')
        return { user }
      } finally {
        userCalls.inFlight--
      }
    },
    login: unsupported,
    register: unsupported,
    getUserAuthByAuthKey: unsupported,
    getUserAuthByUserId: unsupported,
    logout: unsupported,
    removeUser: unsupported,
  })
  return { server, port: await server.start() }
}

function profile(id: number, nickname: string): User {
  const user = { id, mobile: '', nickname, sex: 0, avatar: `https://images.looklook.dev/test/${id}.jpg`, info: `${nickname} profile` }
  profiles.set(id, user)
  return user
}

let fx: TravelFixture
let rpcSvc: RpcContext
let travelRpc: RpcServer
let usercenter: RpcServer
let svc: ServiceContext
let app: RestApp

before(async () => {
  fx = new TravelFixture()
  rpcSvc = createRpcContext({ ...loadTravelRpcConf(), ListenOn: '127.0.0.1:0' }, logger)
  travelRpc = createRpcServerOfTravel(rpcSvc, logger)
  const travelPort = await travelRpc.start()
  const stand = await startUsercenterStandIn()
  usercenter = stand.server
  svc = createServiceContext(
    {
      ...loadTravelApiConf(),
      Port: 0,
      TravelRpc: { Endpoints: [`127.0.0.1:${travelPort}`], Timeout: 2000, NonBlock: true },
      UsercenterRpc: { Endpoints: [`127.0.0.1:${stand.port}`], Timeout: 2000, NonBlock: true },
    },
    logger,
  )
  app = createServer(svc, logger)
  await app.ready()
})

after(async () => {
  await app.close()
  await svc.close()
  await travelRpc.stop()
  await usercenter.stop()
  await rpcSvc.close()
  await fx.cleanup()
})

interface Reply<D> {
  status: number
  code: number
  msg: string
  data: D
}

async function call<D>(path: string, body: unknown): Promise<Reply<D>> {
  const res = await app.inject({ method: 'POST', url: `/travel/v1/${path}`, payload: body as object })
  const json = res.json<{ code: number; msg: string; data: D }>()
  return { status: res.statusCode, code: json.code, msg: json.msg, data: json.data }
}

async function ok<D>(path: string, body: unknown): Promise<D> {
  const r = await call<D>(path, body)
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.code} ${r.msg}`)
  assert.equal(r.code, 200)
  return r.data
}

/** Follows keyset pages (`lastId` = last id of the previous page) until an empty one. */
async function allPages<T extends { id: number }>(path: string, body: Record<string, unknown>, pageSize: number): Promise<T[]> {
  const all: T[] = []
  let lastId = 0
  for (let i = 0; i < 10_000; i++) {
    const { list } = await ok<{ list: T[] }>(path, { ...body, lastId, pageSize })
    assert.ok(list.length <= pageSize, 'page larger than pageSize')
    if (list.length === 0) return all
    all.push(...list)
    lastId = list.at(-1)?.id ?? 0
  }
  throw new Error('paging did not end')
}

function assertIdsDescUnique(ids: number[]): void {
  assert.equal(new Set(ids).size, ids.length, `repeated ids: ${ids.join(',')}`)
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
    'ids descending',
  )
}

describe('homestay routes', () => {
  test('homestayList pages the on-sale preferred homestays with yuan prices', async () => {
    const priced = [
      await fx.homestay({ homestayPrice: 29900, foodPrice: 2999, marketHomestayPrice: 1 }),
      await fx.homestay({ homestayPrice: 2999, foodPrice: 0, marketHomestayPrice: 123456789 }),
      await fx.homestay({ homestayPrice: 1, foodPrice: 10, marketHomestayPrice: 100 }),
    ]
    const offSale = await fx.homestay({ rowState: HomestayRowState.offSale })
    const down = await fx.homestay()
    for (const h of [...priced, offSale]) await fx.activity(HomestayActivityType.preferredHomestay, h.id)
    await fx.activity(HomestayActivityType.preferredHomestay, down.id, 0)

    const seen: HomestayView[] = []
    for (let page = 1; page < 10_000; page++) {
      const { list } = await ok<{ list: HomestayView[] }>('homestay/homestayList', { page, pageSize: 2 })
      if (list.length === 0) break
      assert.ok(list.length <= 2)
      seen.push(...list)
    }
    const ids = seen.map((h) => h.id)
    assertIdsDescUnique(ids)
    const expected = await fx.activityModel.findHomestayIdsPage(HomestayActivityType.preferredHomestay, 1, 100)
    // The first 100 (the largest page) are exactly what the activity query yields.
    assert.deepEqual(ids.slice(0, 100), expected)
    assert.ok(seen.every((h) => h.rowState === 1))
    assert.ok(!ids.includes(offSale.id) && !ids.includes(down.id), 'off-sale and switched-off activities are not listed')

    const byId = new Map(seen.map((h) => [h.id, h]))
    assert.deepEqual(
      priced.map((h) => {
        const v = byId.get(h.id)
        return [v?.homestayPrice, v?.foodPrice, v?.marketHomestayPrice, v?.title]
      }),
      [
        [299, 29.99, 0.01, priced[0]?.title],
        [29.99, 0, 1234567.89, priced[1]?.title],
        [0.01, 0.1, 1, priced[2]?.title],
      ],
    )
  })

  test('homestayList reads the rows concurrently through the row cache', async () => {
    const made = [await fx.homestay(), await fx.homestay(), await fx.homestay(), await fx.homestay()]
    for (const h of made) await fx.activity(HomestayActivityType.preferredHomestay, h.id)
    // A change written behind the model's back stays invisible while the cached row lives.
    const first = made[0]
    assert.ok(first)
    await fx.db.exec('UPDATE `homestay` SET `title` = ? WHERE `id` = ?', ['changed behind the cache', first.id])

    const findOne = rpcSvc.homestayModel.findOne.bind(rpcSvc.homestayModel)
    const seen = { inFlight: 0, max: 0 }
    rpcSvc.homestayModel.findOne = async (id, tx) => {
      seen.max = Math.max(seen.max, ++seen.inFlight)
      try {
        await sleep(20)
        return await findOne(id, tx)
      } finally {
        seen.inFlight--
      }
    }
    try {
      const { list } = await ok<{ list: HomestayView[] }>('homestay/homestayList', { page: 1, pageSize: 4 })
      assert.equal(list.find((h) => h.id === first.id)?.title, first.title, 'served from the cache')
      assert.ok(seen.max > 1, `row reads overlapped (max in flight ${seen.max})`)
    } finally {
      rpcSvc.homestayModel.findOne = findOne
    }
  })

  test('businessList pages one business’s on-sale homestays by id desc', async () => {
    const biz = await fx.business()
    const other = await fx.business()
    const made = []
    for (let i = 0; i < 5; i++) made.push(await fx.homestay({ homestayBusinessId: biz.id, userId: biz.userId, homestayPrice: 10050 + i }))
    await fx.homestay({ homestayBusinessId: biz.id, rowState: HomestayRowState.offSale })
    await fx.homestay({ homestayBusinessId: other.id })
    const list = await allPages<HomestayView>('homestay/businessList', { homestayBusinessId: biz.id }, 2)
    assert.deepEqual(
      list.map((h) => h.id),
      made.map((h) => h.id).reverse(),
    )
    assert.deepEqual(
      list.map((h) => h.homestayPrice),
      [100.54, 100.53, 100.52, 100.51, 100.5],
    )
    assert.deepEqual(await ok('homestay/businessList', { homestayBusinessId: fakeUserId(), lastId: 0, pageSize: 10 }), { list: [] })
  })

  test('guessList is the newest on-sale homestays, at most 5', async () => {
    await fx.homestay()
    await fx.homestay({ rowState: HomestayRowState.offSale })
    const { list } = await ok<{ list: HomestayView[] }>('homestay/guessList', {})
    const expected = await fx.homestayModel.findNewestOnSale(5)
    assert.equal(list.length, 5)
    assert.deepEqual(
      list.map((h) => h.id),
      expected.map((h) => h.id),
    )
    assert.ok(list.every((h) => h.rowState === 1))
  })

  test('homestayDetail: on sale, off sale (rowState 0) and unknown', async () => {
    const biz = await fx.business()
    const h = await fx.homestay({
      homestayBusinessId: biz.id,
      userId: biz.userId,
      homestayPrice: 45800,
      foodPrice: 3500,
      marketHomestayPrice: 52801,
    })
    const { homestay } = await ok<{ homestay: HomestayView }>('homestay/homestayDetail', { id: h.id })
    assert.deepEqual(homestay, {
      id: h.id,
      title: h.title,
      subTitle: h.subTitle,
      banner: h.banner,
      info: h.info,
      peopleNum: h.peopleNum,
      homestayBusinessId: biz.id,
      userId: biz.userId,
      rowState: 1,
      rowType: 0,
      foodInfo: h.foodInfo,
      foodPrice: 35,
      homestayPrice: 458,
      marketHomestayPrice: 528.01,
    })

    const off = await fx.homestay({ rowState: HomestayRowState.offSale })
    assert.equal((await ok<{ homestay: HomestayView }>('homestay/homestayDetail', { id: off.id })).homestay.rowState, 0)

    const gone = await fx.homestay()
    await fx.homestayModel.delete(gone.id)
    const missing = await call('homestay/homestayDetail', { id: gone.id })
    assert.deepEqual([missing.status, missing.code, missing.msg], [400, ErrCode.SERVER_COMMON_ERROR, HOMESTAY_NOT_FOUND])
  })
})

describe('homestayBussiness routes', () => {
  test('goodBoss: bosses with a profile and a shop, in ranking order, profiles fetched concurrently', async () => {
    const withShop = await fx.business({ bossInfo: 'ten years of hosting' })
    profile(withShop.userId, 'Boss With Shop')
    const noProfile = await fx.business()
    const noShop = fakeUserId()
    profile(noShop, 'Boss Without Shop')
    for (const userId of [withShop.userId, noProfile.userId, noShop]) await fx.activity(HomestayActivityType.goodBusiness, userId)

    userCalls.maxInFlight = 0
    const { list } = await ok<{ list: BossView[] }>('homestayBussiness/goodBoss', {})
    const ranking = await fx.activityModel.findLiveDataIds(HomestayActivityType.goodBusiness, 10)
    const expected: BossView[] = []
    for (const [i, userId] of ranking.entries()) {
      const user = profiles.get(userId)
      const shop = await fx.businessModel.findOneByUserId(userId)
      if (user && shop) {
        expected.push({ id: shop.id, userId, nickname: user.nickname, avatar: user.avatar, info: shop.bossInfo || user.info, rank: i + 1 })
      }
    }
    assert.deepEqual(list, expected)
    if (ranking.includes(withShop.userId)) {
      assert.equal(list.find((b) => b.userId === withShop.userId)?.nickname, 'Boss With Shop')
    }
    assert.ok(!list.some((b) => b.userId === noProfile.userId || b.userId === noShop))
    assert.ok(userCalls.maxInFlight > 1, `profile calls overlapped (max ${userCalls.maxInFlight})`)
  })

  test('homestayBussinessList pages open shops with their per-guest price', async () => {
    const shop = await fx.business({ star: 4.7, tags: 'tea,lake' })
    await fx.homestay({ homestayBusinessId: shop.id, homestayPrice: 30000, peopleNum: 2 })
    await fx.homestay({ homestayBusinessId: shop.id, homestayPrice: 10099, peopleNum: 1 })
    const empty = await fx.business()
    const closed = await fx.business({ rowState: 0 })
    const list = await allPages<BusinessListItem>('homestayBussiness/homestayBussinessList', {}, 2)
    assertIdsDescUnique(list.map((b) => b.id))
    assert.ok(!list.some((b) => b.id === closed.id))
    assert.deepEqual(
      list.find((b) => b.id === shop.id),
      {
        id: shop.id,
        title: shop.title,
        info: shop.info,
        tags: 'tea,lake',
        cover: shop.cover,
        star: 4.7,
        isFav: 0,
        headerImg: shop.headerImg,
        sellMonth: 0,
        // (15000 + 10099) / 2 fen per guest = 125.49 yuan, whole yuan
        personConsume: 125,
      },
    )
    assert.equal(list.find((b) => b.id === empty.id)?.personConsume, 0)
  })

  test('homestayBussinessDetail: boss profile and good-boss rank; unknown shop is an error', async () => {
    const ranked = await fx.business({ bossInfo: '' })
    const user = profile(ranked.userId, 'Ranked Boss')
    await fx.activity(HomestayActivityType.goodBusiness, ranked.userId)
    const rank = (await fx.activityModel.findLiveDataIds(HomestayActivityType.goodBusiness, 10)).indexOf(ranked.userId) + 1
    const { boss } = await ok<{ boss: BossView }>('homestayBussiness/homestayBussinessDetail', { id: ranked.id })
    assert.deepEqual(boss, { id: ranked.id, userId: ranked.userId, nickname: 'Ranked Boss', avatar: user.avatar, info: user.info, rank })

    const unranked = await fx.business({ bossInfo: 'quiet host' })
    const plain = await ok<{ boss: BossView }>('homestayBussiness/homestayBussinessDetail', { id: unranked.id })
    assert.deepEqual(plain.boss, { id: unranked.id, userId: unranked.userId, nickname: '', avatar: '', info: 'quiet host', rank: 0 })

    await fx.businessModel.delete(unranked.id)
    const gone = await call('homestayBussiness/homestayBussinessDetail', { id: unranked.id })
    assert.deepEqual([gone.status, gone.code, gone.msg], [400, ErrCode.SERVER_COMMON_ERROR, 'homestay business does not exist'])
  })
})

describe('homestayComment routes', () => {
  test('commentList pages a homestay’s comments with their authors, each author looked up once', async () => {
    const h = await fx.homestay()
    const alice = profile(fakeUserId(), 'Alice Test')
    const ghost = fakeUserId()
    const made = [
      await fx.comment(h.id, alice.id, '{"overall": 5, "clean": 4}'),
      await fx.comment(h.id, ghost, '{"clean": 3, "service": 4}'),
      await fx.comment(h.id, alice.id, '{"overall": 4}'),
      await fx.comment(h.id, alice.id, '{"overall": 2}'),
      await fx.comment(h.id, alice.id, '[5]'),
    ]
    await fx.comment((await fx.homestay()).id, alice.id, '{"overall": 1}')

    const list = await allPages<CommentView>('homestayComment/commentList', { homestayId: h.id }, 2)
    assert.deepEqual(
      list,
      [...made].reverse().map((c) => ({
        id: c.id,
        homestayId: h.id,
        content: c.content,
        star: { [made[0]?.id ?? 0]: 5, [made[1]?.id ?? 0]: 3.5, [made[2]?.id ?? 0]: 4, [made[3]?.id ?? 0]: 2, [made[4]?.id ?? 0]: 0 }[c.id],
        userId: c.userId,
        nickname: c.userId === alice.id ? 'Alice Test' : '',
        avatar: c.userId === alice.id ? alice.avatar : '',
      })),
    )

    userCalls.count = 0
    const { list: newestThree } = await ok<{ list: CommentView[] }>('homestayComment/commentList', {
      homestayId: h.id,
      lastId: (made[4]?.id ?? 0) + 1,
      pageSize: 3,
    })
    assert.deepEqual(
      newestThree.map((c) => c.userId),
      [alice.id, alice.id, alice.id],
    )
    assert.equal(userCalls.count, 1, 'three comments by one author, one profile call')
  })
})

describe('validation', () => {
  test('out-of-range input is rejected with 400 / 100002 before any lookup', async () => {
    const cases: Array<[string, unknown]> = [
      ['homestay/homestayList', { page: 0, pageSize: 10 }],
      ['homestay/homestayList', { page: 1, pageSize: 101 }],
      ['homestay/businessList', { lastId: -1, pageSize: 10, homestayBusinessId: 1 }],
      ['homestay/businessList', { lastId: 0, pageSize: 10, homestayBusinessId: 0 }],
      ['homestay/homestayDetail', { id: 1.5 }],
      ['homestay/homestayDetail', { id: '1' }],
      ['homestay/homestayDetail', { id: 2 ** 53 }],
      ['homestayBussiness/homestayBussinessList', { lastId: 0, pageSize: 0 }],
      ['homestayBussiness/homestayBussinessDetail', {}],
      ['homestayComment/commentList', { homestayId: 1, lastId: 0 }],
    ]
    for (const [path, body] of cases) {
      const r = await call(path, body)
      assert.deepEqual([r.status, r.code], [400, ErrCode.REQUEST_PARAM_ERROR], `${path} ${JSON.stringify(body)}: ${r.msg}`)
    }
  })
})
