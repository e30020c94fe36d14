import { createHash, randomBytes } from 'node:crypto';

/**
 * Subjects, streams, consumers and buckets shared by every app.
 *
 * These names are wire API: deployed publishers and consumers depend on them. Change one only
 * by adding a new version next to it and migrating readers first.
 */
export const EventSubjects = {
  /** Prefix of published domain events: `webhooks.events.<tenantId>.<eventType>`. */
  prefix: 'webhooks.events',
  /** Filter that matches every published event. */
  all: 'webhooks.events.>',
} as const;

export const DeliverySubjects = {
  /** One delivery task per (event, endpoint): `webhooks.deliveries.v1.<tenantId>.<endpointId>`. */
  taskPrefix: 'webhooks.deliveries.v1',
  allTasks: 'webhooks.deliveries.v1.>',
  /** Deliveries waiting for a later attempt: `webhooks.retries.v1.<tenantId>.<endpointId>`. */
  retryPrefix: 'webhooks.retries.v1',
  allRetries: 'webhooks.retries.v1.>',
} as const;

export const AttemptSubjects = {
  /** Every delivery attempt, as an {@link AttemptRecordedMessage}: `webhooks.attempts.v1.<tenantId>`. */
  prefix: 'webhooks.attempts.v1',
  /** Attempt records and the deliveries fan-out created: what log-service stores. */
  all: 'webhooks.attempts.v1.>',
  /** Attempt records only (one token after the prefix). */
  records: 'webhooks.attempts.v1.*',
  /** Last token of `webhooks.attempts.v1.<tenantId>.created`: a {@link DeliveriesCreatedMessage}. */
  createdSuffix: 'created',
  /** Last token of `webhooks.attempts.v1.<tenantId>.batch`: an {@link AttemptLogBatch}. */
  batchSuffix: 'batch',
} as const;

export const DeadLetterSubjects = {
  /** Messages that can never be processed, with the reason: `webhooks.dead-letters.v1.<reason>`. */
  prefix: 'webhooks.dead-letters.v1',
  all: 'webhooks.dead-letters.v1.>',
} as const;

export const OperationalSubjects = {
  /** An {@link EndpointDisabledMessage}: the dispatcher disabled a failing or gone endpoint. */
  endpointDisabled: 'webhooks.ops.v1.endpoint.disabled',
  /** Every operational event. */
  all: 'webhooks.ops.v1.>',
} as const;

/** Request/reply patterns answered by internal services (NATS, `@nestjs/microservices`). */
export const RpcPatterns = {
  // v2 of the log queries answers records (camelCase, cut to fit the reply) that config-api turns
  // into the public views; v1 answered the public views themselves and is no longer answered:
  // a config-api still asking v1 gets no responder, a prompt 503, until it is rolled out too.
  listLogs: 'rpc.log-service.v2.logs.list',
  getLog: 'rpc.log-service.v2.logs.get',
  getLogBody: 'rpc.log-service.v1.logs.body',
  logStats: 'rpc.log-service.v2.logs.stats',
  exportPage: 'rpc.log-service.v2.logs.export-page',
  failedDeliveries: 'rpc.log-service.v1.deliveries.failed',
  testWebhook: 'rpc.dispatcher.v1.webhooks.test',
  retryDelivery: 'rpc.dispatcher.v1.deliveries.retry',
  recoverDeliveries: 'rpc.dispatcher.v1.deliveries.recover',
} as const;

/**
 * Request/reply patterns answered by retention-cron (NATS, `@nestjs/microservices`, queue group
 * `retention-cron`). Wire API: change one only by adding a new version next to it.
 */
export const RetentionRpcPatterns = {
  /** The effective retention policy of a tenant: {@link GetRetentionPolicyRequestMessage} → {@link RetentionPolicyView}. */
  getPolicy: 'rpc.retention-cron.v1.policy.get',
  /** Stores a tenant's override: {@link SetRetentionPolicyRequestMessage} → {@link RetentionPolicyView}. */
  setPolicy: 'rpc.retention-cron.v1.policy.set',
  /** Removes a tenant's override, falling back to the defaults: {@link ResetRetentionPolicyRequestMessage} → {@link RetentionPolicyView}. */
  resetPolicy: 'rpc.retention-cron.v1.policy.reset',
  /** Runs a retention pass now: {@link RunRetentionRequestMessage} → {@link RunRetentionReply}. */
  run: 'rpc.retention-cron.v1.run',
} as const;

/** Operational events of retention-cron (core NATS, not JetStream). Wire API, as above. */
export const RetentionSubjects = {
  /** A {@link RetentionRunSummaryMessage} after every run that held the lease, and every dry run. */
  runCompleted: 'webhooks.ops.v1.retention.run-completed',
} as const;

export const StreamNames = {
  events: 'WEBHOOK_EVENTS',
  deliveries: 'WEBHOOK_DELIVERIES',
  attempts: 'WEBHOOK_ATTEMPTS',
  deadLetters: 'WEBHOOK_DEAD_LETTERS',
  /** Operational events (endpoint disabled, retention runs), kept for a week. */
  operations: 'WEBHOOK_OPERATIONS',
} as const;

