/**
 * Limits every query on the log collections carries. The time limit stays below config-api's
 * RPC timeout, so a query nobody waits for any more stops on the server instead of running on.
 */
export interface LogQueryLimits {
  /** `maxTimeMS` of every read on the log collections. */
  maxTimeMs: number;
}
