import { AsyncLocalStorage } from 'node:async_hooks'
import type { Metadata } from '@grpc/grpc-js'
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api'

/** Reads W3C trace context (`traceparent`, `tracestate`, `baggage`) from gRPC metadata. */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key).filter((v): v is string => typeof v === 'string')
    if (values.length === 0) return undefined
    return values.length === 1 ? values[0] : values
  },
}

/** Writes W3C trace context into gRPC metadata. */
export const metadataSetter: TextMapSetter<Metadata> = {
  set: (md, key, value) => md.set(key, value),
}

/**
 * The deadline (epoch ms) of the server call being handled, so an rpc made from inside a handler
 * never outlives its caller — gRPC's deadline propagation, which go-zero gets from `context.Context`.
 */
export const inboundDeadline = new AsyncLocalStorage<number>()
