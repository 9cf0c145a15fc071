// The bare Fastify floor: the homestayDetail route answering a constant envelope, no hooks, no logging.
// Prints its port on stdout once it listens; stops on SIGTERM.
import { workspaceImport } from './deps.ts'

interface FastifyApp {
  post(path: string, handler: (req: { body: unknown }) => unknown): void
  listen(opts: { host: string; port: number }): Promise<string>
  close(): Promise<void>
  server: { address(): { port: number } }
}

const fastify = await workspaceImport<(opts: { logger: boolean }) => FastifyApp>('fastify', 'common/rest')
const app = fastify({ logger: false })
const homestay = { id: 1, title: 'bench homestay', subTitle: 'a quiet room', info: 'x'.repeat(200), peopleNum: 2, homestayPrice: 19900 }
app.post('/travel/v1/homestay/homestayDetail', async () => ({ code: 200, msg: 'OK', data: { homestay } }))
await app.listen({ host: '127.0.0.1', port: 0 })
console.log(app.server.address().port)
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
