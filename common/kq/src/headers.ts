import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api'
import type { IHeaders } from 'kafkajs'

/** Reads W3C trace context from Kafka headers (kafkajs hands header values back as Buffers). */
export const headersGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const v = headers[key]
    if (v === undefined) return undefined
    if (Array.isArray(v)) return v.map((x) => x.toString())
    return v.toString()
  },
}

/** Writes W3C trace context into Kafka headers. */
export const headersSetter: TextMapSetter<Record<string, string>> = {
  set: (headers, key, value) => {
    headers[key] = value
  },
}

/** Header values as strings, for handlers and logs. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()).join(',') : v.toString()
  }
  return out
}