export const ConsumerNames = {
  /** Fans events out into delivery tasks; shared by every dispatcher replica. */
  fanOut: 'dispatcher-fan-out',
  /** Attempts fresh delivery tasks. */
  deliveries: 'dispatcher-deliveries',
  /** Attempts deliveries whose retry is due; kept apart so waiting retries never block fresh work. */
  retries: 'dispatcher-retries',
  /** Writes attempt records to MongoDB. */
  attemptWriter: 'log-service-attempt-writer',
  /** Applies endpoint-disabled events to the stored configuration. */
  endpointDisabledApplier: 'config-api-endpoint-disabled',
} as const;

/**
 * Where each durable consumer reads: its stream, its name and the subjects it takes. The app
 * that owns a consumer adds how long a message may stay unacknowledged and how many may be
 * pending, which are its own tuning.
 */
export const ConsumerBindings = {
  fanOut: { stream: StreamNames.events, name: ConsumerNames.fanOut, filterSubject: EventSubjects.all },
  deliveries: { stream: StreamNames.deliveries, name: ConsumerNames.deliveries, filterSubject: DeliverySubjects.allTasks },
  retries: { stream: StreamNames.deliveries, name: ConsumerNames.retries, filterSubject: DeliverySubjects.allRetries },
  attemptWriter: { stream: StreamNames.attempts, name: ConsumerNames.attemptWriter, filterSubject: AttemptSubjects.all },
  endpointDisabledApplier: { stream: StreamNames.operations, name: ConsumerNames.endpointDisabledApplier, filterSubject: OperationalSubjects.endpointDisabled },
} as const;

export const KvBucketNames = {
  /**
   * Configuration replicated from config-api to the dispatcher: `tenants.<tenantId>` holds a
   * {@link TenantSnapshotMessage}, `endpoints.<tenantId>.<endpointId>` an {@link EndpointSnapshotMessage}.
   */
  config: 'webhook_config_v1',
} as const;

export const HealthBucketNames = {
  /**
   * Endpoint health shared by dispatcher replicas: key `<tenantId>.<endpointId>`, value an
   * {@link EndpointHealthMessage}; absent while the endpoint is healthy.
   */
  endpoints: 'webhook_endpoint_health_v1',
} as const;

export const MembershipBucketNames = {
  /**
   * The live dispatcher replicas: key `<instanceId>`, rewritten every second by its replica and
   * removed when it stops; per-endpoint limits are shared out among the replicas seen here.
   */
  dispatchers: 'webhook_dispatchers_v1',
} as const;

export const ConfigKeyPrefixes = {
  tenants: 'tenants',
  endpoints: 'endpoints',
} as const;

/**
 * `meta.encryption-key-check` holds a value encrypted with the platform key, so the dispatcher
 * can refuse to start with a different key than the one config-api encrypts secrets with.
 */
export const ENCRYPTION_KEY_CHECK_CONFIG_KEY = 'meta.encryption-key-check';

/** NATS message headers with a meaning of their own. */
export const MessageHeaders = {
  /** JetStream publish de-duplication. */
  messageId: 'Nats-Msg-Id',
} as const;

/** Builds the subject an event of this tenant and type is published on. */
export function eventSubject(tenantId: string, eventType: string): string {
  return `${EventSubjects.prefix}.${tenantId}.${eventType}`;
}

