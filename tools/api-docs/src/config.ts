import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { LogConf, parseConfig, type Static, Type } from '@looklook/conf'

/** Schema of etc/api-docs.yaml. */
export const ApiDocsConfSchema = Type.Object({
  Name: Type.String({ minLength: 1 }),
  Host: Type.String({ default: '127.0.0.1' }),
  Port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** The checkout whose process registry (scripts/registry.ts) lists the apis. */
  RepoDir: Type.String({ minLength: 1 }),
  Apis: Type.Array(Type.Object({ Name: Type.String({ minLength: 1 }), Url: Type.String({ pattern: '^https?://' }) }), { default: [] }),
  Gateway: Type.Object({
    Url: Type.String({ pattern: '^https?://' }),
    NginxConf: Type.String({ minLength: 1 }),
    AuthConf: Type.String({ minLength: 1 }),
  }),
  FetchTimeoutMs: Type.Integer({ minimum: 1, default: 2000 }),
  Log: Type.Optional(LogConf),
})

export type ApiDocsConf = Static<typeof ApiDocsConfSchema>

/** The package directory (where etc/ lives); relative paths in the config resolve against it, whatever the cwd. */
export const PACKAGE_DIR = resolve(import.meta.dirname, '..')

const fromPackage = (path: string) => (isAbsolute(path) ? path : resolve(PACKAGE_DIR, path))

/** Reads etc/api-docs.yaml (or `$CONFIG_FILE`) with `${ENV}` interpolation from `env`, paths made absolute. */
export function loadApiDocsConf(env: NodeJS.ProcessEnv = process.env): ApiDocsConf {
  const file = env.CONFIG_FILE || join(PACKAGE_DIR, 'etc', 'api-docs.yaml')
  const conf = parseConfig(ApiDocsConfSchema, readFileSync(file, 'utf8'), file, env)
  return {
    ...conf,
    RepoDir: fromPackage(conf.RepoDir),
    Gateway: { ...conf.Gateway, NginxConf: fromPackage(conf.Gateway.NginxConf), AuthConf: fromPackage(conf.Gateway.AuthConf) },
  }
}
