/**
 * Generates `app/<domain>/rpc/gen/<name>.ts` from every `app/<domain>/rpc/pb/<name>.proto`
 * (and `common/<pkg>/test/gen/` from the test protos in `common/<pkg>/test/pb/`): message
 * interfaces, one service map per service, the service's full name and the proto's URL.
 *
 *   node scripts/gen-proto.ts                  write next to the protos (commit the result)
 *   node scripts/gen-proto.ts --out-dir DIR    write the same tree under DIR (the up-to-date test)
 */
import { globSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { renderProtoTypes } from '../common/zrpc/src/codegen.ts'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** Every generated file, by its path from the repository root, with the text it must have. */
export function render(): Map<string, string> {
  const files = new Map<string, string>()
  const protos = globSync(['app/*/rpc/pb/*.proto', 'common/*/test/pb/*.proto'], { cwd: repoRoot }).sort()
  for (const proto of protos) {
    const source = proto.split('\\').join('/')
    const name = source
      .split('/')
      .pop()!
      .replace(/\.proto$/, '')
    files.set(`${dirname(dirname(source))}/gen/${name}.ts`, renderProtoTypes(join(repoRoot, source), source))
  }
  return files
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } })
  const outDir = resolve(values['out-dir'] ?? repoRoot)
  for (const [path, text] of render()) {
    const target = join(outDir, path)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, text)
    console.log(`wrote ${relative(process.cwd(), target)}`)
  }
}
