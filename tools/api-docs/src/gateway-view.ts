/**
 * An api's document as clients see it through the gateway: the gateway as its server, only the
 * routes nginx proxies, and per route whether a token is required (identity-api's rule) — which the
 * api itself cannot know, so its own document leaves the token optional everywhere.
 */
import type { OpenAPIV3_1 } from 'openapi-types'
import { type GatewayRules, isPublic, isRouted } from './sources.ts'

type Document = OpenAPIV3_1.Document
type Operation = OpenAPIV3_1.OperationObject

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** Name of the bearer scheme the apis declare (common/rest `SECURITY_SCHEME`). */
const SCHEME = 'jwt'

const unauthorized = {
  description: 'The gateway refused the token (missing where required, or invalid, expired or revoked): code 100003',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { code: { type: 'integer', const: 100003 }, msg: { type: 'string' } },
        required: ['code', 'msg'],
      },
    },
  },
} satisfies OpenAPIV3_1.ResponseObject

export interface GatewayView {
  doc: Document
  /** Operations in the api's own document. */
  total: number
  /** Operations reachable through the gateway (the ones `doc` keeps). */
  routed: number
  /** `METHOD path` of the operations the gateway does not route (e.g. identity-api's verify route, nginx's auth_request target). */
  internal: string[]
}

function operationsOf(doc: Document): { path: string; method: (typeof METHODS)[number]; op: Operation }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item?.[method]
      return op ? [{ path, method, op }] : []
    }),
  )
}

/** Rewrites an api's document (a copy) into its gateway view. */
export function gatewayView(source: Document, rules: GatewayRules, gatewayUrl: string): GatewayView {
  const doc = structuredClone(source)
  const all = operationsOf(doc)
  const internal: string[] = []
  for (const { path, method, op } of all) {
    if (!isRouted(rules, path)) {
      internal.push(`${method.toUpperCase()} ${path}`)
      const item = doc.paths?.[path]
      if (item) delete item[method]
      continue
    }
    // A public route passes without a token, but one that is sent must be valid (doc/auth.md, The verify rule).
    op.security = isPublic(rules, path) ? [{}, { [SCHEME]: [] }] : [{ [SCHEME]: [] }]
    op.responses = { ...op.responses, 401: unauthorized }
  }
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (item && METHODS.every((m) => item[m] === undefined)) delete doc.paths?.[path]
  }
  doc.servers = [{ url: gatewayUrl, description: 'the nginx gateway' }]
  doc.info = {
    ...doc.info,
    description: `${doc.info.description ?? ''}\n\nShown as the gateway at ${gatewayUrl} exposes it${
      internal.length > 0 ? `; left out, as the gateway does not route them: ${internal.map((o) => `\`${o}\``).join(', ')}` : ''
    }.`,
  }
  return { doc, total: all.length, routed: all.length - internal.length, internal }
}

/** Every api's gateway view in one document: the whole HTTP surface of the gateway (for client generators). */
export function mergeViews(views: readonly Document[], gatewayUrl: string): Document {
  const merged: Document = {
    openapi: '3.1.0',
    info: {
      title: 'looklook gateway',
      version: 'v1',
      description: `Every api behind the nginx gateway at ${gatewayUrl}, merged from their own documents.`,
    },
    servers: [{ url: gatewayUrl, description: 'the nginx gateway' }],
    paths: {},
    components: { securitySchemes: {}, schemas: {} },
    tags: [],
  }
  const tags = new Set<string>()
  for (const view of views) {
    Object.assign(merged.paths ?? {}, view.paths)
    Object.assign(merged.components?.securitySchemes ?? {}, view.components?.securitySchemes)
    Object.assign(merged.components?.schemas ?? {}, view.components?.schemas)
    for (const { op } of operationsOf(view)) for (const tag of op.tags ?? []) tags.add(tag)
  }
  merged.tags = [...tags].map((name) => ({ name }))
  return merged
}
