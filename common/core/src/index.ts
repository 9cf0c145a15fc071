export { SingleFlight } from './singleflight.ts'
