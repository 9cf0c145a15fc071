import { randomInt } from 'node:crypto'
import type { Logger } from '@looklook/logx'
import { createPool, SqlConn } from '@looklook/model'
import { type MqueueService, mqueueProto, mqueueServiceName } from '@looklook/mqueue-rpc/gen'
import { type HomestayOrder, TradeState } from '@looklook/order-model'
import { memoryLogger as memoryLoggerOf } from '@looklook/testkit'
import { type UsercenterService, usercenterProto, usercenterServiceName } from '@looklook/usercenter-rpc/gen'
import { CodeError } from '@looklook/xerr'
import { createRpcServer, type RpcServer } from '@looklook/zrpc'
import { createOrderClient, type OrderClient } from '../src/client.ts'
import { loadOrderRpcConf } from '../src/config.ts'
import { dayOf, dayToDate } from '../src/logic/dates.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

export const memoryLogger = () => memoryLoggerOf('order-rpc-test')

/** A stand-in mqueue-rpc that records the close jobs it is asked for and can be made to fail. */
export interface FakeMqueue {
  server: RpcServer
  port: number
  closeRequests: string[]
  state: { failing: boolean }
}

export async function startFakeMqueue(logger: Logger): Promise<FakeMqueue> {
  const server = createRpcServer({ conf: { Name: 'fake-mqueue', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 0 }, logger })
  const closeRequests: string[] = []
  const state = { failing: false }
  server.addService<MqueueService>(mqueueProto, mqueueServiceName, {
    async aqDeferHomestayOrderClose(req) {
      if (state.failing) throw new Error('redis connection lost')
      closeRequests.push(req.sn)
      return {}
    },
    async kqPaymenStatusUpdate() {
      return {}
    },
    async sendWxMiniSubMessage() {
      return {}
    },
  })
  const port = await server.start()
  return { server, port, closeRequests, state }
}

/** A stand-in usercenter-rpc that knows every user id except the ones a test removed. */
export interface FakeUsercenter {
  server: RpcServer
  port: number
  removed: Set<number>
}

export async function startFakeUsercenter(logger: Logger): Promise<FakeUsercenter> {
  const server = createRpcServer({ conf: { Name: 'fake-usercenter', ListenOn: '127.0.0.1:0', Timeout: 2000, CpuThreshold: 0 }, logger })
  const removed = new Set<number>()
  const unsupported = async (): Promise<never> => {
    throw CodeError.common('not part of this stand-in')
  }
  server.addService<UsercenterService>(usercenterProto, usercenterServiceName, {
    async getUserInfo(req) {
      // As usercenter-rpc answers an unknown id.
      if (removed.has(req.id)) throw CodeError.common('user does not exist')
      return { user: { id: req.id, mobile: '', nickname: 'guest', sex: 0, avatar: '', info: '' } }
    },
    login: unsupported,
    register: unsupported,
    getUserAuthByAuthKey: unsupported,
    getUserAuthByUserId: unsupported,
    logout: unsupported,
    removeUser: unsupported,
  })
  return { server, port: await server.start(), removed }
}

export interface OrderRpcHarness {
  client: OrderClient
  svc: ServiceContext
  mqueue: FakeMqueue
  usercenter: FakeUsercenter
  /** Lines order-rpc logged. */
  lines: () => Record<string, unknown>[]
  /** The travel database, for creating homestays the tests book. */
  travelDb: SqlConn
  stop(): Promise<void>
}

/**
 * order-rpc from its own etc/order-rpc.yaml (real MariaDB, Redis and the travel-rpc on its
 * configured endpoint) on port 0, with mqueue-rpc and usercenter-rpc replaced by {@link startFakeMqueue}
 * and {@link startFakeUsercenter}.
 */
