/**
 * Test rows in looklook_travel: every fixture tags its titles and activity types with a random
 * marker, inserts through the models (so cache keys are cleared the way production writes clear
 * them) and deletes everything it made in `cleanup()`.
 */
import { randomBytes, randomInt } from 'node:crypto'
import type { TDBConf, TRedisConf } from '@looklook/conf'
import { createLogger } from '@looklook/logx'
import { Cache, createPool, createRedis, SqlConn } from '@looklook/model'
import {
  type Homestay,
  type HomestayActivity,
  HomestayActivityModel,
  type HomestayBusiness,
  HomestayBusinessModel,
  type HomestayComment,
  HomestayCommentModel,
  HomestayModel,
} from '../src/index.ts'

/** Local defaults, the same the etc/*.yaml files fall back to. */
export const TEST_DB: TDBConf = {
  DataSource: process.env.TRAVEL_DB ?? 'mysql://looklook:looklook@127.0.0.1:3306/looklook_travel',
  PoolSize: 5,
}
export const TEST_REDIS: TRedisConf = { Host: process.env.REDIS_HOST ?? '127.0.0.1:6379', Pass: '', DB: 0, KeyPrefix: '' }

/** A boss user id no real user has (usercenter ids are small auto-increments). */
export function fakeUserId(): number {
  return 9_000_000_000 + randomInt(0, 999_999_999)
}

export class TravelFixture {
  readonly tag = randomBytes(4).toString('hex')
  readonly db: SqlConn
  readonly cache: Cache
  readonly homestayModel: HomestayModel
  readonly activityModel: HomestayActivityModel
  readonly businessModel: HomestayBusinessModel
  readonly commentModel: HomestayCommentModel
  readonly #made = { homestay: [] as number[], activity: [] as number[], business: [] as number[], comment: [] as number[] }
  #seq = 0

  constructor() {
    const log = createLogger({ service: 'travel-test', level: 'error' })
    this.db = new SqlConn(createPool(TEST_DB))
    this.cache = new Cache(createRedis(TEST_REDIS, { log }), { log })
    this.homestayModel = new HomestayModel(this.db, this.cache)
    this.activityModel = new HomestayActivityModel(this.db, this.cache)
    this.businessModel = new HomestayBusinessModel(this.db, this.cache)
    this.commentModel = new HomestayCommentModel(this.db, this.cache)
  }

  /** A title unique to this fixture (the column holds 32 characters). */
  title(what: string): string {
    return `t${this.tag} ${what} ${++this.#seq}`.slice(0, 32)
  }

  async business(data: Partial<HomestayBusiness> = {}): Promise<HomestayBusiness> {
    const id = await this.businessModel.insert({
      title: this.title('shop'),
      userId: fakeUserId(),
      info: 'test shop',
      bossInfo: 'test boss',
      licenseFron: '',
      licenseBack: '',
      rowState: 1,
      star: 4.5,
      tags: 'test',
      cover: 'https://images.looklook.dev/test/cover.jpg',
      headerImg: 'https://images.looklook.dev/test/header.jpg',
      ...data,
    })
    this.#made.business.push(id)
    return this.#must(await this.businessModel.findOne(id))
  }

  async homestay(data: Partial<Homestay> = {}): Promise<Homestay> {
    const id = await this.homestayModel.insert({
      title: this.title('homestay'),
      subTitle: 'test sub title',
      banner: 'https://images.looklook.dev/test/1.jpg',
      info: 'test info',
      peopleNum: 2,
      homestayBusinessId: 0,
      userId: 0,
      rowState: 1,
      rowType: 0,
      foodInfo: 'test breakfast',
      foodPrice: 1000,
      homestayPrice: 29900,
      marketHomestayPrice: 39900,
      ...data,
    })
    this.#made.homestay.push(id)
    return this.#must(await this.homestayModel.findOne(id))
  }

  async activity(rowType: string, dataId: number, rowStatus = 1): Promise<HomestayActivity> {
    const id = await this.activityModel.insert({ rowType, dataId, rowStatus })
    this.#made.activity.push(id)
    return this.#must(await this.activityModel.findOne(id))
  }

  async comment(homestayId: number, userId: number, star: string, content = this.title('comment')): Promise<HomestayComment> {
    const id = await this.commentModel.insert({ homestayId, userId, content, star })
    this.#made.comment.push(id)
    return this.#must(await this.commentModel.findOne(id))
  }

  /** An activity type of this fixture only, so its lists hold nothing but this test's rows. */
  activityType(): string {
    return `test-${this.tag}`
  }

  async cleanup(): Promise<void> {
    for (const id of this.#made.comment) await this.commentModel.delete(id)
    for (const id of this.#made.activity) await this.activityModel.delete(id)
    for (const id of this.#made.homestay) await this.homestayModel.delete(id)
    for (const id of this.#made.business) await this.businessModel.delete(id)
    await this.db.close()
    this.cache.redis.disconnect()
  }

  #must<T>(row: T | null): T {
    if (!row) throw new Error('fixture row vanished right after insert')
    return row
  }
}
