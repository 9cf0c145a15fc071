/**
 * `./looklook new`: writes new code in the layout every domain follows (doc/adding-code.md), goctl
 * style, from the templates in scripts/templates/ (`{{name}}` placeholders; `--home DIR` replaces a
 * template by the file of the same relative path in DIR). Ports come from the process registry
 * (scripts/registry.ts), so nothing asks for them. After writing, `new` runs the generators
 * (scripts/gen.ts) and biome on what it wrote, so the result compiles and passes lint at once.
 *
 *   node scripts/new.ts domain NAME [--no-install]   app/NAME/{api,rpc,model}, its SQL, etc yamls, tests
 *   node scripts/new.ts route DOMAIN GROUP NAME [--auth]
 *   node scripts/new.ts rpc DOMAIN METHOD
 *   node scripts/new.ts job DOMAIN NAME
 *   node scripts/new.ts consumer DOMAIN TOPIC
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { discover, nextDomainNumber, PUBLIC_ROUTES_FILE, portsOf, publicRoutes } from './registry.ts'

const root = join(import.meta.dirname, '..')
const TEMPLATES = join(import.meta.dirname, 'templates')

type Vars = Record<string, string>

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message)
}

// ---- names ---------------------------------------------------------------------------------------

const pascal = (s: string) =>
  s
    .split(/[-_]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
const camel = (s: string) => {
  const p = pascal(s)
  return p[0]!.toLowerCase() + p.slice(1)
}
/** `createItem` → `create-item`, the file name of a method or route. */
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

const DOMAIN = /^[a-z][a-z0-9]{1,19}$/
const GROUP = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const METHOD = /^[a-z][a-zA-Z0-9]{1,40}$/
const TOPIC = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

function checkName(what: string, value: string | undefined, pattern: RegExp, example: string): string {
  if (value === undefined) fail(`missing ${what} (e.g. ${example})`)
  if (!pattern.test(value)) fail(`${what} "${value}" must look like ${example} (${pattern.source})`)
  return value
}

function domainDir(domain: string): string {
  const dir = join(root, 'app', domain)
  if (!existsSync(dir)) fail(`no domain app/${domain}`)
  return dir
}

// ---- templates -----------------------------------------------------------------------------------

let home: string | undefined

/** A template's text: DIR/<path> when `--home DIR` has it, else scripts/templates/<path>. */
function template(path: string): string {
  const own = home === undefined ? undefined : join(home, path)
  return readFileSync(own !== undefined && existsSync(own) ? own : join(TEMPLATES, path), 'utf8')
}

/** Replaces every `{{key}}`; a key without a value is an error (a template that needs more than `new` knows). */
export function fill(source: string, text: string, vars: Vars): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = vars[key]
    if (v === undefined) throw new Error(`${source}: no value for {{${key}}}`)
    return v
  })
}

function templateFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(TEMPLATES, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (path.endsWith('.tpl')) out.push(path)
    }
  }
  walk(dir)
  return out.sort()
}

const written: string[] = []

function writeNew(path: string, text: string): void {
  const target = join(root, path)
  if (existsSync(target)) fail(`${path} exists already`)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, text)
  written.push(path)
}

function rewrite(path: string, change: (text: string) => string): void {
  const target = join(root, path)
  const before = readFileSync(target, 'utf8')
  const after = change(before)
  if (after === before) return
  writeFileSync(target, after)
  if (!written.includes(path)) written.push(path)
}

// ---- edits of hand-written files ---------------------------------------------------------------

/** Adds `route` to identity-api's NoAuthUrls (the list the gateway's verifier reads), after the last entry. */
function addPublicRoute(route: string): void {
  if (publicRoutes(root).some((u) => (u.endsWith('/') ? route.startsWith(u) : route === u))) return
  rewrite(PUBLIC_ROUTES_FILE, (text) => {
    const lines = text.split('\n')
    const start = lines.findIndex((l) => /^NoAuthUrls:\s*$/.test(l))
    if (start < 0) fail(`${PUBLIC_ROUTES_FILE}: no NoAuthUrls list`)
    let end = start + 1
    while (end < lines.length && /^\s+- /.test(lines[end]!)) end++
    lines.splice(end, 0, `  - ${route}`)
    return lines.join('\n')
  })
}

