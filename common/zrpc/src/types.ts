import type { Metadata } from '@grpc/grpc-js'
import type { Logger } from '@looklook/logx'

/** One method of a generated service map: its request and response message types. */
export interface RpcMethodShape {
  req: object
  resp: object
}

/**
 * Constraint for a generated service map such as `IdentityService`
 * (`{ generateToken: { req: GenerateTokenReq; resp: GenerateTokenResp }; … }`).
 * Written as a mapped type so interfaces satisfy it (they lack index signatures).
 */
export type RpcServiceShape<S> = { [M in keyof S]: RpcMethodShape }

/** What a handler gets besides its request. */
export interface RpcContext {
  /** The server logger with `method` bound; lines carry the trace and span ids of the call. */
  logger: Logger
  /** Incoming metadata (headers) of the call. */
  metadata: Metadata
  /** When the call times out: the earlier of the server's `Timeout` and the client's deadline. */
  deadline: Date
  /** Aborted when the call times out or the client cancels it; pass it on to cancellable work. */
  signal: AbortSignal
  /** Address of the caller (`ip:port`). */
  peer: string
}

/** The implementation of a service: one async function per method. Throw a `CodeError` for business errors. */
export type RpcHandlers<S extends RpcServiceShape<S>> = {
  [M in keyof S]: (req: S[M]['req'], ctx: RpcContext) => Promise<S[M]['resp']>
}

/** Per-call options of a client method. */
export interface RpcCallOptions {
  /** Overrides the client's `Timeout` (ms) for this call. */
  timeoutMs?: number
  /** Extra metadata sent with the call. */
  metadata?: Record<string, string>
}

/** A typed client: one async function per method, plus `close()`. Errors are always `CodeError`s. */
export type RpcClient<S extends RpcServiceShape<S>> = {
  [M in keyof S]: (req: S[M]['req'], opts?: RpcCallOptions) => Promise<S[M]['resp']>
} & { close(): void }
