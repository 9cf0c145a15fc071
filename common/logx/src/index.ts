/**
 * JSON logging in go-zero logx's field names (`@timestamp`, `level` as a word, `content`, `trace`,
 * `span`, `caller`, `duration`), so the filebeat → go-stash → Kibana pipeline of the Go original
 * reads these logs unchanged.
 */
import { trace } from '@opentelemetry/api'
import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger }

export interface LogOptions {
  service: string
  level?: string
  /** Defaults to stdout, buffered (see {@link stdoutDestination}); tests pass a stream to read lines back. */
  destination?: DestinationStream
}

/** Lines are written once this many bytes are buffered, or at the latest after {@link FLUSH_MS}. */
const BUFFER_BYTES = 8192
const FLUSH_MS = 250

let stdout: DestinationStream | undefined

/**
 * stdout for every logger of the process, written in chunks instead of one write(2) per line: with
 * an access line per request, a write per line was a tenth of an api's CPU. A timer flushes at least
 * every 250 ms, and pino flushes synchronously when the process exits, so no line is lost on a
 * normal exit or a crash that reaches 'exit'.
 */
function stdoutDestination(): DestinationStream {
  if (stdout) return stdout
  const dest = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES })
  setInterval(() => {
    // A flush while the stream is not yet open (or already closed) throws; the next tick tries again.
    try {
      dest.flush()
    } catch {}
  }, FLUSH_MS).unref()
  stdout = dest
  return dest
}

const WARN = 40

function callerOf(): string | undefined {
  // Frames: Error, callerOf, mixin, pino internals…; the first frame outside pino and this file is the caller.
  const stack = new Error().stack?.split('\n') ?? []
  for (const line of stack.slice(2)) {
    if (line.includes('node_modules') || line.includes('/logx/src/') || line.includes('node:')) continue
    const m = /\(?([^()\s]+):(\d+):\d+\)?$/.exec(line.trim())
    if (m) return `${m[1]?.split('/').slice(-2).join('/')}:${m[2]}`
  }
  return undefined
}

/** Creates the process logger. Trace and span ids of the active OpenTelemetry span are added to every line. */
export function createLogger(opts: LogOptions): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      messageKey: 'content',
      errorKey: 'error',
      base: { service: opts.service },
      timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin(_ctx, level) {
        const out: Record<string, string> = {}
        const sc = trace.getActiveSpan()?.spanContext()
        if (sc && sc.traceId !== '00000000000000000000000000000000') {
          out.trace = sc.traceId
          out.span = sc.spanId
        }
        if (level >= WARN) {
          const caller = callerOf()
          if (caller) out.caller = caller
        }
        return out
      },
    },
    opts.destination ?? stdoutDestination(),
  )
}

/** Formats a duration the way logx does (`12.3ms`). */
export function formatDuration(ms: number): string {
  return `${ms.toFixed(1)}ms`
}
