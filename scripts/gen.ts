/**
 * `./looklook gen`: regenerates every generated file from its source, goctl style.
 *
 *   node scripts/gen.ts            write what is out of date, name each file written
 *   node scripts/gen.ts --check    write nothing; name the stale files and exit 1 (run by ./looklook test)
 *   node scripts/gen.ts NAME…      only the named generators (each generator's own script runs its one)
 *
 * Generators, each a module exporting `render(): Map<path, text>` (paths from the repository root):
 *   proto   app/<domain>/rpc/pb/*.proto → app/<domain>/rpc/gen/*.ts (scripts/gen-proto.ts)
 *   deploy  app etc yaml, deploy/nginx/templates → compose, Kubernetes, Prometheus, Jenkins choices,
 *           the local and container gateway confs (scripts/gen-deploy.ts)
 *   http    every api's OpenAPI document → deploy/http/*.http, the request collection (scripts/gen-http.ts)
 *   model   deploy/sql/*.sql → app/<domain>/model/src/gen/<table>.ts, columns, keys and row type (scripts/gen-model.ts)
 *   web     the gateway's merged OpenAPI document → web/src/api/gen/gateway.ts, the web app's api types (scripts/gen-web.ts)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { leftovers as deployLeftovers, render as renderDeploy } from './gen-deploy.ts'
import { leftovers as httpLeftovers, render as renderHttp } from './gen-http.ts'
import { leftovers as modelLeftovers, render as renderModel } from './gen-model.ts'
import { render as renderProto } from './gen-proto.ts'
import { render as renderWeb } from './gen-web.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

interface Generator {
  name: string
  render(): Map<string, string> | Promise<Map<string, string>>
  /** Generated files or folders no source renders any more (named, never deleted). */
  leftovers?(files: Map<string, string>): string[]
}

export const generators: Generator[] = [
  { name: 'proto', render: renderProto },
  { name: 'deploy', render: () => renderDeploy(), leftovers: (files) => deployLeftovers(files) },
  { name: 'http', render: () => renderHttp(), leftovers: (files) => httpLeftovers(files) },
  { name: 'model', render: () => renderModel(), leftovers: (files) => modelLeftovers(files) },
  { name: 'web', render: () => renderWeb() },
]

/** The files of the named generators (all by default) that differ from what is on disk (missing ones included), and the leftovers. */
export async function staleFiles(names?: readonly string[]): Promise<{ stale: Map<string, string>; leftover: string[] }> {
  const stale = new Map<string, string>()
  const leftover: string[] = []
  for (const gen of generators) {
    if (names && !names.includes(gen.name)) continue
    const files = await gen.render()
    for (const [path, text] of files) {
      const target = join(root, path)
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) stale.set(path, text)
    }
    leftover.push(...(gen.leftovers?.(files) ?? []))
  }
  return { stale, leftover }
}

/** Writes what is stale (or with `check`, only names it); the process exit code: 1 when `check` found something. */
export async function runGenerators(names: readonly string[] | undefined, check: boolean): Promise<number> {
  const unknown = (names ?? []).filter((n) => !generators.some((g) => g.name === n))
  if (unknown.length > 0) {
    console.error(`no generator ${unknown.join(', ')} (generators: ${generators.map((g) => g.name).join(', ')})`)
    return 2
  }
  const { stale, leftover } = await staleFiles(names)
  const ran = names && names.length > 0 ? names : generators.map((g) => g.name)
  if (check) {
    if (stale.size > 0 || leftover.length > 0) {
      console.error(`out of date (run ./looklook gen):\n  ${[...stale.keys(), ...leftover].join('\n  ')}`)
      return 1
    }
    console.log(`generated files up to date (${ran.join(', ')})`)
    return 0
  }
  for (const [path, text] of stale) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
    console.log(`wrote ${path}`)
  }
  for (const item of leftover) console.log(`left over: ${item}`)
  if (stale.size === 0) console.log('generated files up to date')
  return 0
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    console.log(
      `usage: ./looklook gen [--check] [NAME...]\n\n  regenerates every generated file (or those of the named generators: ${generators.map((g) => g.name).join(', ')});\n  --check writes nothing and fails when one is stale`,
    )
    process.exit(0)
  }
  process.exitCode = await runGenerators(positionals.length > 0 ? positionals : undefined, values.check)
}
