/**
 * Where the documents and the gateway's rules come from: the process registry's apis (or an explicit
 * list), the gateway's nginx config and identity-api's NoAuthUrls. Read on every request, so an api
 * added or a rule changed shows up without restarting this process.
 */
import { readFile } from 'node:fs/promises'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'
import { discover } from '../../../scripts/registry.ts'
import type { ApiDocsConf } from './config.ts'

/** Path of every api's document on its own port (common/rest `OPENAPI_PATH`). */
export const DOCUMENT_PATH = '/openapi.json'

export interface ApiSource {
  name: string
  /** The document as the api itself serves it. */
  url: string
}

/** A prefix `location` of the gateway and whether it proxies to an api. */
export interface GatewayLocation {
  prefix: string
  proxied: boolean
}

export interface GatewayRules {
  /** nginx's prefix locations, e.g. `/usercenter/` (proxied) and `/` (the JSON 404). */
  locations: GatewayLocation[]
  /** identity-api's NoAuthUrls: exact paths, or prefixes ending in '/'. */
  noAuthUrls: string[]
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

async function readYaml(path: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  return asRecord(parse(interpolate(await readFile(path, 'utf8'), env, path)))
}

/**
 * The apis to document: `Apis` when listed, else the api processes the registry (scripts/registry.ts)
 * finds in `RepoDir`, by name, each reached where its etc yaml says it listens.
 */
export async function discoverApis(conf: ApiDocsConf, env: NodeJS.ProcessEnv = process.env): Promise<ApiSource[]> {
  if (conf.Apis.length > 0) return conf.Apis.map((a) => ({ name: a.Name, url: a.Url }))
  return discover({ root: conf.RepoDir, env })
    .filter((p) => p.kind === 'api' && p.port !== undefined)
    .map((p) => ({ name: p.name, url: `http://${p.host}:${p.port}${DOCUMENT_PATH}` }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * The prefix locations of an nginx config, `location /x/ { … }`, and whether each has a proxy_pass.
 * Exact (`=`), regex (`~`) and named (`@`) locations are not api routes: the gateway has none. A
 * location's body may hold one level of nested blocks (the anonymous shortcut's `if (…) { rewrite … }`);
 * `internal` locations are left out.
 */
export function gatewayLocations(nginxConf: string): GatewayLocation[] {
  const withoutComments = nginxConf.replace(/#[^\n]*/g, '')
  return (
    [...withoutComments.matchAll(/location\s+(\/\S*)\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g)]
      // An `internal` location (the anonymous shortcut's target) is reached only by the gateway's own rewrites.
      .filter((m) => !/\binternal\s*;/.test(m[2] ?? ''))
      .map((m) => ({
        prefix: m[1] ?? '',
        proxied: /\bproxy_pass\b/.test(m[2] ?? ''),
      }))
  )
}

/** Reads the gateway's rules from its nginx config and identity-api's config. */
export async function readGatewayRules(conf: ApiDocsConf, env: NodeJS.ProcessEnv = process.env): Promise<GatewayRules> {
  const auth = await readYaml(conf.Gateway.AuthConf, env)
  const noAuthUrls = Array.isArray(auth.NoAuthUrls) ? auth.NoAuthUrls.filter((u): u is string => typeof u === 'string') : []
  return { locations: gatewayLocations(await readFile(conf.Gateway.NginxConf, 'utf8')), noAuthUrls }
}

/** Whether nginx proxies this path to an api: its longest matching prefix location has a proxy_pass. */
export function isRouted(rules: GatewayRules, path: string): boolean {
  let best: GatewayLocation | undefined
  for (const loc of rules.locations) {
    if (path.startsWith(loc.prefix) && loc.prefix.length > (best?.prefix.length ?? -1)) best = loc
  }
  return best?.proxied ?? false
}

/** identity-api's rule (app/identity/api/src/logic/verify-token.ts `isPublicPath`): an exact entry, or under one ending in '/'. */
export function isPublic(rules: GatewayRules, path: string): boolean {
  return rules.noAuthUrls.some((u) => (u.endsWith('/') ? path.startsWith(u) : path === u))
}
