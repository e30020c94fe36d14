/**
 * Server error codes that say "not now" rather than "never": the server is unreachable,
 * stepping down, shutting down, short of a write concern, or interrupted.
 */
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11601, // Interrupted
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

interface ErrorShape {
  name?: string;
  code?: unknown;
  message?: string;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
  writeConcernError?: unknown;
  writeErrors?: Array<{ code?: unknown; err?: { code?: unknown } }>;
}

function hasRetryableLabel(error: ErrorShape): boolean {
  const labels = error.errorLabelSet instanceof Set ? [...error.errorLabelSet] : Array.isArray(error.errorLabels) ? error.errorLabels : [];
  return labels.includes('RetryableWriteError') || labels.includes('TransientTransactionError');
}

/**
 * Whether a failed write is worth repeating as it is. Only an answer from MongoDB that refuses
 * the documents themselves (a code outside {@link TRANSIENT_CODES}) is permanent; everything
 * else (no connection, server selection, mongoose's buffering timeout, unknown errors) counts as
 * transient, because waiting can never lose a record while dropping one would.
 */
export function isTransientWriteFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const shape = error as ErrorShape;
  if (hasRetryableLabel(shape) || shape.writeConcernError) return true;
  const codes =
    Array.isArray(shape.writeErrors) && shape.writeErrors.length > 0
      ? shape.writeErrors.map((writeError) => writeError.code ?? writeError.err?.code)
      : [shape.code];
  if (codes.some((code) => typeof code !== 'number')) return true;
  return codes.some((code) => TRANSIENT_CODES.has(code as number));
}

/**
 * What a log line says about a failed write: name, code and a bounded message. Never the error
 * object itself, whose bulk-write details carry whole documents (payloads) into the logs.
 */
export function describeWriteFailure(error: unknown): { name: string; code?: number | string; message: string } {
  if (typeof error !== 'object' || error === null) return { name: 'Error', message: String(error).slice(0, 500) };
  const shape = error as ErrorShape;
  const code = typeof shape.code === 'number' || typeof shape.code === 'string' ? shape.code : undefined;
  return { name: shape.name ?? 'Error', ...(code === undefined ? {} : { code }), message: String(shape.message ?? '').slice(0, 500) };
}