/** Inserts `lines` after the last line matching `after` (or fails naming the file). */
function insertAfterLast(path: string, after: RegExp, lines: string[]): void {
  rewrite(path, (text) => {
    const all = text.split('\n')
    const at = all.findLastIndex((l) => after.test(l))
    if (at < 0) fail(`${path}: no line matching ${after}`)
    all.splice(at + 1, 0, ...lines)
    return all.join('\n')
  })
}

/**
 * Imports `names` from `module`: into the file's import of that module when it has one (a type-only
 * name as `type X` there), else as a new import after the last one (biome sorts them afterwards).
 */
function addImport(text: string, module: string, names: string[], typeOnly = false): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const existing = new RegExp(`^import (type )?\\{([^}]*)\\} from '${escaped}'$`, 'm').exec(text)
  if (existing) {
    const typeImport = existing[1] !== undefined
    const specifiers = existing[2]!
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
    const bare = new Set(specifiers.map((n) => n.replace(/^type /, '')))
    // A value name added to a type-only import makes it a value import with each old name marked `type`.
    const merged = typeImport && !typeOnly ? specifiers.map((n) => `type ${n}`) : specifiers
    for (const n of names) if (!bare.has(n)) merged.push(typeOnly && !typeImport ? `type ${n}` : n)
    const keyword = typeImport && typeOnly ? 'import type' : 'import'
    const statement = `${keyword} { ${merged.join(', ')} } from '${module}'`
    return `${text.slice(0, existing.index)}${statement}${text.slice(existing.index + existing[0].length)}`
  }
  const lines = text.split('\n')
  let last = -1
  for (let i = 0; i < lines.length; i++) {
    if (!/^import /.test(lines[i]!)) continue
    last = i
    while (!/from '[^']+'$/.test(lines[last]!) && last < lines.length - 1) last++
    i = last
  }
  lines.splice(last + 1, 0, `import ${typeOnly ? 'type ' : ''}{ ${names.join(', ')} } from '${module}'`)
  return lines.join('\n')
}

// ---- after writing -------------------------------------------------------------------------------

function tool(name: string): string {
  const local = join(root, 'node_modules', '.bin', name)
  return existsSync(local) ? local : name
}

/**
 * Links the node_modules of new workspace packages the way pnpm does, for a tree whose installed
 * node_modules must not change (a scratch copy sharing them): workspace dependencies point at their
 * folder, others at the link a sibling package already has.
 */
function linkPackages(dirs: string[]): void {
  const packages = new Map<string, string>()
  for (const manifest of [
    ...readdirSync(join(root, 'common')).map((d) => `common/${d}`),
    ...readdirSync(join(root, 'tools')).map((d) => `tools/${d}`),
    ...readdirSync(join(root, 'app')).flatMap((d) => readdirSync(join(root, 'app', d)).map((k) => `app/${d}/${k}`)),
  ]) {
    const file = join(root, manifest, 'package.json')
    if (existsSync(file)) packages.set((JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name, join(root, manifest))
  }
  const siblingLink = (dep: string): string | undefined => {
    for (const dir of packages.values()) {
      const link = join(dir, 'node_modules', dep)
      try {
        return join(dirname(link), readlinkSync(link))
      } catch {
        // not a dependency of this package
      }
    }
    return undefined
  }
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      devDependencies?: Record<string, string>
    }
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
      const target = packages.get(dep) ?? siblingLink(dep)
      if (target === undefined) fail(`cannot link ${dep} for ${dir}: no package has it installed (run pnpm install)`)
      const link = join(root, dir, 'node_modules', dep)
      mkdirSync(dirname(link), { recursive: true })
      if (!existsSync(link)) symlinkSync(relative(dirname(link), target), link)
    }
  }
}

