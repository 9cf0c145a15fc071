import type { ServiceContext } from '../svc-context.ts'
