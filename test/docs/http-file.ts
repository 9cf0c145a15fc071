// Reads and sends the `.http` files of deploy/http the way VS Code's REST Client and JetBrains' HTTP
// Client do, for the subset the collection uses: `###` blocks, `# @name`, file variables `@x = …`,
// `{{variables}}`, `{{$timestamp [n unit]}}`, `{{$randomInt min max}}`, REST Client's request
// references `{{name.request|response.body.$.path}}`, and JetBrains' `< {% %}` / `> {% %}` scripts.
import { readFileSync } from 'node:fs'

export interface HttpRequestBlock {
  /** The text after `###`. */
  title: string
  /** `# @name`, when given. */
  name?: string
  method: string
  url: string
  headers: [string, string][]
  body?: string
  /** JetBrains pre-request script (`< {% … %}`). */
  preScript?: string
  /** JetBrains response handler (`> {% … %}`). */
  handler?: string
}

export interface HttpFile {
  /** File variables (`@name = value`), unresolved. */
  variables: Map<string, string>
  requests: HttpRequestBlock[]
}

const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/

/** Reads a script starting at `lines[i]` (`< {%` or `> {%`) up to its `%}`; returns the script and the next line's index. */
function readScript(lines: readonly string[], i: number): [string, number] {
  const first = (lines[i] ?? '').replace(/^[<>]\s*\{%/, '')
  if (first.includes('%}')) return [first.slice(0, first.indexOf('%}')), i + 1]
  const out = [first]
  for (let j = i + 1; j < lines.length; j++) {
    const line = lines[j] ?? ''
    if (line.includes('%}')) {
      out.push(line.slice(0, line.indexOf('%}')))
      return [out.join('\n'), j + 1]
    }
    out.push(line)
  }
  throw new Error(`script opened at line ${i + 1} is never closed with %}`)
}

export function parseHttpFile(text: string): HttpFile {
  const variables = new Map<string, string>()
  const requests: HttpRequestBlock[] = []
  const blocks: { title: string; lines: string[] }[] = [{ title: '', lines: [] }]
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('###')) blocks.push({ title: line.slice(3).trim(), lines: [] })
    else blocks.at(-1)?.lines.push(line)
  }
  for (const block of blocks) {
    const lines = block.lines
    let i = 0
    let name: string | undefined
    let preScript: string | undefined
    let request: RegExpExecArray | null = null
    // Before the request line: comments, names, file variables, a pre-request script.
    for (; i < lines.length; i++) {
      const line = (lines[i] ?? '').trim()
      const named = /^(?:#|\/\/)\s*@name\s+(\S+)$/.exec(line)
      const variable = /^@(\w+)\s*=\s*(.*)$/.exec(line)
      if (named) name = named[1]
      else if (variable) variables.set(variable[1] ?? '', (variable[2] ?? '').trim())
      else if (line.startsWith('< {%')) {
        ;[preScript, i] = readScript(lines, i)
        i -= 1
      } else if (line === '' || line.startsWith('#') || line.startsWith('//')) continue
      else {
        request = REQUEST_LINE.exec(line)
        if (!request) throw new Error(`${block.title}: not a request line: ${line}`)
        i += 1
        break
      }
    }
    if (!request) continue
    const headers: [string, string][] = []
    for (; i < lines.length && (lines[i] ?? '').trim() !== ''; i++) {
      const m = /^([^:\s]+)\s*:\s*(.*)$/.exec((lines[i] ?? '').trim())
      if (!m) throw new Error(`${block.title}: not a header: ${lines[i]}`)
      headers.push([m[1] ?? '', m[2] ?? ''])
    }
    const bodyLines: string[] = []
    let handler: string | undefined
    for (i += 1; i < lines.length; i++) {
      if ((lines[i] ?? '').startsWith('> {%')) {
        ;[handler, i] = readScript(lines, i)
        break
      }
      bodyLines.push(lines[i] ?? '')
    }
    const body = bodyLines.join('\n').trim()
    requests.push({
      title: block.title,
      ...(name ? { name } : {}),
      method: request[1] ?? '',
      url: request[2] ?? '',
      headers,
      ...(body !== '' ? { body } : {}),
      ...(preScript !== undefined ? { preScript } : {}),
      ...(handler !== undefined ? { handler } : {}),
    })
  }
  return { variables, requests }
}