async function finish(opts: { install?: 'pnpm' | 'link'; packages?: string[] } = {}): Promise<void> {
  if (opts.install === 'pnpm') {
    // --prefer-offline, not --offline: a non-frozen install re-resolves peers (@types/node), whose metadata a
    // machine that only ever installed from the frozen lockfile has not fetched; the packages come from the store.
    execFileSync('pnpm', ['install', '--prefer-offline', '--frozen-lockfile=false', '--reporter=silent'], { cwd: root, stdio: 'inherit' })
  } else if (opts.install === 'link') {
    linkPackages(opts.packages ?? [])
  }
  // Some generators read what others write (the HTTP collection reads the gateway's rules): a second
  // pass picks that up.
  const { staleFiles } = await import('./gen.ts')
  for (let pass = 0; pass < 3; pass++) {
    const { stale } = await staleFiles()
    if (stale.size === 0) break
    for (const [path, text] of stale) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), text)
      if (!written.includes(path)) written.push(path)
    }
  }
  const lintable = written.filter((p) => /\.(ts|json)$/.test(p) && !p.includes('/gen/') && statSync(join(root, p)).isFile())
  if (lintable.length > 0)
    execFileSync(tool('biome'), ['check', '--write', '--no-errors-on-unmatched', ...lintable], { cwd: root, stdio: 'pipe' })
  for (const path of written.sort()) console.log(`wrote ${path}`)
}

// ---- new domain ----------------------------------------------------------------------------------

