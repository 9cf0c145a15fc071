// Builds servers for the tests with a logger whose lines can be read back.
import type { TRestConf } from '@looklook/conf'
import { createLogger } from '@looklook/logx'
import { createRestServer, type RestApp, type RestOptions } from '../src/index.ts'

export type LogLine = Record<string, unknown> & { level: string; content: string }

export interface TestServer {
  app: RestApp
  logs: LogLine[]
}

export function testConf(over: Partial<TRestConf> = {}): TRestConf {
  return {
    Name: 'rest-test',
    Host: '127.0.0.1',
    Port: 0,
    Timeout: 3000,
    MaxBytes: 1048576,
    MaxConns: 10000,
    CpuThreshold: 900,
    ...over,
  }
}

export function testServer(over: Partial<TRestConf> = {}, opts: Partial<Omit<RestOptions, 'conf' | 'logger'>> = {}): TestServer {
  const logs: LogLine[] = []
  const logger = createLogger({
    service: 'rest-test',
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  })
  return { app: createRestServer({ conf: testConf(over), logger, ...opts }), logs }
}

/** The access line of a request, found by its `[HTTP] … METHOD url` content. */
export function accessLine(logs: LogLine[], method: string, url: string): LogLine | undefined {
  return logs.find((l) => typeof l.content === 'string' && l.content.startsWith('[HTTP] ') && l.content.includes(` - ${method} ${url} - `))
}
