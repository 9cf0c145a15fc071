/**
 * The chapters under doc/ point at real things: every relative link resolves (anchors included),
 * every backticked repository path exists, and the index links every chapter.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { test } from 'node:test'
import { ROOT } from './apis.ts'

const DOC = join(ROOT, 'doc')
const chapters = readdirSync(DOC)
  .filter((f) => f.endsWith('.md'))
  .sort()

/** Prose only: fenced code blocks hold commands and output, not references. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, '')
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>()
  const counts = new Map<string, number>()
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (m[1] ?? '')
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = counts.get(slug) ?? 0
    counts.set(slug, n + 1)
    anchors.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return anchors
}

// Where repository paths start; anything else in backticks (commands, keys, routes) is not a path.
const REPO_PATH =
  /^(app|common|tools|deploy|doc|scripts|test|\.ci)\/|^(README\.md|looklook|Dockerfile|Jenkinsfile|docker-compose(-env)?\.yml|package\.json|biome\.json|tsconfig\.json|pnpm-workspace\.yaml)$/

test('doc/ has the chapters of the project', () => {
  for (const name of [
    'README.md',
    'architecture.md',
    'gateway.md',
    'auth.md',
    'framework.md',
    'usercenter.md',
    'travel.md',
    'order.md',
    'payment.md',
    'queues.md',
    'errors.md',
    'api-docs.md',
  ]) {
    assert.ok(chapters.includes(name), `doc/${name} is missing`)
  }
})

test('the index links every chapter', () => {
  const index = readFileSync(join(DOC, 'README.md'), 'utf8')
  for (const chapter of chapters.filter((c) => c !== 'README.md')) {
    assert.ok(index.includes(`](${chapter})`), `doc/README.md does not link ${chapter}`)
  }
})

for (const chapter of chapters) {
  test(`doc/${chapter}: relative links and backticked paths exist`, () => {
    const file = join(DOC, chapter)
    const text = prose(readFileSync(file, 'utf8'))
    const broken: string[] = []
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] ?? ''
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const [path = '', anchor] = target.split('#')
      const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path))
      if (!existsSync(resolved)) broken.push(`link ${target}`)
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`anchor ${target}`)
    }
    for (const m of text.matchAll(/`([^`\n]+)`/g)) {
      const code = (m[1] ?? '').replace(/:\d+$/, '')
      if (!REPO_PATH.test(code) || /[<>*{}$…\s]/.test(code)) continue
      if (!existsSync(join(ROOT, code))) broken.push(`path ${code}`)
    }
    assert.deepEqual(broken, [], `${relative(ROOT, file)} points at what does not exist`)
  })
}
