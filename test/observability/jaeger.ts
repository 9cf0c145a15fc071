// A small client for Jaeger's query API (the v1 JSON API on :16686 that the Jaeger UI itself uses).
import { getJson, JAEGER } from './support.ts'

export interface JaegerSpan {
  traceID: string
  spanID: string
  operationName: string
  references: { refType: string; traceID: string; spanID: string }[]
  startTime: number
  duration: number
  tags: { key: string; type: string; value: unknown }[]
  processID: string
}

export interface JaegerTrace {
  traceID: string
  spans: JaegerSpan[]
  processes: Record<string, { serviceName: string }>
}

/** A span with its service name resolved. */
export interface ServiceSpan extends JaegerSpan {
  service: string
}

export async function services(): Promise<string[]> {
  return (await getJson<{ data: string[] | null }>(`${JAEGER}/api/services`)).data ?? []
}

/** The trace with this id, or undefined while Jaeger has none of its spans. */
export async function traceById(traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${JAEGER}/api/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) })
  if (res.status === 404) {
    await res.body?.cancel()
    return undefined
  }
  const text = await res.text()
  if (res.status !== 200) throw new Error(`GET /api/traces/${traceId}: ${res.status} ${text.slice(0, 300)}`)
  return (JSON.parse(text) as { data: JaegerTrace[] }).data[0]
}

/** Traces holding a span of `service` (and `operation`, when given) that started between the two times (ms). */
export async function findTraces(service: string, operation: string | undefined, fromMs: number, toMs: number): Promise<JaegerTrace[]> {
  const q = new URLSearchParams({ service, start: String(fromMs * 1000), end: String(toMs * 1000), limit: '100' })
  if (operation !== undefined) q.set('operation', operation)
  return (await getJson<{ data: JaegerTrace[] | null }>(`${JAEGER}/api/traces?${q}`)).data ?? []
}

export function spansOf(trace: JaegerTrace): ServiceSpan[] {
  return trace.spans.map((s) => ({ ...s, service: trace.processes[s.processID]?.serviceName ?? '?' }))
}

/** `service operation` of every span, sorted, for assertion messages. */
export function describeTrace(trace: JaegerTrace | undefined): string {
  if (trace === undefined) return 'no trace'
  return spansOf(trace)
    .map((s) => `${s.service} ${s.operationName}`)
    .sort()
    .join('; ')
}

/** The span's parent id (CHILD_OF reference), if it has one. */
export function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID
}
