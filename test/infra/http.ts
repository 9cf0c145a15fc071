// A minimal HTTP client for the gateway tests. node:http rather than fetch: nginx answers an oversized
// body before reading it and closes the connection, and the response must still be read when the upload
// then fails with EPIPE.
import { request } from 'node:http'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request(url, { method: init.method ?? 'POST', headers: init.headers, agent: false }, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.setTimeout(15_000, () => req.destroy(new Error(`${url}: no answer within 15 s`)))
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    req.end(init.body)
  })
}

/** Parses a reply that must be a JSON envelope served as application/json. */
export function envelope(reply: Reply): { code: number; msg: string } {
  const type = String(reply.headers['content-type'] ?? '')
  if (!type.startsWith('application/json')) throw new Error(`content-type ${type}, body ${reply.text.slice(0, 200)}`)
  return JSON.parse(reply.text) as { code: number; msg: string }
}
