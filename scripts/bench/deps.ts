// The fixtures load fastify and grpc-js from the workspace packages that use them (common/rest,
// common/zrpc), so the floors run the very library versions the apps run.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..', '..')

export async function workspaceImport<T>(pkg: string, from: 'common/rest' | 'common/zrpc'): Promise<T> {
  const resolved = createRequire(join(root, from, 'package.json')).resolve(pkg)
  const mod = (await import(pathToFileURL(resolved).href)) as { default?: T } & T
  return mod.default ?? mod
}

export const PROTO = join(import.meta.dirname, 'bench.proto')