/** The SQL file of a new domain: the next free tens below 090 (the seed, which stays last). */
function nextSqlNumber(): string {
  const numbers = readdirSync(join(root, 'deploy/sql'))
    .map((f) => /^(\d{3})-/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .filter((n) => n < 90)
  const next = (Math.floor(Math.max(0, ...numbers) / 10) + 1) * 10
  if (next >= 90) fail('deploy/sql has no number left below 090 (the seed)')
  return String(next).padStart(3, '0')
}

async function newDomain(args: string[], install: 'pnpm' | 'link'): Promise<void> {
  const name = checkName('domain name', args[0], DOMAIN, 'booking')
  if (existsSync(join(root, 'app', name))) fail(`app/${name} exists already`)
  const n = nextDomainNumber(discover({ root }))
  const api = portsOf('api', n)
  const rpc = portsOf('rpc', n)
  const sqlFile = `${nextSqlNumber()}-${name}.sql`
  const vars: Vars = {
    name,
    Name: pascal(name),
    NAME: name.toUpperCase(),
    db: `looklook_${name}`,
    sqlFile,
    apiPort: String(api.port),
    apiMetricsPort: String(api.metricsPort),
    rpcPort: String(rpc.port),
    rpcMetricsPort: String(rpc.metricsPort),
  }
  for (const path of templateFiles('domain')) {
    const rel = path.slice('domain/'.length).replace(/\.tpl$/, '')
    const out = rel === 'sql' ? `deploy/sql/${sqlFile}` : `app/${name}/${fill(path, rel, vars)}`
    writeNew(out, fill(path, template(path), vars))
  }
  addPublicRoute(`/${name}/v1/item/detail`)
  // Containers are given the database like every other domain's (the overlays' secrets).
  const dbLine = (file: string) =>
    insertAfterLast(file, /^[A-Z0-9_]+_DB=/, [
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .findLast((l) => /^[A-Z0-9_]+_DB=/.test(l))!
        .replace(/^[A-Z0-9_]+_DB=/, `${vars.NAME}_DB=`)
        .replace(/\/[^/]+$/, `/${vars.db}`),
    ])
  for (const file of ['deploy/k8s/overlays/dev/secrets.env', 'deploy/k8s/overlays/prod/secrets.env.example']) {
    if (existsSync(join(root, file))) dbLine(file)
  }
  await finish({ install, packages: ['api', 'rpc', 'model'].map((k) => `app/${name}/${k}`) })
  console.log(
    [
      '',
      `${name}: domain number ${n}; ${name}-api on ${api.port} (metrics ${api.metricsPort}), ${name}-rpc on ${rpc.port} (metrics ${rpc.metricsPort}).`,
      'next: ./looklook up (loads the SQL, starts both, reloads the gateway); ./looklook restart identity-api',
      `(it reads the new public route); ./looklook test app/${name}`,
    ].join('\n'),
  )
}

// ---- new route -----------------------------------------------------------------------------------

async function newRoute(args: string[], auth: boolean): Promise<void> {
  const domain = checkName('domain', args[0], DOMAIN, 'travel')
  const group = checkName('group', args[1], GROUP, 'homestay-comment')
  const route = checkName('route name', args[2], METHOD, 'commentList')
  domainDir(domain)
  const apiDir = `app/${domain}/api`
  if (!existsSync(join(root, apiDir, 'src/server.ts'))) fail(`${apiDir}/src/server.ts does not exist`)
  const path = `/${domain}/v1/${camel(group)}/${route}`
  const prefixPublic = publicRoutes(root).includes(`/${domain}/`)
  if (auth && prefixPublic) fail(`every route under /${domain}/ is public (${PUBLIC_ROUTES_FILE}): --auth cannot hold there`)
  const vars: Vars = { domain, group, groupFn: camel(group), route, Route: pascal(route), path }
  const files = {
    routes: `${apiDir}/src/routes/${group}.ts`,
    logic: `${apiDir}/src/logic/${group}.ts`,
    schemas: `${apiDir}/src/schemas/${group}.ts`,
  }
  const newGroup = !existsSync(join(root, files.routes))
  for (const [part, file] of Object.entries(files)) {
    const source = `route/${part}-group.ts.tpl`
    if (!existsSync(join(root, file))) writeNew(file, fill(source, template(source), vars))
  }
  if (newGroup) {
    rewrite(`${apiDir}/src/server.ts`, (text) => {
      const withImport = addImport(text, `./routes/${group}.ts`, [`${vars.groupFn}Routes`])
      if (!/\n {2}return app\n/.test(withImport)) fail(`${apiDir}/src/server.ts: no "return app" in createServer to register ${group}`)
      return withImport.replace(/\n {2}return app\n/, `\n  ${vars.groupFn}Routes(app, svc)\n  return app\n`)
    })
  }
  const kind = auth ? 'auth' : 'public'
  rewrite(files.schemas, (text) => `${text.trimEnd()}\n\n${fill(`route/schemas.ts.tpl`, template('route/schemas.ts.tpl'), vars)}`)
  rewrite(files.logic, (text) => {
    let out = `${text.trimEnd()}\n\n${fill(`route/logic-${kind}.ts.tpl`, template(`route/logic-${kind}.ts.tpl`), vars)}`
    out = addImport(out, `../schemas/${group}.ts`, [`${vars.Route}Req`, `${vars.Route}Resp`], true)
    if (auth) out = addImport(addImport(out, '@looklook/xerr', ['CodeError', 'ErrCode']), '@looklook/rest', ['RequestCtx'], true)
    return out
  })
  rewrite(files.routes, (text) => {
    const close = text.lastIndexOf('\n}')
    if (close < 0) fail(`${files.routes}: no function to add ${route} to`)
    const call = fill(`route/route-${kind}.ts.tpl`, template(`route/route-${kind}.ts.tpl`), vars).trimEnd()
    const body = `${text.slice(0, close)}\n${call
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}${text.slice(close)}`
    let out = addImport(body, `../logic/${group}.ts`, [route])
    out = addImport(out, `../schemas/${group}.ts`, [`${vars.Route}Req`, `${vars.Route}Resp`])
    return auth ? addImport(out, '@looklook/rest', ['ctxOf']) : out
  })
  if (!auth && !prefixPublic) addPublicRoute(path)
  await finish()
  console.log(`\n${path}${auth ? ' needs a token' : ` is public (${PUBLIC_ROUTES_FILE})`}; fill in ${files.logic}`)
}

// ---- new rpc -------------------------------------------------------------------------------------

async function newRpc(args: string[]): Promise<void> {
  const domain = checkName('domain', args[0], DOMAIN, 'travel')
  const method = checkName('method', args[1], METHOD, 'homestayList')
  domainDir(domain)
  const rpcDir = `app/${domain}/rpc`
  const protoFile = `${rpcDir}/pb/${domain}.proto`
  if (!existsSync(join(root, protoFile))) fail(`${protoFile} does not exist`)
  const Method = pascal(method)
  const vars: Vars = { domain, method, Method, file: kebab(method) }
  rewrite(protoFile, (text) => {
    if (new RegExp(`\\brpc ${method}\\(`).test(text)) fail(`${protoFile} has ${method} already`)
    const service = text.search(/^service \w+ \{/m)
    if (service < 0) fail(`${protoFile}: no service`)
    const messages = fill('rpc/messages.proto.tpl', template('rpc/messages.proto.tpl'), vars)
    const head = `${text.slice(0, service)}${messages.trimEnd()}\n\n${text.slice(service)}`
    const close = head.indexOf('\n}', head.search(/^service \w+ \{/m))
    return `${head.slice(0, close)}\n  rpc ${method}(${Method}Req) returns (${Method}Resp);${head.slice(close)}`
  })
  writeNew(`${rpcDir}/src/handlers/${vars.file}.ts`, fill('rpc/handler.ts.tpl', template('rpc/handler.ts.tpl'), vars))
  rewrite(`${rpcDir}/src/server.ts`, (text) => {
    const at = /addService<[^>]+>\([^{]*\{\n/.exec(text)
    if (!at) fail(`${rpcDir}/src/server.ts: no addService(..., { handlers }) to register ${method}`)
    const end = at.index + at[0].length
    const withHandler = `${text.slice(0, end)}    ${method}: (req) => ${method}(svc, req),\n${text.slice(end)}`
    return addImport(withHandler, `./handlers/${vars.file}.ts`, [method])
  })
  await finish()
  console.log(`\nfill in ${rpcDir}/src/handlers/${vars.file}.ts and the messages in ${protoFile}, then ./looklook gen`)
}

// ---- new job / consumer --------------------------------------------------------------------------

function mqServer(domain: string): string {
  domainDir(domain)
  const file = `app/${domain}/mq/src/server.ts`
  if (!existsSync(join(root, file))) fail(`app/${domain}/mq has no src/server.ts (the workers of a domain live in app/<domain>/mq)`)
  return file
}

async function newJob(args: string[]): Promise<void> {
  const domain = checkName('domain', args[0], DOMAIN, 'order')
  const job = checkName('job name', args[1], GROUP, 'close-homestay-order')
  const server = mqServer(domain)
  const vars: Vars = { domain, job, jobFn: camel(job), Job: pascal(job) }
  writeNew(`app/${domain}/mq/src/jobs/${job}.ts`, fill('job/job.ts.tpl', template('job/job.ts.tpl'), vars))
  rewrite(server, (text) => {
    const at = /handlers: \[\n/.exec(text)
    if (!at) fail(`${server}: no job worker (createJobWorker with handlers: [...]) to register ${job} with`)
    const end = at.index + at[0].length
    const withHandler = `${text.slice(0, end)}      handle(${vars.Job}Job, (data) => ${vars.jobFn}(svc, data)),\n${text.slice(end)}`
    return addImport(withHandler, `./jobs/${job}.ts`, [`${vars.Job}Job`, vars.jobFn!])
  })
  await finish()
  console.log(`\nfill in app/${domain}/mq/src/jobs/${job}.ts; enqueue it with createJobQueue(...).add(${vars.Job}Job, data)`)
}

/** `item` after the last of the `separator`-separated `list` (one line or biome's multi-line form, trailing separator or not). */
function appendItem(list: string, item: string, separator: ',' | ';'): string {
  const trimmed = list.trimEnd()
  return `${trimmed.endsWith(separator) ? trimmed.slice(0, -1) : trimmed}${separator} ${item}`
}

/**
 * A consumer of TOPIC in the domain's mq, wired the way order-mq's payment consumer is: its Kafka section
 * (`<Topic>Kafka`) in the etc yaml and the config schema, the consumer built in createListeners
 * (src/server.ts), started and stopped as a service in src/main.ts, and the topic in
 * deploy/kafka/topics.txt so `up` creates it.
 */
async function newConsumer(args: string[]): Promise<void> {
  const domain = checkName('domain', args[0], DOMAIN, 'order')
  const topic = checkName('topic', args[1], TOPIC, 'payment-update-paystatus')
  const server = mqServer(domain)
  const mq = `app/${domain}/mq`
  const vars: Vars = { domain, topic, topicFn: camel(topic), Topic: pascal(topic) }
  const section = `${vars.Topic}Kafka`
  const consumer = `${vars.topicFn}Consumer`
  const yaml = `${mq}/etc/${domain}-mq.yaml`
  const main = `${mq}/src/main.ts`
  const config = `${mq}/src/config.ts`
  for (const file of [yaml, main, config]) if (!existsSync(join(root, file))) fail(`${mq} has no ${file.slice(mq.length + 1)}`)
  if (new RegExp(`^${section}:`, 'm').test(readFileSync(join(root, yaml), 'utf8'))) fail(`${yaml} has a ${section} section already`)
  writeNew(`${mq}/src/consumers/${topic}.ts`, fill('consumer/consumer.ts.tpl', template('consumer/consumer.ts.tpl'), vars))

  rewrite(yaml, (text) => `${text.trimEnd()}\n${fill('consumer/etc.yaml.tpl', template('consumer/etc.yaml.tpl'), vars)}`)
  rewrite(config, (text) => {
    const at = /\.\.\.BaseConf,\n/.exec(text)
    if (!at) fail(`${config}: no Type.Object({ ...BaseConf, ... }) to add ${section} to`)
    const end = at.index + at[0].length
    return addImport(`${text.slice(0, end)}  ${section}: KafkaConsumerConf,\n${text.slice(end)}`, '@looklook/kq', ['KafkaConsumerConf'])
  })
  rewrite(server, (text) => {
    const signature = /(export function createListeners\(svc: ServiceContext\): \{)([^}]*)\}/.exec(text)
    const ret = /\n {2}return \{([^}]*)\}\n/.exec(text)
    if (!signature || !ret) fail(`${server}: no createListeners(svc): { ... } returning { ... } to add ${consumer} to`)
    const build = fill('consumer/listener.ts.tpl', template('consumer/listener.ts.tpl'), vars)
    let out = `${text.slice(0, ret.index)}\n${build.trimEnd()}\n  return {${appendItem(ret[1]!, consumer, ',')} }\n${text.slice(ret.index + ret[0].length)}`
    out = out.replace(signature[0], `${signature[1]}${appendItem(signature[2]!, `${consumer}: KafkaConsumer`, ';')} }`)
    out = addImport(out, '@looklook/kq', ['consumerConfOptions', 'createConsumer'])
    out = addImport(out, '@looklook/kq', ['KafkaConsumer'], true)
    return addImport(out, `./consumers/${topic}.ts`, [vars.topicFn!, `${vars.Topic}Message`])
  })
  rewrite(main, (text) => {
    const listeners = /const \{([^}]*)\} = createListeners\(svc\)/.exec(text)
    const services = /return \[([\s\S]*?)\]\n/.exec(text)
    if (!listeners || !services) fail(`${main}: no "const { ... } = createListeners(svc)" and "return [ ... ]" to start ${consumer} in`)
    return text
      .replace(listeners[0], `const {${appendItem(listeners[1]!, consumer, ',')} } = createListeners(svc)`)
      .replace(services[0], `return [${appendItem(services[1]!, `asService(\`kafka \${conf.${section}.Topic}\`, ${consumer})`, ',')}]\n`)
  })
  rewrite('deploy/kafka/topics.txt', (text) =>
    new RegExp(`^${topic}-topic `, 'm').test(text)
      ? text
      : `${text.trimEnd()}\n# ${domain}-mq consumes it (./looklook new consumer).\n${topic}-topic 1\n`,
  )
  await finish()
  console.log(`\nfill in ${mq}/src/consumers/${topic}.ts (the message schema and its handler); producers publish to ${topic}-topic`)
}

// ---- command line --------------------------------------------------------------------------------

const HELP: Record<string, string> = {
  domain: `usage: ./looklook new domain NAME [--home DIR] [--no-install]

  app/NAME/{api,rpc,model}: a sample table (deploy/sql/<next>-NAME.sql, database looklook_NAME), an rpc
  round-tripping a row (createItem, getItem), a public route (/NAME/v1/item/detail, added to
  identity-api's NoAuthUrls) and an authed one (/NAME/v1/item/create, answers the caller's userId),
  etc yamls with the ports the registry assigns, package.json files, tests; then runs pnpm install
  --prefer-offline and ./looklook gen. --no-install links the new packages' node_modules instead of running
  pnpm (the lockfile is then not updated: run pnpm install before committing).`,
  route: `usage: ./looklook new route DOMAIN GROUP NAME [--auth] [--home DIR]

  POST /DOMAIN/v1/<group in camelCase>/NAME in app/DOMAIN/api/src/routes/GROUP.ts, with its schemas
  (schemas/GROUP.ts) and logic (logic/GROUP.ts); a new group is registered in server.ts. Without --auth
  the route is public (added to identity-api's NoAuthUrls); with --auth it needs a token.`,
  rpc: `usage: ./looklook new rpc DOMAIN METHOD [--home DIR]

  METHOD in app/DOMAIN/rpc/pb/DOMAIN.proto with METHODReq and METHODResp messages, its handler
  src/handlers/<method>.ts registered in src/server.ts, and the regenerated gen/DOMAIN.ts.`,
  job: `usage: ./looklook new job DOMAIN NAME [--home DIR]

  a BullMQ job in app/DOMAIN/mq/src/jobs/NAME.ts (its definition and handler), registered with the
  domain's job worker in src/server.ts.`,
  consumer: `usage: ./looklook new consumer DOMAIN TOPIC [--home DIR]

  a Kafka consumer in app/DOMAIN/mq/src/consumers/TOPIC.ts (the message schema and its handler), built in
  createListeners (src/server.ts) and started in src/main.ts, with its Kafka section (<Topic>Kafka: topic
  TOPIC-topic, group DOMAIN-mq-TOPIC-group) in the etc yaml and the config schema, and TOPIC-topic in
  deploy/kafka/topics.txt.`,
}

const USAGE = `usage: ./looklook new domain|route|rpc|job|consumer ... [--home DIR]   (--help after one for its arguments)`

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      home: { type: 'string' },
      auth: { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
    },
  })
  const [what, ...args] = positionals
  if (what === undefined || HELP[what] === undefined) {
    if (values.help) {
      console.log(`${USAGE}\n\n${Object.values(HELP).join('\n\n')}`)
      return
    }
    fail(what === undefined ? USAGE : `no "new ${what}"\n${USAGE}`)
  }
  if (values.help) {
    console.log(HELP[what])
    return
  }
  if (values.home !== undefined) {
    if (!existsSync(values.home) || !statSync(values.home).isDirectory()) fail(`--home ${values.home} is no directory`)
    home = values.home
  }
  if (what === 'domain') await newDomain(args, values['no-install'] ? 'link' : 'pnpm')
  else if (what === 'route') await newRoute(args, values.auth ?? false)
  else if (what === 'rpc') await newRpc(args)
  else if (what === 'job') await newJob(args)
  else await newConsumer(args)
}

if (import.meta.main) {
  try {
    await main()
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(err.message)
    process.exit(64)
  }
}
