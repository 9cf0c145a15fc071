/**
 * travel-rpc under test: its server on port 0 with the real MariaDB and Redis, a gRPC client to it and
 * a fixture for the rows a test makes; `stop` tears all of it down.
 */
import { createLogger } from '@looklook/logx'
import { TravelFixture } from '../../model/test/fixtures.ts'
import { createTravelClient, type TravelClient } from '../src/client.ts'
import { loadTravelRpcConf } from '../src/config.ts'
import { createServer } from '../src/server.ts'
import { createServiceContext, type ServiceContext } from '../src/svc-context.ts'

export interface TravelRpcRig {
  fx: TravelFixture
  svc: ServiceContext
  client: TravelClient
  stop(): Promise<void>
}

export async function startTravelRpc(service: string): Promise<TravelRpcRig> {
  const logger = createLogger({ service, level: 'error' })
  const fx = new TravelFixture()
  const svc = createServiceContext({ ...loadTravelRpcConf(), ListenOn: '127.0.0.1:0' }, logger)
  const server = createServer(svc, logger)
  const port = await server.start()
  const client = createTravelClient({ Endpoints: [`127.0.0.1:${port}`], Timeout: 2000, NonBlock: true }, logger)
  return {
    fx,
    svc,
    client,
    async stop() {
      client.close()
      await server.stop()
      await svc.close()
      await fx.cleanup()
    },
  }
}
