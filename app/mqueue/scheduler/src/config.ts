import { BaseConf, loadConfig, RedisConf, type Static, Type } from '@looklook/conf'

const Every = Type.Integer({ minimum: 1000, description: 'milliseconds between runs' })
const BatchSize = Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })

export const MqueueSchedulerConf = Type.Object({
  ...BaseConf,
  Redis: RedisConf,
  CloseOrderDelaySeconds: Type.Integer({ minimum: 1, default: 1200 }),
  Schedules: Type.Object({
    ExpirePaidOrders: Type.Object({ EveryMs: Every, BatchSize }),
    CloseStaleOrders: Type.Object({
      EveryMs: Every,
      BatchSize,
      /** Time the per-order close job gets before the sweep steps in. */
      GraceSeconds: Type.Integer({ minimum: 0, default: 60 }),
    }),
  }),
})
export type MqueueSchedulerConf = Static<typeof MqueueSchedulerConf>

export function loadMqueueSchedulerConf(
  file: string | URL = new URL('../etc/mqueue-scheduler.yaml', import.meta.url),
): MqueueSchedulerConf {
  return loadConfig(MqueueSchedulerConf, file)
}
