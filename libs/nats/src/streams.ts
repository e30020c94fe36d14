import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { AttemptSubjects, DeadLetterSubjects, DeliverySubjects, EventSubjects, OperationalSubjects, StreamNames } from '@wirehook/contracts';
import { whileJetStreamSettles } from './jetstream-setup';

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

/** True when `wanted` sets a field to another value than `current` has. */
function differsFrom<T extends object>(current: T, wanted: Partial<T>): boolean {
  return Object.entries(wanted).some(([field, value]) => JSON.stringify(current[field as keyof T]) !== JSON.stringify(value));
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}

/**
 * Creates the platform's streams, or brings an existing one's settings up to date. `replicas`
 * is applied to existing streams too: the server copies their messages to the new peers (and
 * the streams' consumers follow), so an R1 deployment moves to R3 by restarting with R3.
 */
export async function ensureStreams(jsm: JetStreamManager, replicas = 1): Promise<void> {
  // All at once: on a cluster each waits for the nodes to agree, and apps starting together
  // wait out their races on every stream in the same moment rather than one after another.
  await Promise.all(STREAM_CONFIGS.map((settings) => ensureStream(jsm, { ...settings, num_replicas: replicas })));
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  const name = config.name as string;
  try {
    const existing = await jsm.streams.info(name);
    // Every update is a proposal the whole cluster agrees on; apps starting together would
    // flood it with identical ones.
    if (differsFrom(existing.config, config)) await jsm.streams.update(name, { ...existing.config, ...config });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add({ ...config, name });
  }
  await untilLed(jsm, name);
}

const LEADER_POLL_MS = 100;
const LEADER_WAIT_MS = 120_000;

/**
 * Waits until a stream has a leader. A stream just created or given more copies on a cluster
 * elects one a moment later, and until then publishing to it finds no responder: the app
 * would fail its first write.
 */
export async function untilLed(jsm: JetStreamManager, stream: string): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  while (Date.now() < deadline) {
    // Right after the creation a cluster may still answer that the stream does not exist.
    const info = await whileJetStreamSettles(() => jsm.streams.info(stream)).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    // A server outside a cluster reports no cluster, or itself as the leader.
    if (info && (!info.cluster || info.cluster.leader)) return;
    await new Promise((done) => setTimeout(done, LEADER_POLL_MS));
  }
  throw new Error(`stream ${stream} has no leader after ${LEADER_WAIT_MS / 1000} s: are as many JetStream servers up as NATS_STREAM_REPLICAS asks for?`);
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

/**
 * Ensures a durable pull consumer and opens it, waiting out a cluster that is still electing
 * leaders when the app starts.
 */
export async function openDurableConsumer(js: JetStreamClient, jsm: JetStreamManager, settings: DurableConsumerSettings): Promise<Consumer> {
  return whileJetStreamSettles(async () => {
    await ensureDurableConsumer(jsm, settings);
    return js.consumers.get(settings.stream, settings.name);
  });
}
