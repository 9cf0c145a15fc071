/**
 * The parts of one process (HTTP server, gRPC server, consumers, workers) started in order and
 * stopped in reverse order, with go-zero's graceful shutdown: a signal marks the process not
 * ready, every part drains its in-flight work, then the process exits.
 */
import type { Logger } from '@looklook/logx'

/** One part of a process. `stop` must finish in-flight work before it resolves. */
export interface Service {
  name: string
  start(): Promise<void>
  stop(): Promise<void>
}

export interface RunOptions {
  /** Hard limit for the whole shutdown before the process is forced out (default 10 s). */
  timeoutMs?: number
  /** Process exit; tests replace it. */
  exit?: (code: number) => void
  signals?: NodeJS.Signals[]
}

/** Starts and stops a process's services; `ready` feeds the `/healthz` probes. */
export class ServiceGroup {
  private readonly services: Service[] = []
  private readonly started: Service[] = []
  private stopping: Promise<boolean> | undefined
  /** The start in progress; a stop waits for it so a service that just came up is stopped too. */
  private starting: Promise<void> | undefined
  private isReady = false

  /** True once every service started and until shutdown begins. */
  get ready(): boolean {
    return this.isReady
  }

  add(service: Service): this {
    this.services.push(service)
    return this
  }

  /** Starts the services in the order they were added; a failure stops the ones already started and rethrows. */
  async start(): Promise<void> {
    for (const service of this.services) {
      if (this.stopping !== undefined) throw new Error('service group is stopping')
      if (this.started.includes(service)) continue
      this.starting = service.start().then(() => {
        this.started.push(service)
      })
      try {
        await this.starting
      } catch (err) {
        await this.stop()
        throw new Error(`service ${service.name} failed to start`, { cause: err })
      } finally {
        this.starting = undefined
      }
    }
    this.isReady = this.stopping === undefined
  }

  /**
   * Marks the group not ready and stops the started services in reverse order. A failing stop is
   * recorded and the others are still stopped; resolves to whether every stop succeeded.
   */
  stop(logger?: Logger): Promise<boolean> {
    this.isReady = false
    this.stopping ??= (async () => {
      await this.starting?.catch(() => {})
      let clean = true
      for (const service of [...this.started].reverse()) {
        try {
          await service.stop()
          logger?.info({ component: service.name }, 'service stopped')
        } catch (err) {
          clean = false
          logger?.error({ err, component: service.name }, 'service failed to stop')
        }
      }
      this.started.length = 0
      return clean
    })()
    return this.stopping
  }

  /**
   * Starts the group and waits for SIGTERM/SIGINT; then drains and stops everything and exits 0
   * (1 when a stop failed). A second signal or the timeout forces exit 1, so a stuck drain never
   * keeps a pod from terminating. Resolves after the shutdown, just before exiting.
   */
  async runUntilSignal(logger: Logger, opts: RunOptions = {}): Promise<void> {
    const exit = opts.exit ?? ((code: number) => process.exit(code))
    const timeoutMs = opts.timeoutMs ?? 10_000
    const signals = opts.signals ?? ['SIGTERM', 'SIGINT']

    let shuttingDown = false
    let done: () => void = () => {}
    const stopped = new Promise<void>((resolve) => {
      done = resolve
    })
    const onSignal = (signal: NodeJS.Signals): void => {
      if (shuttingDown) {
        logger.warn({ signal }, 'second signal, forcing exit')
        exit(1)
        return
      }
      shuttingDown = true
      logger.info({ signal }, 'shutting down')
      const force = setTimeout(() => {
        logger.error({ timeoutMs }, 'graceful shutdown timed out, forcing exit')
        exit(1)
      }, timeoutMs)
      // The timer must not keep the process alive on its own once everything has stopped.
      force.unref()
      void this.stop(logger).then((clean) => {
        clearTimeout(force)
        for (const s of signals) process.off(s, onSignal)
        logger.info({ clean }, 'shutdown complete')
        done()
        exit(clean ? 0 : 1)
      })
    }
    // Handlers go in before starting, so a signal during a slow start still shuts down cleanly.
    for (const s of signals) process.on(s, onSignal)

    try {
      await this.start()
      logger.info({ services: this.services.map((s) => s.name) }, 'all services started')
    } catch (err) {
      if (!shuttingDown) {
        logger.error({ err }, 'startup failed')
        for (const s of signals) process.off(s, onSignal)
        exit(1)
        return
      }
    }
    await stopped
  }
}
