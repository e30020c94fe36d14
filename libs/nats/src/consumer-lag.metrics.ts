import type { ConsumerInfo, JetStreamManager, MsgRequest } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';

/** A durable consumer whose backlog an app reports. */
export interface WatchedConsumer {
  stream: string;
  name: string;
  /**
   * The consumer's filter subject, to also measure how long its oldest unacknowledged message
   * has waited (see {@link ConsumerLagMetrics.oldestWaitingGauge}); unset, that is not measured.
   */
  filterSubject?: string;
}

/** What the last successful look-up found of one consumer. */
export interface ConsumerLag {
  stream: string;
  consumer: string;
  /** Messages not yet handed out to any client. */
  pending: number;
  /** Messages handed out and not yet acknowledged. */
  ackPending: number;
  /** Age of the oldest message not yet acknowledged, 0 when none waits; only with a filter subject. */
  oldestWaitingSeconds?: number;
}

export interface ConsumerLagOptions {
  /** How long one round of look-ups serves scrapes, so a scrape storm does not hammer NATS. */
  cacheMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

const DEFAULT_CACHE_MS = 5_000;

/**
 * `wirehook_jetstream_consumer_pending_messages` and `..._ack_pending_messages` per stream and
 * consumer, read from consumer info when Prometheus scrapes. A failed look-up never fails the
 * scrape: it is logged and the consumer keeps its last value (or has none yet).
 */
export class ConsumerLagMetrics {
  private readonly known = new Map<string, ConsumerLag>();
  private readonly cacheMs: number;
  private readonly now: () => number;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing?: Promise<void>;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly consumers: readonly WatchedConsumer[],
    private readonly registry: Registry,
    private readonly logger: Logger,
    options: ConsumerLagOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.now = options.now ?? Date.now;
    this.gauge('wirehook_jetstream_consumer_pending_messages', 'Messages of the stream the JetStream consumer has not handed out yet', (lag) => lag.pending);
    this.gauge(
      'wirehook_jetstream_consumer_ack_pending_messages',
      'Messages the JetStream consumer handed out that are not acknowledged yet',
      (lag) => lag.ackPending,
    );
  }

  /**
   * A gauge of the age of the oldest unacknowledged message of each watched consumer that has a
   * filter subject: 0 when nothing waits.
   */
  oldestWaitingGauge(name: string, help: string): Gauge<'stream' | 'consumer'> {
    return this.gauge(name, help, (lag) => lag.oldestWaitingSeconds);
  }

  /** The consumers as last seen, looked up again when the last look-up is older than the cache time. */
  async snapshot(): Promise<ConsumerLag[]> {
    if (this.now() - this.refreshedAt >= this.cacheMs) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshedAt = this.now();
        this.refreshing = undefined;
      });
      await this.refreshing;
    }
    return [...this.known.values()];
  }

  private gauge(name: string, help: string, value: (lag: ConsumerLag) => number | undefined): Gauge<'stream' | 'consumer'> {
    const snapshot = () => this.snapshot();
    return new Gauge({
      name,
      help,
      labelNames: ['stream', 'consumer'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const lag of await snapshot()) {
          const measured = value(lag);
          if (measured !== undefined) this.set({ stream: lag.stream, consumer: lag.consumer }, measured);
        }
      },
    });
  }

  private async refresh(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => this.lookUp(consumer)));
  }

  private async lookUp(watched: WatchedConsumer): Promise<void> {
    const key = `${watched.stream}/${watched.name}`;
    let info: ConsumerInfo;
    try {
      info = await this.jsm.consumers.info(watched.stream, watched.name);
    } catch (error) {
      this.logger.warn(
        { err: error, stream: watched.stream, consumer: watched.name },
        'looking up a JetStream consumer for the metrics failed; keeping its last values',
      );
      return;
    }
    const previous = this.known.get(key);
    const lag: ConsumerLag = { stream: watched.stream, consumer: watched.name, pending: info.num_pending, ackPending: info.num_ack_pending };
    if (watched.filterSubject !== undefined) {
      try {
        lag.oldestWaitingSeconds = await this.oldestWaiting(info, watched.filterSubject);
      } catch (error) {
        this.logger.warn(
          { err: error, stream: watched.stream, consumer: watched.name },
          'reading the oldest waiting message for the metrics failed; keeping its last age',
        );
        lag.oldestWaitingSeconds = previous?.oldestWaitingSeconds;
      }
    }
    this.known.set(key, lag);
  }

  /**
   * Every message up to the ack floor is acknowledged, so the oldest one waiting is the first
   * message of the consumer's subjects after it: one message read, whatever the backlog.
   */
  private async oldestWaiting(info: ConsumerInfo, filterSubject: string): Promise<number> {
    if (info.num_pending === 0 && info.num_ack_pending === 0) return 0;
    // The server's message-get request takes `next_by_subj` (first match at or after `seq`);
    // the client's type lists only direct gets for it, which need allow_direct on the stream.
    const request = { seq: info.ack_floor.stream_seq + 1, next_by_subj: filterSubject } as MsgRequest;
    const message = await this.jsm.streams.getMessage(info.stream_name, request);
    if (!message) return 0;
    return Math.max(0, (this.now() - message.time.getTime()) / 1000);
  }
}
