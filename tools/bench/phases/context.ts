import type { ApiClient } from '@wirehook/testing';
import type { BenchPlan } from '../bench.config';
import { benchEventData, preciseNow, sleep } from '../load';
import type { BenchReceiver } from '../receiver';
import type { AppName, BenchSystem } from '../system';

export const BENCH_TENANT = 'bench';
export const FAN_OUT_TENANT = 'fanout';

/** What every phase works with. */
export interface BenchContext {
  system: BenchSystem;
  receiver: BenchReceiver;
  plan: BenchPlan;
  /** Admin client of the `bench` tenant and its throughput endpoints (`tp.<i>` → `/tp/<i>`). */
  benchAdmin: ApiClient;
  benchWebhookIds: string[];
  /** Peak resident memory per app and the phase it was seen in. */
  memoryPeaks: Map<AppName, { bytes: number; phase: string }>;
  progress(line: string): void;
}

/** Event type `tp.<i>` goes to endpoint i only. */
export function throughputEventType(sequence: number, endpoints: number): string {
  return `tp.${sequence % endpoints}`;
}

/** Keeps the highest resident memory seen per app. */
export function recordPeaks(context: BenchContext, phase: string, peaks: Map<AppName, number>): void {
  for (const [app, bytes] of peaks) {
    const known = context.memoryPeaks.get(app);
    if (!known || bytes > known.bytes) context.memoryPeaks.set(app, { bytes, phase });
  }
}

/**
 * Waits until the dispatcher knows every endpoint: publishes probe events until each
 * endpoint path has received one (configuration reaches the dispatcher through the KV
 * bucket, asynchronously). Probe deliveries are then forgotten.
 */
export async function awaitRoutes(context: BenchContext, tenantId: string, eventTypes: string[], paths: number): Promise<void> {
  const { receiver, system } = context;
  await receiver.reset();
  const deadline = Date.now() + 30_000;
  let round = 0;
  while (Date.now() < deadline) {
    for (const eventType of eventTypes) {
      await system.publisher.publish(tenantId, { id: `probe-${tenantId}-${round}-${eventType}`, event: eventType, data: benchEventData(round, preciseNow()) });
    }
    round += 1;
    const settle = Date.now() + 1000;
    while (Date.now() < settle) {
      if ((await receiver.report()).paths >= paths) {
        await sleep(200);
        await receiver.reset();
        return;
      }
      await sleep(50);
    }
  }
  throw new Error(`the dispatcher did not route to all ${paths} endpoints of '${tenantId}' within 30 s`);
}
