// `./looklook k8s down` gives the machine back as it found it, and `k8s up` brings the project back. Runs
// last of test/k8s (the runner takes the files in name order): the cluster it leaves is the one up made.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { before, test } from 'node:test'
import { GATEWAY, ok, requireProject, root, sh } from './project.ts'

before(requireProject, { timeout: 60_000 })

const HOST_SETTINGS = join(root, 'data/k8s/host-settings')
const K8S_DIR = join(root, 'data/k8s')
const STORE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'looklook/k8s')

function sysctl(key: string): string {
  return readFileSync(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8').trim()
}

/** What of the cluster is on the host right now; every entry empty means nothing. */
async function leftovers(): Promise<Record<string, string[]>> {
  const links = ok(await sh('ip', ['-o', 'link', 'show']), 'ip link')
  const rules = [ok(await sh('iptables-save', []), 'iptables-save'), (await sh('ip6tables-save', [])).stdout].join('\n')
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(K8S_DIR) || m.startsWith(STORE) || m.startsWith('/run/netns/cni-'))
  const cgroups = readdirSync('/sys/fs/cgroup').filter((c) => existsSync(join('/sys/fs/cgroup', c, 'kubepods')))
  const pids = readdirSync(join(root, 'data/run'))
    .filter((f) => f.startsWith('k8s-') && f.endsWith('.pid'))
    .map((f) => f.replace(/\.pid$/, ''))
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('cni-')) : []
  return {
    bridge: links.split('\n').filter((l) => /: looklook0[:@]/.test(l)),
    rules: rules.split('\n').filter((l) => /KUBE-|LOOKLOOK-K8S/.test(l)),
    mounts,
    cgroups,
    pids,
    netns,
  }
}

test('down leaves nothing behind and restores the host settings; up brings the project back', { timeout: 1_500_000 }, async () => {
  // What the machine had before the cluster first came up, as up recorded it.
  const before = new Map(
    readFileSync(HOST_SETTINGS, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  )
  assert.ok(before.has('vm.overcommit_memory') && before.has('net.ipv4.conf.all.route_localnet'), [...before.keys()].join(', '))
  assert.notDeepEqual(Object.values(await leftovers()).flat(), [], 'a running cluster shows on the host (the checks below can fail)')

  ok(await sh(join(root, 'looklook'), ['k8s', 'down'], { timeoutMs: 300_000 }), 'k8s down')
  const left = await leftovers()
  for (const [what, found] of Object.entries(left)) assert.deepEqual(found, [], `${what} left behind`)
  const docker = (await sh('/usr/bin/docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 })).code === 0
  for (const [key, value] of before) {
    // A Docker engine forwards too: ip_forward stays on while it runs.
    if (key === 'net.ipv4.ip_forward' && docker) continue
    if (!existsSync(`/proc/sys/${key.replaceAll('.', '/')}`)) continue
    assert.equal(sysctl(key), value, key)
  }
  assert.equal(existsSync(HOST_SETTINGS), false)
  const gone = await fetch(`${GATEWAY}/healthz`, { signal: AbortSignal.timeout(3000) }).catch((err: Error) => err)
  assert.ok(gone instanceof Error, 'the gateway NodePort is gone')

  ok(await sh(join(root, 'looklook'), ['k8s', 'up'], { timeoutMs: 1_200_000 }), 'k8s up')
  await requireProject()
  const res = await fetch(`${GATEWAY}/travel/v1/homestay/homestayDetail`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1 }),
    signal: AbortSignal.timeout(10_000),
  })
  assert.equal(res.status, 200, await res.text())
})
