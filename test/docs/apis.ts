// The apis of this checkout, found the way tools/api-docs finds them (app/*/api/etc/*.yaml), for the docs tests.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { interpolate } from '@looklook/conf'
import { parse } from 'yaml'

export const ROOT = join(import.meta.dirname, '..', '..')

export interface ApiProcess {
  name: string
  /** app/<domain>/api */
  dir: string
  /** http://host:port of the running api. */
  base: string
}

export function apiProcesses(): ApiProcess[] {
  const apps = join(ROOT, 'app')
  return readdirSync(apps)
    .filter((domain) => existsSync(join(apps, domain, 'api', 'src', 'main.ts')))
    .sort()
    .flatMap((domain) => {
      const dir = join(apps, domain, 'api')
      const file = readdirSync(join(dir, 'etc')).find((f) => /\.ya?ml$/.test(f))
      if (file === undefined) return []
      const conf = parse(interpolate(readFileSync(join(dir, 'etc', file), 'utf8'))) as { Name: string; Host: string; Port: number }
      return [{ name: conf.Name, dir, base: `http://${conf.Host}:${conf.Port}` }]
    })
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
