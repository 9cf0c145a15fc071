/**
 * 64-bit integers cross gRPC as JS numbers (`longs: Number` in {@link LOADER_OPTIONS}), which hold
 * integers exactly only up to 2^53-1. A request carrying a larger one would reach the handler
 * silently rounded (2^53+1 arrives as 2^53), so the server refuses it instead, as INVALID_ARGUMENT
 * with xerr code 100002. The 64-bit fields of each request type are found once, when the service
 * is added; a message without any costs nothing per call, and the others are checked field by
 * field, never by walking the whole object.
 */
import { type MethodDefinition, status } from '@grpc/grpc-js'
import type { PackageDefinition } from '@grpc/proto-loader'
import { ErrCode } from '@looklook/xerr'
import { RpcStatusError } from './errors.ts'
import { loadProto } from './proto.ts'

/** The name of the first field (as a path like `items[2].id`) whose value is not a safe integer, or undefined. */
type Check = (msg: Record<string, unknown>) => string | undefined

interface FieldDescriptor {
  name: string
  label: string
  type: string
  typeName: string
}

interface Descriptor {
  name: string
  field?: FieldDescriptor[]
  nestedType?: Descriptor[]
  options?: { mapEntry?: boolean } | null
}

const INT64_TYPES: ReadonlySet<string> = new Set(['TYPE_INT64', 'TYPE_UINT64', 'TYPE_SINT64', 'TYPE_FIXED64', 'TYPE_SFIXED64'])

const unsafe = (v: unknown): boolean => typeof v === 'number' && !Number.isSafeInteger(v)

/** Every message of a loaded proto by full name, nested ones included (`zrpctest.EchoResp.Inner`). */
function messagesOf(pkg: PackageDefinition): Map<string, Descriptor> {
  const index = new Map<string, Descriptor>()
  const add = (fullName: string, d: Descriptor) => {
    index.set(fullName, d)
    for (const n of d.nestedType ?? []) add(`${fullName}.${n.name}`, n)
  }
  for (const [name, def] of Object.entries(pkg)) {
    if (typeof def.format === 'string' && def.format.endsWith('DescriptorProto') && 'type' in def) add(name, def.type as Descriptor)
  }
  return index
}

/** Resolves a field's type name the way protoc does: from the innermost enclosing scope outwards. */
function resolve(index: ReadonlyMap<string, Descriptor>, scope: string, typeName: string): string | undefined {
  if (typeName.startsWith('.')) return index.has(typeName.slice(1)) ? typeName.slice(1) : undefined
  for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
    const candidate = s ? `${s}.${typeName}` : typeName
    if (index.has(candidate)) return candidate
    if (!s) return undefined
  }
}

class Compiler {
  readonly #index: ReadonlyMap<string, Descriptor>
  readonly #has64 = new Map<string, boolean>()
  readonly #checks = new Map<string, Check>()

  constructor(index: ReadonlyMap<string, Descriptor>) {
    this.#index = index
  }