export async function startOrderRpc(): Promise<OrderRpcHarness> {
  const { logger, lines } = memoryLogger()
  const mqueue = await startFakeMqueue(logger)
  const usercenter = await startFakeUsercenter(logger)
  const conf = loadOrderRpcConf()
  conf.ListenOn = '127.0.0.1:0'
  conf.MqueueRpc = { ...conf.MqueueRpc, Endpoints: [`127.0.0.1:${mqueue.port}`] }
  conf.UsercenterRpc = { ...conf.UsercenterRpc, Endpoints: [`127.0.0.1:${usercenter.port}`] }
  const svc = createServiceContext(conf, logger)
  const server = createServer(svc, logger)
  const port = await server.start()
  // dtm calls the booking saga's order branch on this process, not on the order-rpc ./looklook runs.
  conf.SagaBranches.Order = `127.0.0.1:${port}`
  const client = createOrderClient({ Endpoints: [`127.0.0.1:${port}`], Timeout: 5000, NonBlock: true }, logger)
  const travelDb = new SqlConn(createPool({ DataSource: conf.DB.DataSource.replace(/\/looklook_order$/, '/looklook_travel'), PoolSize: 2 }))
  return {
    client,
    svc,
    mqueue,
    usercenter,
    lines,
    travelDb,
    async stop() {
      client.close()
      await server.stop()
      await mqueue.server.stop()
      await usercenter.server.stop()
      await svc.close()
      await travelDb.close()
    },
  }
}

export interface HomestayFixture {
  id: number
  title: string
  peopleNum: number
  homestayPrice: number
  foodPrice: number
}

/** Inserts a homestay of its own into looklook_travel (new ids are never in travel-rpc's cache). */
export async function insertHomestay(
  db: SqlConn,
  over: Partial<{ peopleNum: number; homestayPrice: number; foodPrice: number; rowState: number }> = {},
): Promise<HomestayFixture> {
  const title = `order-test ${randomInt(0, 1e9)}`
  const h = { peopleNum: 4, homestayPrice: 35_800, foodPrice: 4_550, rowState: 1, ...over }
  const res = await db.exec(
    `INSERT INTO homestay (title, sub_title, banner, info, people_num, homestay_business_id, user_id, row_state, row_type,
       food_info, food_price, homestay_price, market_homestay_price)
     VALUES (?, 'a quiet courtyard', 'https://img.example/cover.jpg,https://img.example/2.jpg', 'info', ?, 7, 8, ?, 0, 'breakfast', ?, ?, ?)`,
    [title, h.peopleNum, h.rowState, h.foodPrice, h.homestayPrice, h.homestayPrice + 10_000],
  )
  return { id: res.insertId, title, peopleNum: h.peopleNum, homestayPrice: h.homestayPrice, foodPrice: h.foodPrice }
}

/** A user id no other test uses (orders only store the number). */
export function newUserId(): number {
  return randomInt(1_000_000_000, 2 ** 47)
}

/** Days after today the next {@link stay} starts: each stay takes nights no earlier one in this process took. */
let nextStayDay = 0

/**
 * A stay of `nights` nights, as the api sends it (unix seconds), starting today for the first call and after
 * the previous call's stay for the next ones: a homestay's night is held by one order, so the stays a test
 * books never collide.
 */
export function stay(nights: number): { liveStartTime: number; liveEndTime: number } {
  const start = Math.floor(Date.now() / 1000) + 60 + nextStayDay * 86_400
  nextStayDay += nights
  return { liveStartTime: start, liveEndTime: start + nights * 86_400 }
}

/** Writes an order row directly (for state-machine and list tests that need no pricing). */
export async function insertOrder(svc: ServiceContext, userId: number, tradeState: number = TradeState.waitPay): Promise<HomestayOrder> {
  const sn = `HSO${Date.now()}${String(randomInt(0, 1e11)).padStart(9, '0')}`.slice(0, 25)
  const today = dayOf(Math.floor(Date.now() / 1000), svc.config.TimeZone)
  await svc.homestayOrderModel.insert({
    sn,
    userId,
    homestayId: 1,
    title: 'fixture',
    subTitle: '',
    cover: '',
    info: '',
    peopleNum: 2,
    rowType: 0,
    needFood: 0,
    foodInfo: '',
    foodPrice: 0,
    homestayPrice: 10_000,
    marketHomestayPrice: 12_000,
    homestayBusinessId: 1,
    homestayUserId: 1,
    liveStartDate: dayToDate(today),
    liveEndDate: dayToDate(today + 1),
    livePeopleNum: 1,
    tradeState,
    tradeCode: 'AbCd1234',
    remark: '',
    orderTotalPrice: 10_000,
    foodTotalPrice: 0,
    homestayTotalPrice: 10_000,
  })
  const row = await svc.homestayOrderModel.findOneBySnFromDb(sn)
  if (!row) throw new Error(`fixture order ${sn} was not stored`)
  return row
}
