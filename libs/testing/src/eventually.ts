/** Thrown by a check to end the wait at once: the condition can no longer come true. */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it stops throwing (or returns a truthy value), then returns its result.
 * Tests wait with this instead of fixed sleeps.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, false | undefined | null>> {
  const timeoutMs = options.timeoutMs ?? 10000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== false && result !== undefined && result !== null) return result as Exclude<T, false | undefined | null>;
      lastError = new Error(`condition returned ${String(result)}`);
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`eventually: not satisfied within ${timeoutMs} ms: ${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
