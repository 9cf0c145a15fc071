// `./looklook gen` in a scratch copy: --check passes on the repository as committed, fails naming a
// generated file edited by hand or a proto whose generated types were not refreshed, and `gen` repairs both.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type Scratch, scratchCopy } from './scratch.ts'

function gen(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(dir, 'scripts/gen.ts'), ...args], { cwd: dir, encoding: 'utf8' })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

describe('./looklook gen', () => {
  let scratch: Scratch
  before(() => {
    scratch = scratchCopy('looklook-gen-')
  })
  after(() => scratch.remove())

  test('--check passes when every generated file matches its source', () => {
    const r = gen(scratch.dir, '--check')
    assert.equal(r.status, 0, r.out)
    assert.match(r.out, /up to date \(proto, deploy, http, model, web\)/)
  })

  test('a hand-edited generated file fails --check by name; gen rewrites it', () => {
    const conf = 'deploy/nginx/conf.d/looklook-gateway.conf'
    const original = readFileSync(join(scratch.dir, conf), 'utf8')
    appendFileSync(join(scratch.dir, conf), '# edited by hand\n')
    const check = gen(scratch.dir, '--check')
    assert.equal(check.status, 1, check.out)
    assert.match(check.out, new RegExp(`out of date[\\s\\S]*${conf.replaceAll('.', '\\.')}`))
    const write = gen(scratch.dir)
    assert.equal(write.status, 0, write.out)
    assert.match(write.out, new RegExp(`wrote ${conf.replaceAll('.', '\\.')}`))
    assert.equal(readFileSync(join(scratch.dir, conf), 'utf8'), original)
    assert.equal(gen(scratch.dir, '--check').status, 0)
  })

  test('a proto field without regenerated types fails --check; gen adds it to the types', () => {
    const proto = join(scratch.dir, 'app/travel/rpc/pb/travel.proto')
    const text = readFileSync(proto, 'utf8')
    const edited = text.replace(/message HomestayDetailReq \{\n/, 'message HomestayDetailReq {\n  int64 scratchField = 99;\n')
    assert.notEqual(edited, text, 'the proto has a HomestayDetailReq message')
    writeFileSync(proto, edited)
    const check = gen(scratch.dir, '--check')
    assert.equal(check.status, 1, check.out)
    assert.match(check.out, /app\/travel\/rpc\/gen\/travel\.ts/)
    assert.equal(gen(scratch.dir).status, 0)
    assert.match(readFileSync(join(scratch.dir, 'app/travel/rpc/gen/travel.ts'), 'utf8'), /scratchField: number/)
  })
})