/** Splits an event subject into tenant and event type; `undefined` when it is not one. */
export function parseEventSubject(subject: string): { tenantId: string; eventType: string } | undefined {
  const prefix = `${EventSubjects.prefix}.`;
  if (!subject.startsWith(prefix)) return undefined;
  const rest = subject.slice(prefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  return { tenantId: rest.slice(0, dot), eventType: rest.slice(dot + 1) };
}

export function deliveryTaskSubject(tenantId: string, endpointId: string): string {
  return `${DeliverySubjects.taskPrefix}.${tenantId}.${endpointId}`;
}

export function retryTaskSubject(tenantId: string, endpointId: string): string {
  return `${DeliverySubjects.retryPrefix}.${tenantId}.${endpointId}`;
}

export function attemptSubject(tenantId: string): string {
  return `${AttemptSubjects.prefix}.${tenantId}`;
}

/** Where a dispatcher of an earlier version recorded the deliveries it created for an event; log-service still reads it. */
export function deliveriesCreatedSubject(tenantId: string): string {
  return `${AttemptSubjects.prefix}.${tenantId}.${AttemptSubjects.createdSuffix}`;
}

/** Where the dispatcher stores a tenant's attempt records and created deliveries, several to a message. */
export function attemptLogBatchSubject(tenantId: string): string {
  return `${AttemptSubjects.prefix}.${tenantId}.${AttemptSubjects.batchSuffix}`;
}

/** What a message on the attempt stream holds: one attempt record, one event's created deliveries, or a batch of both. */
export type AttemptStreamEntry = 'attempt' | 'created' | 'batch';

const ATTEMPT_STREAM_ENTRIES: Record<string, AttemptStreamEntry> = {
  [AttemptSubjects.createdSuffix]: 'created',
  [AttemptSubjects.batchSuffix]: 'batch',
};

/** The tenant of an attempt-stream subject, and what its message holds. */
export function parseAttemptSubject(subject: string): { tenantId: string; holds: AttemptStreamEntry } | undefined {
  if (!subject.startsWith(`${AttemptSubjects.prefix}.`)) return undefined;
  const [tenantId, suffix, ...rest] = subject.slice(AttemptSubjects.prefix.length + 1).split('.');
  const holds = suffix === undefined ? 'attempt' : ATTEMPT_STREAM_ENTRIES[suffix];
  if (!tenantId || rest.length > 0 || !holds) return undefined;
  return { tenantId, holds };
}

export function deadLetterSubject(reason: string): string {
  return `${DeadLetterSubjects.prefix}.${reason}`;
}

export function endpointHealthKey(tenantId: string, endpointId: string): string {
  return `${tenantId}.${endpointId}`;
}

export function tenantConfigKey(tenantId: string): string {
  return `${ConfigKeyPrefixes.tenants}.${tenantId}`;
}

export function endpointConfigKey(tenantId: string, endpointId: string): string {
  return `${ConfigKeyPrefixes.endpoints}.${tenantId}.${endpointId}`;
}

const DELIVERY_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The delivery id (`webhook-id`) of an event for an endpoint. It is derived, not random, so a
 * redelivered or replayed event gets the same id and receivers can de-duplicate on it. Shared
 * by fan-out (dispatcher) and replay (config-api): both must give an event the same id.
 */
export function deliveryIdFor(tenantId: string, eventId: string, endpointId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\n${eventId}\n${endpointId}`).digest();
  let id = '';
  for (let i = 0; i < 26; i += 1) id += DELIVERY_ID_ALPHABET[digest[i] & 31];
  return `msg_${id}`;
}

/** A random delivery id, for deliveries that belong to no published event (test sends). */
export function randomDeliveryId(): string {
  return `msg_${Array.from(randomBytes(26), (byte) => DELIVERY_ID_ALPHABET[byte & 31]).join('')}`;
}

/** The event id of an event published without one: its sequence in the events stream (what fan-out uses). */
export function streamEventId(streamSequence: number): string {
  return `seq_${streamSequence}`;
}

/**
 * The JetStream message id of a delivery task a replay queues: unlike fan-out's (the delivery id
 * alone), it lets a replay re-send a delivery that was made before, while the same replay
 * queuing the same delivery twice within the duplicate window (a runner taking over) stores it once.
 */
export function replayTaskMessageId(deliveryId: string, replayId: string): string {
  return `${deliveryId}_${replayId}`;
}

/**
 * The id of one attempt of a delivery (`<delivery id>_<attempt number>`): the attempt log's
 * row id, the `log_id` of the API, and the JetStream message id of its record.
 */
export function attemptIdOf(attempt: { deliveryId: string; attempt: number }): string {
  return `${attempt.deliveryId}_${attempt.attempt}`;
}

/**
 * The id of the row a pending delivery shows in the attempts view until its first attempt:
 * attempt number 0, which no real attempt has.
 */
export function pendingAttemptIdOf(deliveryId: string): string {
  return attemptIdOf({ deliveryId, attempt: 0 });
}

/** Whether `id` is an attempt id (as opposed to a delivery id, which has no attempt number). */
export function isAttemptId(id: string): boolean {
  return /_\d+$/.test(id);
}

/**
 * The JetStream message id of a parked task (a delivery to a paused endpoint put back on the
 * retry subject to look again later): the attempt id, then `_parked_` and the time of the park.
 * The attempt id alone may already name the retry that brought the task here, and a paused
 * endpoint parks the same attempt again at every recheck: within the stream's duplicate window
 * a park under a reused id would be dropped as a duplicate, so each park gets an id of its own.
 */
export function parkedTaskMessageId(attempt: { deliveryId: string; attempt: number }, parkedAtMs: number): string {
  return `${attemptIdOf(attempt)}_parked_${parkedAtMs}`;
}

/**
 * The JetStream message id of an {@link EndpointDisabledMessage}: `<endpoint id>:<revision>:disabled`.
 * Several dispatcher replicas may decide to disable the same endpoint at once; the stream keeps
 * one event per configuration revision. The revision is in it so an endpoint enabled again (a
 * new revision) that fails again is disabled again, not taken for a duplicate.
 */
export function endpointDisabledMessageId(endpointId: string, revision: number): string {
  return `${endpointId}:${revision}:disabled`;
}

/**
 * The JetStream message id of a dead letter: `<stream>:<sequence>` of the message it keeps, then
 * `:<entry>` when it keeps one entry of a batch message. A message dead-lettered twice (by two
 * replicas, or again after a redelivery) is kept once, while each bad entry of one batch is kept
 * on its own.
 */
export function deadLetterMessageId(source: { stream: string; streamSequence: number }, entry?: string): string {
  return `${source.stream}:${source.streamSequence}${entry ? `:${entry}` : ''}`;
}
