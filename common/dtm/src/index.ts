/**
 * dtm for the rpcs: a client of the dtm server's gRPC API (NewGid, saga Submit with WaitResult) and its
 * query API, the branch side (dtm's metadata, the OK / ABORTED / retry answers) and the sub-transaction
 * barrier on mysql2 (doc/transactions.md).
 */
export { BARRIER_TABLE, type BarrierOutcome, withBarrier } from './barrier.ts'
export { asBranch, type BranchInfo, type BranchOp, branchFailure, branchInfoOf, branchMetadata, rollbackReasonOf } from './branch.ts'
export { DtmClient, grpcAction, grpcStep, type SagaOutcome, type SagaStep, type TransQuery, type TransStatus } from './client.ts'
export { DtmConf } from './conf.ts'
