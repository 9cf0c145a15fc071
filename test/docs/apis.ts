// The apis of this checkout, as the process registry lists them (tools/api-docs reads the same), for the docs tests.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'
import { discover } from '../../scripts/registry.ts'

export const ROOT = join(import.meta.dirname, '..', '..')

export interface ApiProcess {
  name: string
  /** app/<domain>/api */
  dir: string
  /** http://host:port of the running api. */
  base: string
}

export function apiProcesses(): ApiProcess[] {
  return discover({ root: ROOT, env: process.env })
    .filter((p) => p.kind === 'api')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => ({ name: p.name, dir: join(ROOT, p.dir), base: `http://${p.host}:${p.port}` }))
}

/** The api-docs page, as its own config says (`./looklook up` starts it). */
export function apiDocsBase(): string {
  const conf = parse(interpolate(readFileSync(join(ROOT, 'tools', 'api-docs', 'etc', 'api-docs.yaml'), 'utf8'))) as {
    Host: string
    Port: number
  }
  return `http://${conf.Host}:${conf.Port}`
}

export interface Operation {
  operationId?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }
  responses: Record<string, unknown>
}

export interface OpenApiDoc extends Record<string, unknown> {
  openapi: string
  info: { title: string; version: string; description?: string }
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
}

/** `METHOD path` of every operation of a document, sorted. */
export function operationsOf(doc: OpenApiDoc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort()
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return { status: res.status, body: (await res.json()) as T }
}
