// `./looklook new domain NAME` without --no-install, in a scratch copy with its own node_modules: the
// copy is installed from the machine's pnpm store (offline, the checkout's lockfile), then `new` runs
// `pnpm install --offline` itself, which adds the three new packages to pnpm-lock.yaml and links their
// workspace dependencies. The new packages depend on workspace packages only, so no registry metadata is
// needed. The domain's code compiling and its tests passing is new.test.ts's part.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { type Scratch, scratchCopy } from './scratch.ts'

const run = promisify(execFile)
const name = `ni${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`
let scratch: Scratch

async function inCopy(cmd: string, args: string[]): Promise<string> {
  try {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env
    const { stdout } = await run(cmd, args, { cwd: scratch.dir, env, timeout: 240_000, maxBuffer: 16 << 20 })
    return stdout
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    assert.fail(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

before(async () => {
  scratch = scratchCopy('looklook-new-install-', { modules: false })
  await inCopy('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter=silent'])
})

after(() => scratch?.remove())

test('new domain runs pnpm install: the lockfile gains the new packages and their workspace links resolve', {
  timeout: 300_000,
}, async () => {
  await inCopy(process.execPath, ['scripts/new.ts', 'domain', name])
  const lock = parse(readFileSync(join(scratch.dir, 'pnpm-lock.yaml'), 'utf8')) as {
    importers: Record<string, { dependencies?: Record<string, { specifier: string; version: string }> }>
  }
  for (const kind of ['api', 'rpc', 'model']) assert.ok(lock.importers[`app/${name}/${kind}`], `pnpm-lock.yaml has app/${name}/${kind}`)
  assert.deepEqual(lock.importers[`app/${name}/api`]?.dependencies?.[`@looklook/${name}-rpc`], {
    specifier: 'workspace:*',
    version: 'link:../rpc',
  })
  // The lockfile now matches every manifest: a frozen install accepts it.
  await inCopy('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter=silent'])
  assert.equal(
    realpathSync(join(scratch.dir, `app/${name}/api/node_modules/@looklook/${name}-rpc`)),
    realpathSync(join(scratch.dir, `app/${name}/rpc`)),
  )
  assert.equal(
    realpathSync(join(scratch.dir, `app/${name}/rpc/node_modules/@looklook/${name}-model`)),
    realpathSync(join(scratch.dir, `app/${name}/model`)),
  )
  await inCopy(process.execPath, ['scripts/gen.ts', '--check'])
  await inCopy(join(scratch.dir, 'node_modules/.bin/biome'), ['check', `app/${name}`])
})
