import { Agent, request } from 'undici';
import type { WebhookEvent, WebhookEventPublisher } from '@wirehook/publisher';
import type { BenchReceiver } from './receiver';
import { APP_NAMES, type AppName, type BenchSystem } from './system';

/** Wall-clock time in epoch ms with sub-millisecond precision, comparable across threads. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A realistic event body of about 400 bytes, carrying its publish time for the receiver. */
export function benchEventData(sequence: number, publishedAt: number): Record<string, unknown> {
  return {
    publishedAt,
    sequence,
    orderId: `ord_${sequence.toString(36).padStart(10, '0')}`,
    customer: { id: `cus_${(sequence % 977).toString(36)}`, email: 'buyer@example.com', country: 'DE' },
    items: [
      { sku: 'SKU-1001', quantity: 2, unitPrice: 1999 },
      { sku: 'SKU-2044', quantity: 1, unitPrice: 4999 },
    ],
    totals: { currency: 'EUR', net: 8997, tax: 1709, gross: 10706 },
    note: 'benchmark event with a payload of typical size for an order webhook',
  };
}

export type EventFactory = (sequence: number, publishedAt: number) => { tenantId: string; event: WebhookEvent };

/** Publishes `count` events as fast as JetStream acknowledges them, `window` at a time. */
export async function publishBurst(publisher: WebhookEventPublisher, count: number, make: EventFactory, window = 256): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let sequence = next++; sequence < count; sequence = next++) {
      const { tenantId, event } = make(sequence, preciseNow());
      await publisher.publish(tenantId, event);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
}

/**
 * Publishes at a fixed rate for `durationMs`. Each event carries its scheduled time, not the
 * time it actually left: when the publisher falls behind, the delay counts in the latency
 * (no coordinated omission).
 */
export async function publishAtRate(publisher: WebhookEventPublisher, rate: number, durationMs: number, make: EventFactory): Promise<number> {
  const total = Math.round((rate * durationMs) / 1000);
  const startedAt = preciseNow() + 5;
  const pending = new Set<Promise<unknown>>();
  for (let sequence = 0; sequence < total;) {
    const now = preciseNow();
    for (let due = startedAt + (sequence * 1000) / rate; sequence < total && due <= now; due = startedAt + (sequence * 1000) / rate) {
      const { tenantId, event } = make(sequence, due);
      const published = publisher.publish(tenantId, event).finally(() => pending.delete(published));
      pending.add(published);
      sequence += 1;
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return total;
}

/** undici pool settings per origin; the dispatcher's are 64 keep-alive connections without pipelining. */
export interface PoolSettings {
  connections: number;
  pipelining: number;
}

export const DISPATCHER_POOL: PoolSettings = { connections: 64, pipelining: 1 };

/**
 * The baseline: a plain undici POST loop to the same receiver, with the dispatcher's pool
 * settings (unless told otherwise) and `concurrency` requests in flight.
 */
export async function rawUndiciLoop(
  receiver: BenchReceiver,
  count: number,
  concurrency: number,
  body: (sequence: number) => string,
  pool = DISPATCHER_POOL,
): Promise<void> {
  const agent = new Agent({ keepAliveTimeout: 30_000, ...pool });
  const url = receiver.url('/raw');
  const signature = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
  let next = 0;
  const lane = async () => {
    for (let sequence = next++; sequence < count; sequence = next++) {
      const now = new Date();
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'bench-raw-undici',
          'webhook-id': `raw_${sequence}`,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
          'x-webhook-event': 'bench.raw',
          'x-webhook-timestamp': now.toISOString(),
          'x-webhook-signature': signature,
        },
        body: body(sequence),
      });
      await response.body.text();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  await agent.close();
}

/** Samples each app's resident memory and keeps the peak, while a phase runs. */
export class MemorySampler {
  private readonly peaks = new Map<AppName, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly system: BenchSystem) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  private sample(): void {
    for (const app of APP_NAMES) {
      const rss = this.system.rssBytes(app);
      if (rss !== undefined) this.peaks.set(app, Math.max(rss, this.peaks.get(app) ?? 0));
    }
  }

  stop(): Map<AppName, number> {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}

/** Nearest-rank percentile of unsorted samples; undefined without samples. */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** p50/p95/p99 and max, rounded to 0.1 ms. */
export function latencySummary(samples: readonly number[]): { count: number; p50?: number; p95?: number; p99?: number; max?: number } {
  const round = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 10) / 10);
  return {
    count: samples.length,
    p50: round(percentile(samples, 0.5)),
    p95: round(percentile(samples, 0.95)),
    p99: round(percentile(samples, 0.99)),
    max: round(percentile(samples, 1)),
  };
}
