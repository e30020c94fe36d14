import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export const COUNTER_REQUESTS = 0;
export const COUNTER_UNIQUE = 1;

/** What the receiver saw since its last reset. */
export interface ReceiverReport {
  requests: number;
  /** Distinct `webhook-id`s. */
  unique: number;
  /** Requests beyond the first for a `webhook-id`. */
  duplicates: number;
  /** Epoch ms (sub-ms precision) of each first receipt, in arrival order. */
  firstReceipts: number[];
  /** Receipt minus the publish time carried in the event, per first receipt that had one. */
  latencies: number[];
  /** Distinct request paths (one per endpoint). */
  paths: number;
}

export type ReceiverRequest = { kind: 'reset'; id: number } | { kind: 'report'; id: number };
type ReceiverAnswer = { kind: 'reset'; id: number } | { kind: 'report'; id: number; report: ReceiverReport } | { kind: 'listening'; port: number };

/** The main thread's handle on the receiver worker. */
export class BenchReceiver {
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: ReceiverAnswer) => void>();

  private constructor(
    private readonly worker: Worker,
    private readonly counters: Int32Array,
    readonly port: number,
  ) {
    worker.on('message', (answer: ReceiverAnswer) => {
      if (answer.kind === 'listening') return;
      this.waiting.get(answer.id)?.(answer);
      this.waiting.delete(answer.id);
    });
  }

  static async start(): Promise<BenchReceiver> {
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(join(__dirname, 'receiver.worker.js'), { workerData: { counters: shared } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (answer: ReceiverAnswer) => {
        if (answer.kind === 'listening') resolve(answer.port);
      });
    });
    return new BenchReceiver(worker, new Int32Array(shared), port);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Distinct `webhook-id`s received since the last reset, read without a round trip. */
  get unique(): number {
    return Atomics.load(this.counters, COUNTER_UNIQUE);
  }

  async reset(): Promise<void> {
    await this.ask({ kind: 'reset', id: this.nextId++ });
  }

  async report(): Promise<ReceiverReport> {
    const answer = await this.ask({ kind: 'report', id: this.nextId++ });
    if (answer.kind !== 'report') throw new Error('the receiver answered a report request with something else');
    return answer.report;
  }

  /** Resolves once `count` distinct deliveries arrived; rejects after `timeoutMs`. */
  async waitForUnique(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.unique < count) {
      if (Date.now() > deadline) throw new Error(`the receiver got ${this.unique} of ${count} deliveries within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private ask(request: ReceiverRequest): Promise<ReceiverAnswer> {
    return new Promise((resolve) => {
      this.waiting.set(request.id, resolve);
      this.worker.postMessage(request);
    });
  }
}
