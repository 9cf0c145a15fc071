// A scratch copy of the repository for tests that change files: the tracked and new (not ignored) files,
// each package's node_modules copied as the symlinks pnpm made (so workspace packages resolve inside the
// copy), and the root node_modules as a link to this checkout's.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '../..')

export interface Scratch {
  dir: string
  remove(): void
}

/**
 * A scratch copy of this checkout. With `{ modules: false }` it gets no node_modules at all, for a test
 * that installs them itself (`pnpm install --offline` from the machine's store).
 */
export function scratchCopy(prefix = 'looklook-scratch-', opts: { modules?: boolean } = {}): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(repoRoot, file), join(dir, file), { verbatimSymlinks: true, errorOnExist: false, force: true })
  }
  if (opts.modules === false) return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
  const packages = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '**/package.json'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && f !== 'package.json')
  for (const manifest of packages) {
    const modules = join(dirname(manifest), 'node_modules')
    try {
      cpSync(join(repoRoot, modules), join(dir, modules), { recursive: true, verbatimSymlinks: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
