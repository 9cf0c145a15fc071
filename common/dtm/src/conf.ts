import { type Static, Type } from '@looklook/conf'

/** Where a process reaches dtm, and the options of the sagas it submits (`Dtm:` in its etc yaml). */
export const DtmConf = Type.Object({
  /** dtm's gRPC address, `host:port` (36790). */
  Server: Type.String({ minLength: 1 }),
  /** dtm's HTTP base URL (36789), for its query API: `http://127.0.0.1:36789`. */
  HttpServer: Type.String({ minLength: 1 }),
  /** How long a submit with WaitResult may take before the caller gives up waiting (ms). */
  Timeout: Type.Integer({ minimum: 100, default: 15000, description: 'milliseconds' }),
  /** Seconds before dtm retries a branch that answered neither OK nor Aborted; doubles on each retry. */
  RetryInterval: Type.Integer({ minimum: 1, default: 2, description: 'seconds' }),
  /** Seconds after which a saga still unfinished is rolled back (0: retried forever). */
  TimeoutToFail: Type.Integer({ minimum: 0, default: 60, description: 'seconds' }),
})
export type DtmConf = Static<typeof DtmConf>
