/**
 * Money is stored and sent over gRPC in fen (integer cents); apis answer in yuan, as the Go original's clients expect.
 * Fen to yuan with 2 decimals, truncated: 29900 → 299, 2999 → 29.99.
 */
export function fenToYuan(fen: number): number {
  return Math.trunc(fen) / 100
}
