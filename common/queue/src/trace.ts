import { context, propagation } from '@opentelemetry/api'

/** The job-data field that carries the W3C trace context of whoever enqueued the job. */
export const TRACE_FIELD = '_trace'

/** The active trace context as a `traceparent`/`tracestate` carrier. */
export function currentCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier
}

/** Splits job data into the payload and the trace carrier stored beside it. */
export function splitTrace(data: unknown): { payload: unknown; carrier: Record<string, string> } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { payload: data, carrier: {} }
  const { [TRACE_FIELD]: carrier, ...payload } = data as Record<string, unknown>
  const valid = typeof carrier === 'object' && carrier !== null ? (carrier as Record<string, string>) : {}
  return { payload, carrier: valid }
}
