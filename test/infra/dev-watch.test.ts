// `./looklook dev` against the running stack: an edit of one app's etc yaml (three writes in a burst, as an
// editor saves) restarts that app once, with the environment it ran with, and it answers through the
// gateway again; every other process keeps its pid. Ctrl-C stops the watcher and leaves the stack running.
// The watcher watches travel-api and travel-rpc only (the same domain; travel-api depends on travel-rpc's
// package, not the other way round), so edits others make in a shared checkout meanwhile restart no more
// than those two; a restart the watcher reports for a file this test did not touch is allowed.
import assert from 'node:assert/strict'
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { post, waitFor } from '@looklook/testkit'
import { runningApps } from './running.ts'

const root = join(import.meta.dirname, '../..')
const _run = join(root, 'data/run')
const APP = 'travel-api'
const YAML = 'app/travel/api/etc/travel-api.yaml'
const TIMEOUT_MS = 60_000

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

async function guessListAnswers(): Promise<boolean> {
  try {
    return (await post('/travel/v1/homestay/guessList', {})).status === 200
  } catch {
    return false
  }
}

test('dev restarts the one app whose etc yaml changed, with its environment, and keeps the rest', { timeout: 4 * TIMEOUT_MS }, async () => {
  const before = runningApps()
  const victim = before.get(APP)
  assert.ok(victim, `${APP} runs`)
  assert.ok(await guessListAnswers(), `${APP} answers through the gateway before the edit`)

  // A clean environment: the restarted app must get the stack's environment from ./looklook, not the runner's.
  const watcher = spawn(join(root, 'looklook'), ['dev', APP, 'travel-rpc'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  })
  let out = ''
  watcher.stdout.on('data', (b: Buffer) => {
    out += b.toString()
  })
  watcher.stderr.on('data', (b: Buffer) => {
    out += b.toString()
  })
  // Prefixed with a newline, so it is a comment line whether or not the file ends with one.
  const marker = `\n# ./looklook dev test ${randomUUID()}`
  const path = join(root, YAML)
  try {
    assert.ok(await waitFor(async () => /^==> watching \d+ apps/m.test(out), { timeoutMs: TIMEOUT_MS, intervalMs: 100 }), out)

    for (let i = 0; i < 3; i++) await appendFile(path, marker)

    const restarted = await waitFor(
      async () => {
        const now = runningApps().get(APP)
        return now && now.pid !== victim.pid && (await guessListAnswers()) ? now : undefined
      },
      { timeoutMs: TIMEOUT_MS, intervalMs: 250 },
    )
    assert.ok(restarted, `${APP} restarted and answers through the gateway again\n${out}`)
    assert.equal(restarted.env, victim.env, `${APP} came back with the environment it ran with`)
    const after = runningApps()

    watcher.kill('SIGINT')
    const code = await Promise.race([exited(watcher), new Promise((r) => setTimeout(r, TIMEOUT_MS, 'timeout'))])
    assert.equal(code, 0, out)
    assert.match(out, /stopped watching; the stack keeps running/)
    // One restart for the burst of writes, of that app only, named with the file and the time it took.
    const lines = out.split('\n').filter((l) => l.startsWith('==> restarted '))
    const ours = lines.filter((l) => l.includes(YAML))
    assert.equal(ours.length, 1, out)
    assert.match(ours[0]!, new RegExp(`^==> restarted ${APP} in \\d+\\.\\d s \\(${YAML.replaceAll('.', '\\.')}\\)$`))
    const othersEdits = new Set(lines.filter((l) => !l.includes(YAML)).map((l) => l.split(' ')[2]))
    for (const [name, app] of before) {
      if (name !== APP && !othersEdits.has(name)) assert.deepEqual(after.get(name), app, `${name} kept its process and environment`)
    }
    if (!othersEdits.has(APP)) assert.equal(runningApps().get(APP)?.pid, restarted.pid, `${APP} keeps running after the watcher stopped`)
  } finally {
    if (watcher.exitCode === null && watcher.signalCode === null) {
      watcher.kill('SIGINT')
      await Promise.race([exited(watcher), new Promise((r) => setTimeout(r, TIMEOUT_MS))])
      if (watcher.exitCode === null) watcher.kill('SIGKILL')
    }
    // Only the lines this test added go, so an edit made meanwhile by someone else stays.
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(marker, ''))
  }
})
