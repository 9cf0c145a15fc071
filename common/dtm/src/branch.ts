import { CodeError, ErrCode } from '@looklook/xerr'
import { type Metadata, RpcStatusError, status } from '@looklook/zrpc'

/** The ops of a saga branch: dtm calls `action` to do it and `compensate` to undo it. */
export type BranchOp = 'action' | 'compensate'

/** What dtm says about the call it makes: the transaction, the branch and which op this is. */
export interface BranchInfo {
  gid: string
  transType: string
  branchId: string
  op: BranchOp
}

function one(md: Metadata, key: string): string {
  const v = md.get(key)[0]
  return typeof v === 'string' ? v : ''
}

/**
 * Reads the metadata dtm sends with every branch call (`dtm-gid`, `dtm-trans_type`, `dtm-branch_id`,
 * `dtm-op`); a call without them did not come from dtm and is refused as a bad request.
 */
export function branchInfoOf(md: Metadata): BranchInfo {
  const info = { gid: one(md, 'dtm-gid'), transType: one(md, 'dtm-trans_type'), branchId: one(md, 'dtm-branch_id'), op: one(md, 'dtm-op') }
  if (!info.gid || !info.transType || !info.branchId || (info.op !== 'action' && info.op !== 'compensate')) {
    throw CodeError.param('not a dtm branch call: dtm-gid, dtm-trans_type, dtm-branch_id and dtm-op (action or compensate) are required')
  }
  return info as BranchInfo
}

/** The metadata dtm sends for a branch call, for callers that invoke a branch op themselves (and tests). */
export function branchMetadata(info: BranchInfo): Record<string, string> {
  return { 'dtm-gid': info.gid, 'dtm-trans_type': info.transType, 'dtm-branch_id': info.branchId, 'dtm-op': info.op }
}

/**
 * The answer dtm reads as "this branch failed" (gRPC ABORTED): for a saga action, dtm stops and
 * compensates the branches done so far. The message becomes the saga's rollback reason; it starts
 * with `reason` so the submitter can tell which refusal rolled it back ({@link rollbackReasonOf}).
 */
export function branchFailure(reason: string, message: string, code: number = ErrCode.SERVER_COMMON_ERROR): RpcStatusError {
  // The xerr code rides beside the status, so a zrpc caller that invokes the branch itself gets that CodeError.
  return new RpcStatusError(status.ABORTED, `${reason}: ${message}`, code)
}

/**
 * Runs a branch handler and shapes its failure as dtm expects: a refusal (a `CodeError` that is neither
 * internal nor an outage) is ABORTED, a failure; anything else (database down, a bug) keeps its status,
 * which dtm retries with backoff. Without this a refusal would cross as FAILED_PRECONDITION, which dtm
 * reads as "ongoing" and retries at once, forever.
 */
export async function asBranch<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof CodeError && !err.internal && !err.unavailable)
      throw branchFailure(err.reason ?? String(err.code), err.message, err.code)
    throw err
  }
}

/** The refusal reason a branch's failure put at the start of its message, found in a saga's rollback reason. */
export function rollbackReasonOf(rollbackReason: string): string | undefined {
  // dtm wraps the branch's message: "url:<branch url> return failed: <REASON>: <message>".
  return /return failed: ([A-Z][A-Z0-9_]*):/.exec(rollbackReason)?.[1]
}
