import { join } from 'node:path'
import { BaseConf, loadConfig, RedisConf, type Static, Type } from '@looklook/conf'

/** Schema of etc/bull-board.yaml. */
export const BullBoardConfSchema = Type.Object({
  ...BaseConf,
  Host: Type.String({ default: '127.0.0.1' }),
  Port: Type.Integer({ minimum: 0, maximum: 65535 }),
  Redis: RedisConf,
  Queues: Type.Object({
    Names: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    DiscoverIntervalMs: Type.Integer({ minimum: 0, default: 5000, description: '0 turns discovery off' }),
    Exclude: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    ReadOnly: Type.Boolean({ default: false }),
  }),
})

export type BullBoardConf = Static<typeof BullBoardConfSchema>

/** Loads etc/bull-board.yaml (or `$CONFIG_FILE`). */
export function loadBullBoardConf(): BullBoardConf {
  return loadConfig(BullBoardConfSchema, join(import.meta.dirname, '..', 'etc', 'bull-board.yaml'))
}