  /** The check of a message type, or undefined when no 64-bit integer is reachable from it. */
  check(name: string): Check | undefined {
    if (!this.#reaches64(name, new Set())) return undefined
    const known = this.#checks.get(name)
    if (known) return known
    const parts: Check[] = []
    const check: Check = (msg) => {
      for (const part of parts) {
        const bad = part(msg)
        if (bad !== undefined) return bad
      }
      return undefined
    }
    // Registered before its fields are compiled, so a recursive message refers to itself.
    this.#checks.set(name, check)
    for (const f of this.#index.get(name)?.field ?? []) {
      const part = this.#fieldCheck(name, f)
      if (part) parts.push(part)
    }
    return check
  }

  #fieldCheck(scope: string, f: FieldDescriptor): Check | undefined {
    const key = f.name
    const repeated = f.label === 'LABEL_REPEATED'
    if (INT64_TYPES.has(f.type)) {
      if (!repeated) return (msg) => (unsafe(msg[key]) ? key : undefined)
      return (msg) => {
        const list = msg[key]
        if (!Array.isArray(list)) return undefined
        const i = list.findIndex(unsafe)
        return i < 0 ? undefined : `${key}[${i}]`
      }
    }
    if (f.type !== 'TYPE_MESSAGE') return undefined
    const typeName = resolve(this.#index, scope, f.typeName)
    if (typeName === undefined) return undefined
    const entry = this.#index.get(typeName)
    if (entry?.options?.mapEntry) {
      // A map is a plain object in JS: its values are checked, its keys stay strings.
      const value = entry.field?.find((v) => v.name === 'value')
      if (!value) return undefined
      const valueCheck = this.#fieldCheck(typeName, { ...value, name: 'v', label: 'LABEL_OPTIONAL' })
      if (!valueCheck) return undefined
      return (msg) => {
        const map = msg[key]
        if (map === null || typeof map !== 'object') return undefined
        for (const [k, v] of Object.entries(map)) {
          const bad = valueCheck({ v })
          if (bad !== undefined) return `${key}[${JSON.stringify(k)}]${bad.slice(1)}`
        }
        return undefined
      }
    }
    const sub = this.check(typeName)
    if (!sub) return undefined
    if (!repeated) {
      return (msg) => {
        const v = msg[key]
        if (v === null || typeof v !== 'object') return undefined
        const bad = sub(v as Record<string, unknown>)
        return bad === undefined ? undefined : `${key}.${bad}`
      }
    }
    return (msg) => {
      const list = msg[key]
      if (!Array.isArray(list)) return undefined
      for (let i = 0; i < list.length; i++) {
        const bad = sub(list[i] as Record<string, unknown>)
        if (bad !== undefined) return `${key}[${i}].${bad}`
      }
      return undefined
    }
  }

  #reaches64(name: string, visiting: Set<string>): boolean {
    const known = this.#has64.get(name)
    if (known !== undefined) return known
    // A cycle adds nothing the other fields of the cycle do not already show.
    if (visiting.has(name)) return false
    visiting.add(name)
    let found = false
    for (const f of this.#index.get(name)?.field ?? []) {
      if (INT64_TYPES.has(f.type)) found = true
      else if (f.type === 'TYPE_MESSAGE') {
        const t = resolve(this.#index, name, f.typeName)
        if (t !== undefined && this.#reaches64(t, visiting)) found = true
      }
      if (found) break
    }
    visiting.delete(name)
    if (found || visiting.size === 0) this.#has64.set(name, found)
    return found
  }
}

const compilers = new WeakMap<PackageDefinition, { index: Map<string, Descriptor>; compiler: Compiler }>()

/** The full name of a method's request type: the message whose descriptor proto-loader copied into the method. */
function requestTypeName(index: ReadonlyMap<string, Descriptor>, method: MethodDefinition<object, object>): string | undefined {
  const type = (method as { requestType?: { type?: Descriptor } }).requestType?.type
  if (!type) return undefined
  const sameName = [...index].filter(([, d]) => d.name === type.name)
  if (sameName.length === 1) return sameName[0]?.[0]
  const shape = JSON.stringify(type.field)
  return sameName.find(([, d]) => JSON.stringify(d.field) === shape)?.[0]
}

/** The error a request with an unsafe 64-bit integer is refused with. */
export function int64RangeError(path: string): RpcStatusError {
  return new RpcStatusError(
    status.INVALID_ARGUMENT,
    `${path} is beyond 9007199254740991 (2^53-1), the largest integer exchanged exactly`,
    ErrCode.REQUEST_PARAM_ERROR,
  )
}

/**
 * The check of a method's request, or undefined when the request has no 64-bit integer field
 * (directly or in a nested message). The check returns the path of the first unsafe field.
 */
export function requestInt64Check(proto: URL | string, method: MethodDefinition<object, object>): Check | undefined {
  const pkg = loadProto(proto)
  let c = compilers.get(pkg)
  if (!c) {
    const index = messagesOf(pkg)
    c = { index, compiler: new Compiler(index) }
    compilers.set(pkg, c)
  }
  const name = requestTypeName(c.index, method)
  return name === undefined ? undefined : c.compiler.check(name)
}

/**
 * Wraps a unary handler so that a request holding a 64-bit integer beyond 2^53-1 is refused with
 * {@link int64RangeError} before the handler sees it; returns `fn` itself when the request type
 * has no 64-bit field.
 */
export function guardInt64<F extends (req: object, ...rest: never[]) => Promise<object>>(
  proto: URL | string,
  method: MethodDefinition<object, object>,
  fn: F,
): F {
  const check = requestInt64Check(proto, method)
  if (!check) return fn
  const guarded = async (req: object, ...rest: never[]): Promise<object> => {
    const bad = check(req as Record<string, unknown>)
    if (bad !== undefined) throw int64RangeError(bad)
    return fn(req, ...rest)
  }
  return guarded as F
}
