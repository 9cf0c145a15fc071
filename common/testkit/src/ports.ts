import { createServer } from 'node:net'

// Below Linux's ephemeral range (32768–60999 by default): a port picked there by binding port 0 can be
// taken by any outgoing connection (to Redis, MariaDB, Kafka …) between the pick and the moment the
// process it is meant for binds it. The stack's own ports are all lower (3306 … 16686).
const FIRST = 20_000
const LAST = 29_999
const handedOut = new Set<number>()

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/**
 * A loopback port nothing listens on, for a process a test or the bench starts: outside the ephemeral
 * range, never the same twice in one process.
 */
export async function sparePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1))
    if (handedOut.has(port)) continue
    handedOut.add(port)
    if (await bindable(port)) return port
  }
  throw new Error(`no free loopback port between ${FIRST} and ${LAST}`)
}
