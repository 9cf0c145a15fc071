import { fileURLToPath } from 'node:url'
import type { ServiceDefinition } from '@grpc/grpc-js'
import { loadSync, type PackageDefinition } from '@grpc/proto-loader'

/**
 * The proto-loader options every process uses, fixed in one place so the generated types
 * (`scripts/gen-proto.ts`) and the objects handlers receive always agree: field names as written
 * in the proto, 64-bit integers as JS numbers, enums as their names, unset fields filled with
 * defaults (unset messages as `null`), and a virtual property naming the set member of each oneof.
 */
export const LOADER_OPTIONS = Object.freeze({
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
})

const loaded = new Map<string, PackageDefinition>()

function protoPath(proto: URL | string): string {
  return proto instanceof URL ? fileURLToPath(proto) : proto
}

/** Loads (once per file) a `.proto` with {@link LOADER_OPTIONS}. Accepts the `<name>Proto` URL of a generated module. */
export function loadProto(proto: URL | string): PackageDefinition {
  const path = protoPath(proto)
  let def = loaded.get(path)
  if (!def) {
    def = loadSync(path, { ...LOADER_OPTIONS })
    loaded.set(path, def)
  }
  return def
}

/** The unary methods of `serviceName` (e.g. `pb.identity`) in a proto; throws a clear error for a wrong name or a streaming method. */
export function serviceDefinition(proto: URL | string, serviceName: string): ServiceDefinition {
  const pkg = loadProto(proto)
  const def = pkg[serviceName]
  // Message and enum definitions carry a `format` string; service definitions are maps of methods.
  if (!def || typeof def.format === 'string') {
    const services = Object.entries(pkg)
      .filter(([, d]) => typeof d.format !== 'string')
      .map(([name]) => name)
    throw new Error(`${protoPath(proto)}: no service ${serviceName} (services: ${services.join(', ') || 'none'})`)
  }
  const service = def as ServiceDefinition
  for (const [name, method] of Object.entries(service)) {
    if (method.requestStream || method.responseStream) {
      throw new Error(`${serviceName}.${name} is a streaming method; zrpc supports unary methods only`)
    }
  }
  return service
}
