// Adding a column, in a scratch copy: the DDL and the proto message are the only edits. `./looklook gen`
// rewrites the generated model and proto types, and travel-rpc's mapping carries the new column into
// its answer with no hand-written file touched. Until the DDL has the column, the mapping does not compile.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type Scratch, scratchCopy } from './scratch.ts'

const DDL = 'deploy/sql/020-travel.sql'
const PROTO = 'app/travel/rpc/pb/travel.proto'
const MODEL = 'app/travel/model/src/gen/homestay.ts'
const PROTO_TYPES = 'app/travel/rpc/gen/travel.ts'
/** The in-cluster MariaDB's schema Job carries a copy of the DDL (scripts/gen-deploy.ts). */
const DDL_COPY = 'deploy/k8s/components/mariadb/sql/1-020-travel.sql'

/** Content hash of every file of the copy (dependencies aside), by path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) out.set(relative(dir, path), createHash('sha1').update(readFileSync(path)).digest('hex'))
    }
  }
  walk(dir)
  return out
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()])
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort()
}

describe('a column added to the DDL reaches the rpc answer', () => {
  let scratch: Scratch
  let original: Map<string, string>
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, args, { cwd: scratch.dir, encoding: 'utf8' })
    return { status: r.status, out: `${r.stdout}${r.stderr}` }
  }
  const edit = (path: string, from: string | RegExp, to: string) => {
    const file = join(scratch.dir, path)
    const text = readFileSync(file, 'utf8')
    const next = text.replace(from, to)
    assert.notEqual(next, text, `${path} has ${String(from)}`)
    writeFileSync(file, next)
  }
  // The travel domain's sources (and, through their imports, what they use), checked by tsc in the copy.
  const tsc = () => run([join(scratch.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.column.json'])

  before(() => {
    scratch = scratchCopy('looklook-column-')
    // Start from a tree where every generated file is fresh, so only this test's edits show below.
    assert.equal(run(['scripts/gen.ts']).status, 0)
    writeFileSync(
      join(scratch.dir, 'tsconfig.column.json'),
      JSON.stringify({ extends: './tsconfig.base.json', include: ['app/travel/*/src/**/*.ts'] }),
    )
    original = snapshot(scratch.dir)
  })
  after(() => scratch.remove())

  test('a proto field without its column does not compile: the mapping names the field the row lacks', () => {
    edit(PROTO, /( {2}int64 marketHomestayPrice = 14;\n)/, '$1  int64 checkInHour = 15;\n')
    const gen = run(['scripts/gen.ts'])
    assert.equal(gen.status, 0, gen.out)
    assert.match(readFileSync(join(scratch.dir, PROTO_TYPES), 'utf8'), /checkInHour: number/)
    const check = tsc()
    assert.notEqual(check.status, 0, check.out)
    assert.match(check.out, /app\/travel\/rpc\/src\/logic\/to-pb\.ts[\s\S]*checkInHour/)
  })

  test("with the column in the DDL, gen writes the model and the schema Job's copy, and nothing hand-written changes", () => {
    edit(
      DDL,
      /( {2}`market_homestay_price` bigint NOT NULL DEFAULT '0' COMMENT 'fen',\n)/,
      "$1  `check_in_hour` tinyint NOT NULL DEFAULT '14' COMMENT 'earliest check-in hour',\n",
    )
    const gen = run(['scripts/gen.ts'])
    assert.equal(gen.status, 0, gen.out)
    assert.match(gen.out, new RegExp(`wrote ${MODEL.replaceAll('.', '\\.')}`))
    assert.match(readFileSync(join(scratch.dir, MODEL), 'utf8'), /\/\*\* earliest check-in hour \*\/\n {4}checkInHour: 'int',\n/)
    assert.deepEqual(changed(original, snapshot(scratch.dir)), [DDL, DDL_COPY, PROTO, PROTO_TYPES, MODEL].sort())
    assert.equal(run(['scripts/gen.ts', '--check']).status, 0)
  })

  test('the copy compiles, and its travel-rpc mapping puts the column into the message', () => {
    const check = tsc()
    assert.equal(check.status, 0, check.out)
    const toPb = join(scratch.dir, 'app/travel/rpc/src/logic/to-pb.ts')
    const table = join(scratch.dir, MODEL)
    const script = `
      const { toPbHomestay } = await import(${JSON.stringify(toPb)})
      const { homestayTable } = await import(${JSON.stringify(table)})
      const row = Object.fromEntries([...homestayTable.kinds].map(([name, kind]) =>
        [name, kind === 'date' ? new Date(0) : kind === 'string' ? name : 1]))
      row.checkInHour = 15
      console.log(JSON.stringify({ kinds: [...homestayTable.kinds.keys()], message: toPbHomestay(row) }))`
    const r = run(['--input-type=module', '-e', script])
    assert.equal(r.status, 0, r.out)
    const { kinds, message } = JSON.parse(r.out) as { kinds: string[]; message: Record<string, unknown> }
    assert.equal(kinds.at(-1), 'checkInHour')
    assert.equal(message.checkInHour, 15)
    assert.equal(message.title, 'title')
    assert.equal('createTime' in message, false)
  })
})
