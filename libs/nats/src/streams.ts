import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { AttemptSubjects, DeadLetterSubjects, DeliverySubjects, EventSubjects, OperationalSubjects, StreamNames } from '@wirehook/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Publishes with a message id already stored within this window are dropped: event ids, delivery
 * ids and attempt ids make republishing after a crash harmless. (It is also JetStream's default.)
 */
const DUPLICATE_WINDOW = nanos(2 * 60 * 1000);

/** A stream that keeps its messages for `days`, for inspection or replay, dropping the oldest. */
function keptStream(name: string, subjects: string[], days: number): Partial<StreamConfig> {
  return {
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(days * DAY_MS),
    duplicate_window: DUPLICATE_WINDOW,
    discard: DiscardPolicy.Old,
  };
}

/** A work queue: a message is removed once acknowledged, and a full queue refuses new ones. */
function workQueue(name: string, subjects: string[]): Partial<StreamConfig> {
  return {
    name,
    subjects,
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: DUPLICATE_WINDOW,
    discard: DiscardPolicy.New,
  };
}

/**
 * The streams of the platform. Events and dead letters are kept for a while so they can be
 * inspected or replayed; delivery tasks and attempt records are work queues, removed once done.
 */
export const STREAM_CONFIGS: Partial<StreamConfig>[] = [
  keptStream(StreamNames.events, [EventSubjects.all], 7),
  workQueue(StreamNames.deliveries, [DeliverySubjects.allTasks, DeliverySubjects.allRetries]),
  workQueue(StreamNames.attempts, [AttemptSubjects.all]),
  keptStream(StreamNames.operations, [OperationalSubjects.all], 7),
  keptStream(StreamNames.deadLetters, [DeadLetterSubjects.all], 30),
];

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}

/**
 * Creates the platform's streams, or brings an existing one's settings up to date. `replicas`
 * is applied to existing streams too: the server copies their messages to the new peers (and
 * the streams' consumers follow), so an R1 deployment moves to R3 by restarting with R3.
 */
export async function ensureStreams(jsm: JetStreamManager, replicas = 1): Promise<void> {
  for (const settings of STREAM_CONFIGS) {
    const config = { ...settings, num_replicas: replicas };
    try {
      const existing = await jsm.streams.info(config.name as string);
      await jsm.streams.update(config.name as string, { ...existing.config, ...config });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add({ ...config, name: config.name as string });
    }
  }
}

/** Settings of a durable pull consumer with explicit acks. */
export interface DurableConsumerSettings {
  stream: string;
  name: string;
  filterSubject: string;
  /** How long a delivered message may stay un-acked before it is redelivered. */
  ackWaitMs: number;
  /** Upper bound of messages handed out and not yet acked, across all replicas. */
  maxAckPending: number;
}

/** Creates a durable pull consumer, or updates the settings of an existing one. */
export async function ensureDurableConsumer(jsm: JetStreamManager, settings: DurableConsumerSettings): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: settings.name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: settings.filterSubject,
    ack_wait: nanos(settings.ackWaitMs),
    max_ack_pending: settings.maxAckPending,
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(settings.stream, settings.name);
    await jsm.consumers.update(settings.stream, settings.name, {
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(settings.stream, config);
  }
}
