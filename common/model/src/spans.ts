/**
 * Client spans for SQL statements and Redis commands, as go-zero's sqlx and redis hooks make them.
 * They name the operation and the table, never a bound value, a key or the statement text (a
 * hand-written statement may carry literals). Outside a recording span nothing is built: the check
 * is one context lookup, so a process that exports no traces pays next to nothing.
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('looklook-model')

/** Whether the current request is being recorded; only then are child spans worth making. */
function recording(): boolean {
  return trace.getSpan(context.active())?.isRecording() === true
}

/** Where a client is connected, for the `server.*` and `db.namespace` attributes. */
export interface Peer {
  /** The database (MySQL) or the DB index (Redis). */
  namespace: string
  address: string
  port: number
}

interface Statement {
  name: string
  operation: string
  table: string | undefined
}

// Statements are the model's templates (one string per method and table), so a small memo holds
// all of them; a process issuing ever new texts only loses the memo, not correctness.
const MEMO_LIMIT = 2000
const statements = new Map<string, Statement>()

// The table is the identifier after FROM / INTO / UPDATE / JOIN-less DELETE, backquoted or not.
const TABLE_AFTER = /\b(?:from|into|update)\s+`?([A-Za-z0-9_$]+)`?(?:\s*\.\s*`?([A-Za-z0-9_$]+)`?)?/i

function describe(sql: string): Statement {
  let s = statements.get(sql)
  if (s !== undefined) return s
  const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'SQL'
  const m = TABLE_AFTER.exec(sql)
  // `db.table`: the part after the dot is the table.
  const table = m ? (m[2] ?? m[1]) : undefined
  s = { name: table ? `sql ${operation} ${table}` : `sql ${operation}`, operation, table }
  if (statements.size >= MEMO_LIMIT) statements.clear()
  statements.set(sql, s)
  return s
}

/** A client span for one SQL statement (or BEGIN/COMMIT/ROLLBACK), or undefined when nothing is recorded. */
export function sqlSpan(peer: Peer, sql: string): Span | undefined {
  if (!recording()) return undefined
  const s = describe(sql)
  const span = tracer.startSpan(s.name, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system': 'mysql',
      'db.system.name': 'mysql',
      'db.operation.name': s.operation,
      'db.namespace': peer.namespace,
      'server.address': peer.address,
      'server.port': peer.port,
    },
  })
  if (s.table !== undefined) span.setAttribute('db.collection.name', s.table)
  return span
}

/** Ends a span from {@link sqlSpan} or {@link redisSpan}; a failure records the driver's error code, not its message. */
export function endSpan(span: Span | undefined, err?: unknown): void {
  if (span === undefined) return
  if (err !== undefined) {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
    const type = typeof code === 'string' ? code : err instanceof Error ? err.name : 'error'
    // Driver messages can quote the statement or a value (a duplicate key names the entry): keep them out.
    span.setAttribute('error.type', type)
    span.setStatus({ code: SpanStatusCode.ERROR, message: type })
  }
  span.end()
}

/** A client span for one Redis command, named `redis <COMMAND>`, or undefined when nothing is recorded. */
export function redisSpan(peer: Peer, command: string): Span | undefined {
  if (!recording()) return undefined
  const operation = command.toUpperCase()
  return tracer.startSpan(`redis ${operation}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'db.system': 'redis',
      'db.system.name': 'redis',
      'db.operation.name': operation,
      'db.namespace': peer.namespace,
      'server.address': peer.address,
      'server.port': peer.port,
    },
  })
}