export function readHttpFile(path: string): HttpFile {
  return parseHttpFile(readFileSync(path, 'utf8'))
}

export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: unknown }
  response: { status: number; headers: Headers; body: unknown }
}

/** Variables as both clients see them while a file runs. */
export class HttpSession {
  /** JetBrains' `client.global`. */
  readonly globals = new Map<string, string>()
  /** REST Client's named requests. */
  readonly named = new Map<string, Exchange>()

  readonly env: Readonly<Record<string, string>>
  readonly file: HttpFile

  constructor(env: Readonly<Record<string, string>>, file: HttpFile = { variables: new Map(), requests: [] }) {
    this.env = env
    this.file = file
  }

  resolve(text: string, depth = 0): string {
    if (depth > 10) throw new Error(`variables nest too deep in ${text}`)
    return text.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_, expr: string) => this.#value(expr, depth))
  }

  #value(expr: string, depth: number): string {
    const timestamp = /^\$timestamp(?:\s+(-?\d+)\s+([dhms]))?$/.exec(expr)
    if (timestamp) {
      const unit = { d: 86_400, h: 3_600, m: 60, s: 1 }[(timestamp[2] ?? 's') as 'd' | 'h' | 'm' | 's']
      return String(Math.floor(Date.now() / 1000) + Number(timestamp[1] ?? 0) * unit)
    }
    const randomInt = /^\$randomInt\s+(-?\d+)\s+(-?\d+)$/.exec(expr)
    if (randomInt) {
      const [min, max] = [Number(randomInt[1]), Number(randomInt[2])]
      return String(min + Math.floor(Math.random() * (max - min)))
    }
    const reference = /^(\w+)\.(request|response)\.body\.\$(.*)$/.exec(expr)
    if (reference) {
      const exchange = this.named.get(reference[1] ?? '')
      if (!exchange) throw new Error(`{{${expr}}}: request ${reference[1]} has not been sent`)
      const value = jsonPath(exchange[reference[2] as 'request' | 'response'].body, reference[3] ?? '')
      if (value === undefined) throw new Error(`{{${expr}}}: no such value`)
      return typeof value === 'string' ? value : JSON.stringify(value)
    }
    const global = this.globals.get(expr)
    if (global !== undefined) return global
    const fileVariable = this.file.variables.get(expr)
    if (fileVariable !== undefined) return this.resolve(fileVariable, depth + 1)
    const envVariable = this.env[expr]
    if (envVariable !== undefined) return envVariable
    throw new Error(`{{${expr}}} is not defined`)
  }

  #script(script: string, response?: Exchange['response']): void {
    const client = {
      global: {
        set: (name: string, value: unknown) => this.globals.set(name, String(value)),
        get: (name: string) => this.globals.get(name),
      },
      assert: (condition: unknown, message?: string) => {
        if (!condition) throw new Error(message ?? 'client.assert failed')
      },
      log: () => {},
    }
    new Function('client', 'response', script)(client, response)
  }

  /** Runs the pre-request script, resolves and sends one request, keeps it under its name, runs its handler. */
  async send(block: HttpRequestBlock): Promise<Exchange> {
    if (block.preScript) this.#script(block.preScript)
    const url = this.resolve(block.url)
    const headers = Object.fromEntries(block.headers.map(([k, v]) => [k, this.resolve(v)]))
    const bodyText = block.body === undefined ? undefined : this.resolve(block.body)
    const res = await fetch(url, { method: block.method, headers, body: bodyText, signal: AbortSignal.timeout(15_000) })
    const text = await res.text()
    const exchange: Exchange = {
      request: { method: block.method, url, headers, ...(bodyText === undefined ? {} : { body: parseJson(bodyText) }) },
      response: { status: res.status, headers: res.headers, body: parseJson(text) },
    }
    if (block.name) this.named.set(block.name, exchange)
    if (block.handler) this.#script(block.handler, exchange.response)
    return exchange
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** `.a.b[0].c` of a value. */
function jsonPath(value: unknown, path: string): unknown {
  let current = value
  for (const m of path.matchAll(/\.(\w+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[m[1] ?? m[2] ?? '']
  }
  return current
}
