import type { RestApp } from '@looklook/rest'
import type { ServiceContext } from '../svc-context.ts'

/** `/{{domain}}/v1/{{groupFn}}/*`. */
export function {{groupFn}}Routes(app: RestApp, svc: ServiceContext): void {
}
