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
 * The streams of the platform. Events and dead letters are kept for a week so they can be
 * inspected or replayed; delivery tasks and attempt records are work queues, removed once done.
 */
export const STREAM_CONFIGS: Partial<StreamConfig>[] = [
  {
    name: StreamNames.events,
    subjects: [EventSubjects.all],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(7 * DAY_MS),
    duplicate_window: nanos(2 * 60 * 1000),
    discard: DiscardPolicy.Old,
  },
  {
    name: StreamNames.deliveries,
    subjects: [DeliverySubjects.allTasks, DeliverySubjects.allRetries],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(2 * 60 * 1000),
    discard: DiscardPolicy.New,
  },
  {
    name: StreamNames.attempts,
    subjects: [AttemptSubjects.all],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(2 * 60 * 1000),
    discard: DiscardPolicy.New,
  },
  {
    name: StreamNames.operations,
    subjects: [OperationalSubjects.all],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(7 * DAY_MS),
    duplicate_window: nanos(2 * 60 * 1000),
    discard: DiscardPolicy.Old,
  },
  {
    name: StreamNames.deadLetters,
    subjects: [DeadLetterSubjects.all],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(30 * DAY_MS),
    discard: DiscardPolicy.Old,
  },
];

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}

/** Creates the platform's streams, or brings an existing one's settings up to date. */
export async function ensureStreams(jsm: JetStreamManager): Promise<void> {
  for (const config of STREAM_CONFIGS) {
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
