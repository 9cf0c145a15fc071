/**
 * Every reference in the repository resolves inside it: no tracked file cites a specification or
 * protocol note that is not part of the repository. Comments state the rule themselves or point at a
 * chapter under doc/, which test/docs/links.test.ts checks in turn.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT } from './apis.ts'

// Spelled in pieces so this file does not match itself; it is still checked like every other file.
const OUTSIDE_DOCUMENTS = [['SPEC', ' §'].join(''), ['SPEC', '.md'].join(''), ['WECHAT', '-NOTES'].join(''), ['INFRA', '-NOTES'].join('')]

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return out.split('\0').filter((f) => f !== '')
}

/** `file:line: text` of every line naming one of the outside documents. */
function citations(files: readonly string[]): string[] {
  const found: string[] = []
  for (const file of files) {
    const path = join(ROOT, file)
    // A file deleted in the working tree but still in the index has nothing left to cite.
    if (!existsSync(path) || !statSync(path).isFile()) continue
    const bytes = readFileSync(path)
    if (bytes.includes(0)) continue
    const lines = bytes.toString('utf8').split('\n')
    lines.forEach((line, i) => {
      if (OUTSIDE_DOCUMENTS.some((name) => line.includes(name))) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`)
    })
  }
  return found
}

test('the check sees the repository and would catch a citation', () => {
  const files = trackedFiles()
  assert.ok(files.includes('doc/README.md') && files.includes('package.json'), 'git ls-files lists the repository')
  // Each name is caught on its own, so a typo in the list cannot blind the check.
  for (const name of OUTSIDE_DOCUMENTS) assert.equal(OUTSIDE_DOCUMENTS.filter((n) => `see ${name} 3`.includes(n)).length, 1, name)
})

test('no tracked file cites a document outside the repository', () => {
  assert.deepEqual(citations(trackedFiles()), [], 'state the rule in the comment, or point at a chapter under doc/')
})
