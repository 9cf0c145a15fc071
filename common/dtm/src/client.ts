import { fileURLToPath } from 'node:url'
import { credentials, loadPackageDefinition, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { CodeError, ErrCode } from '@looklook/xerr'
import { serviceDefinition } from '@looklook/zrpc'
import { context, propagation } from '@opentelemetry/api'
import type { DtmConf } from './conf.ts'

const dtmgimp = loadPackageDefinition(
  loadSync(fileURLToPath(new URL('../proto/dtmgimp.proto', import.meta.url)), { keepCase: true, longs: Number, defaults: true }),
) as unknown as { dtmgimp: { Dtm: ServiceClientConstructor } }

/** One saga step: the branch URLs dtm calls (`host:port/package.Service/method`) and the request both get. */
export interface SagaStep {
  action: string
  compensate: string
  /** The protobuf-encoded request, sent unchanged to the action and the compensation. */
  payload: Buffer
}

/** A transaction's state in dtm (`trans_global.status`). */
export type TransStatus = 'prepared' | 'submitted' | 'aborting' | 'succeed' | 'failed'

/** What dtm's query API tells about a transaction. */
export interface TransQuery {
  gid: string
  status: TransStatus
  rollbackReason: string
  branches: { branchId: string; op: string; status: string; url: string }[]
}

/**
 * How a saga submitted with WaitResult ended: `succeed`, `failed` (a branch said ABORTED and the done
 * branches were compensated, or are being: `aborting`), or `pending` — dtm still retries a branch
 * that did not answer, and finishes the saga later on its own.
 */
export type SagaOutcome = { status: 'succeed' } | { status: 'failed'; rollbackReason: string } | { status: 'pending' }

/**
 * A saga step calling `method` of `serviceName` (a zrpc service, e.g. `pb.travel`) on `target`
 * (`host:port` dtm can reach) for the action, `compensateMethod` for the compensation, both with `req`
 * encoded by the proto's own serializer.
 */
export function grpcStep<R extends object>(
  target: string,
  proto: URL | string,
  serviceName: string,
  methods: { action: string; compensate: string },
  req: R,
): SagaStep {
  const def = serviceDefinition(proto, serviceName)
  const action = def[methods.action]
  const compensate = def[methods.compensate]
  if (!action || !compensate) throw new Error(`${serviceName} has no method ${action ? methods.compensate : methods.action}`)
  return { action: `${target}${action.path}`, compensate: `${target}${compensate.path}`, payload: action.requestSerialize(req) }
}

/** A msg action calling `method` of `serviceName` on `target` with `req` (see {@link DtmClient.submitMsg}). */
export function grpcAction<R extends object>(target: string, proto: URL | string, serviceName: string, method: string, req: R) {
  const def = serviceDefinition(proto, serviceName)[method]
  if (!def) throw new Error(`${serviceName} has no method ${method}`)
  return { action: `${target}${def.path}`, payload: def.requestSerialize(req) }
}

/**
 * A client of dtm's gRPC API (`dtmgimp.Dtm`: NewGid, Submit) and its HTTP query API. Submitting over gRPC
 * makes the transaction's protocol grpc: dtm then calls the branches over gRPC, with the payloads as raw
 * bytes and the branch metadata `dtm-gid`, `dtm-trans_type`, `dtm-branch_id`, `dtm-op`.
 */
export class DtmClient {
  readonly conf: DtmConf
  readonly #client: InstanceType<ServiceClientConstructor>

  constructor(conf: DtmConf) {
    this.conf = conf
    this.#client = new dtmgimp.dtmgimp.Dtm(conf.Server, credentials.createInsecure())
  }

  #call<Resp>(method: 'NewGid' | 'Submit', req: object, timeoutMs: number): Promise<Resp> {
    return new Promise((resolve, reject) => {
      const fn = this.#client[method] as (req: object, opts: { deadline: Date }, cb: (err: ServiceError | null, resp: Resp) => void) => void
      fn.call(this.#client, req, { deadline: new Date(Date.now() + timeoutMs) }, (err, resp) => (err ? reject(err) : resolve(resp)))
    })
  }

  /** A new global transaction id from dtm. */
  async newGid(): Promise<string> {
    try {
      const { Gid } = await this.#call<{ Gid: string }>('NewGid', {}, 2000)
      return Gid
    } catch (err) {
      throw outage('dtm NewGid failed', err)
    }
  }

  /**
   * Submits a saga with WaitResult: dtm runs the actions in order and, when one fails, the compensations
   * of those done, before it answers. A failed saga is told by ABORTED; since dtm answers ABORTED as well
   * when it stops waiting on a branch that is still being retried, the outcome of any error is read from
   * the query API. dtm unreachable, or not knowing the transaction, is an outage `CodeError`.
   */
  async submitSaga(
    gid: string,
    steps: readonly SagaStep[],
    opts: { retryInterval?: number; timeoutToFail?: number } = {},
  ): Promise<SagaOutcome> {
    const req = {
      Gid: gid,
      TransType: 'saga',
      Steps: JSON.stringify(steps.map((s) => ({ action: s.action, compensate: s.compensate }))),
      BinPayloads: steps.map((s) => s.payload),
      TransOptions: {
        // dtm sends these with every branch call: the branches' spans join the trace of the booking.
        BranchHeaders: traceHeaders(),
        WaitResult: true,
        RetryInterval: opts.retryInterval ?? this.conf.RetryInterval,
        TimeoutToFail: opts.timeoutToFail ?? this.conf.TimeoutToFail,
      },
    }
    let submitError: unknown
    try {
      await this.#call('Submit', req, this.conf.Timeout)
      return { status: 'succeed' }
    } catch (err) {
      submitError = err
    }
    // Not only ABORTED: dtm 1.19 can also fail the waiting call itself (UNKNOWN "storage: NotFound") when its
    // cron takes the transaction over meanwhile, and a deadline may pass after dtm stored it. What dtm
    // stored decides; a transaction it does not know was never submitted.
    let q: TransQuery
    try {
      q = await this.query(gid)
    } catch (err) {
      throw outage(`dtm Submit of ${gid} failed`, (err as CodeError).unavailable ? err : submitError)
    }
    if (q.status === 'succeed') return { status: 'succeed' }
    if (q.status === 'failed' || q.status === 'aborting') return { status: 'failed', rollbackReason: q.rollbackReason }
    return { status: 'pending' }
  }

  /**
   * Submits a msg transaction without waiting: dtm calls each action (op `action`, trans_type `msg`) until it
   * answers OK, retrying with backoff, however long that takes. For work that must happen once its cause is
   * committed, when the callee cannot be reached now. A gid dtm already has is not submitted twice.
   */
  async submitMsg(gid: string, actions: readonly { action: string; payload: Buffer }[]): Promise<void> {
    const req = {
      Gid: gid,
      TransType: 'msg',
      Steps: JSON.stringify(actions.map((a) => ({ action: a.action }))),
      BinPayloads: actions.map((a) => a.payload),
      TransOptions: { BranchHeaders: traceHeaders(), WaitResult: false, RetryInterval: this.conf.RetryInterval },
    }
    try {
      await this.#call('Submit', req, this.conf.Timeout)
    } catch (err) {
      // dtm refuses a second submit of a gid it stored (ABORTED "current status ..."): the first one stands.
      if (
        (err as ServiceError).code === 10 &&
        (await this.query(gid).then(
          () => true,
          () => false,
        ))
      )
        return
      throw outage(`dtm Submit of msg ${gid} failed`, err)
    }
  }

  /** A transaction as dtm's query API shows it (`GET /api/dtmsvr/query?gid=`); throws when dtm does not know it. */
  async query(gid: string): Promise<TransQuery> {
    let body: {
      transaction?: { gid: string; status: TransStatus; rollback_reason?: string } | null
      branches?: { branch_id: string; op: string; status: string; url: string }[]
    }
    try {
      const res = await fetch(`${this.conf.HttpServer}/api/dtmsvr/query?gid=${encodeURIComponent(gid)}`, {
        signal: AbortSignal.timeout(3000),
      })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      body = (await res.json()) as typeof body
    } catch (err) {
      throw outage(`dtm query of ${gid} failed`, err)
    }
    if (!body.transaction)
      throw new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: new Error(`dtm knows no transaction ${gid}`) })
    return {
      gid: body.transaction.gid,
      status: body.transaction.status,
      rollbackReason: body.transaction.rollback_reason ?? '',
      branches: (body.branches ?? []).map((b) => ({ branchId: b.branch_id, op: b.op, status: b.status, url: b.url })),
    }
  }

  close(): void {
    this.#client.close()
  }
}

/** The W3C trace context of the current span (`traceparent`, `tracestate`), empty when nothing is traced. */
function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {}
  propagation.inject(context.active(), headers)
  return headers
}

function outage(message: string, cause: unknown): CodeError {
  return new CodeError(ErrCode.SERVER_COMMON_ERROR, undefined, { cause: new Error(message, { cause }), unavailable: true })
}
