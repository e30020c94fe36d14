import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { LOGGER } from '@wirehook/logging';
import { MetricsRegistry } from '@wirehook/metrics';
import {
  AttemptRecordedMessage,
  ConsumerBindings,
  DeliveriesCreatedMessage,
  parseAttemptSubject,
  DeadLetterReason,
  InvalidMessageError,
  deadLetterMessageId,
  deadLetterSubject,
  decodeMessage,
  encodeMessage,
  parseJsonObject,
  validatePlain,
  type AttemptLogBatch,
  type DeadLetterMessage,
} from '@wirehook/contracts';
import { SpanAttributes, SpanNames, Tracing, type TraceSpan } from '@wirehook/tracing';
import { DeliveryLogs, redactHeaders } from '@wirehook/delivery-logs';
import { JETSTREAM, JETSTREAM_MANAGER, openDurableConsumer } from '@wirehook/nats';
import { LogServiceConfig } from '../config/log-service.config';
import { describeWriteFailure, isTransientWriteFailure } from './write-failure';

/** How long JetStream waits for an ack before it hands a record out again. */
const ACK_WAIT_MS = 60_000;
/** Retry delays of a batch MongoDB did not take: quick at first, then every few seconds. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
/** Bytes of a dead-lettered record kept with it. */
const DEAD_LETTER_BODY_LIMIT = 16 * 1024;
const TIMED_OUT = Symbol('timed out');
/** `"<name holding a credential>": <value, quoted or not>` in text that is not valid JSON. */
const SECRET_FIELD_IN_TEXT = /("[^"]*(?:authorization|cookie|secret|token|passw|credential|session|api-key)[^"]*"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?|[^,}\]]*)/gi;

/**
 * What one message brings on its way to MongoDB, with the message to settle once all of it is
 * stored: an attempt, the deliveries fan-out created for an event, or a batch of both.
 */
interface PendingMessage {
  attempts: AttemptRecordedMessage[];
  created: DeliveriesCreatedMessage[];
  message: JsMsg;
}

function entriesOf(pending: PendingMessage): number {
  return pending.attempts.length + pending.created.length;
}

/** Consecutive groups of messages holding at most `limit` entries each; a larger message is a group of its own. */
function writeGroups(pending: PendingMessage[], limit: number): PendingMessage[][] {
  const groups: PendingMessage[][] = [];
  let entries = 0;
  for (const item of pending) {
    const size = entriesOf(item);
    if (groups.length === 0 || entries + size > limit) {
      groups.push([]);
      entries = 0;
    }
    groups[groups.length - 1].push(item);
    entries += size;
  }
  return groups;
}

/** Resolves with the promise's value, or {@link TIMED_OUT} after `ms`; the promise is left running. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body of a record that cannot be stored, with any header values that look secret redacted. */
function redactedBody(data: Uint8Array): string {
  const text = Buffer.from(data.subarray(0, DEAD_LETTER_BODY_LIMIT)).toString('utf8');
  try {
    const plain = JSON.parse(text) as { request?: { headers?: unknown }; response?: { headers?: unknown } };
    for (const part of [plain.request, plain.response]) {
      if (part && typeof part.headers === 'object' && part.headers !== null) part.headers = redactHeaders(part.headers as Record<string, string>);
    }
    return JSON.stringify(plain);
  } catch {
    // Not JSON (or cut short): mask whatever looks like a secret-named string field instead.
    return text.replace(SECRET_FIELD_IN_TEXT, '$1"[redacted]"');
  }
}

/**
 * Moves attempt records from JetStream into MongoDB in batches of up to LOG_WRITE_BATCH_SIZE,
 * waiting at most LOG_WRITE_MAX_WAIT_MS for a batch to fill. A record is acked only once the
 * batch holding it is stored. While MongoDB refuses writes, the batch is held (its ack deadline
 * extended) and tried again with backoff, and nothing more is pulled: every other record waits
 * in the WEBHOOK_ATTEMPTS work queue, and writing resumes by itself when MongoDB answers again.
 * A record that can never be stored (malformed, or refused by MongoDB itself) is dead-lettered
 * so it cannot hold the others back.
 */
@Injectable()
export class AttemptWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;
  /** When the write failing now first failed; null while writes succeed. */
  private failingSince: Date | null = null;
  /** When the write in progress started; null between writes. */
  private writingSince: number | null = null;

  private readonly recordsWritten: Counter;
  private readonly lastWrite: Gauge;

  constructor(
    private readonly config: LogServiceConfig,
    private readonly logs: DeliveryLogs,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
    registry: MetricsRegistry,
    private readonly tracing: Tracing,
  ) {
    this.recordsWritten = new Counter({ name: 'wirehook_attempt_records_written_total', help: 'Attempt records written to MongoDB', registers: [registry] });
    this.lastWrite = new Gauge({
      name: 'wirehook_log_last_write_timestamp_seconds',
      help: 'Unix time of the last write of attempt records to MongoDB by this process (0 before the first)',
      registers: [registry],
    });
  }

  /**
   * False while MongoDB refuses the batch in hand, or while a write has hung for longer than
   * its write-concern timeout allows; readiness reports it.
   */
  get healthy(): boolean {
    const hung = this.writingSince !== null && Date.now() - this.writingSince > this.config.MONGODB_WRITE_TIMEOUT_MS * 2;
    return this.failingSince === null && !hung;
  }

  async onApplicationBootstrap(): Promise<void> {
    const consumer = await openDurableConsumer(this.js, this.jsm, { ...ConsumerBindings.attemptWriter, ackWaitMs: ACK_WAIT_MS, maxAckPending: 20_000 });
    this.loop = this.pull(consumer);
  }

  /** Pulls for as long as the app runs; should pulling itself end or fail, it starts again. */
  private async pull(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      try {
        // Room for the batch being written and the next one filling behind it, no more: while
        // MongoDB is down the rest of the queue stays in JetStream.
        this.messages = await consumer.consume({ max_messages: this.config.LOG_WRITE_BATCH_SIZE * 2 });
        await this.run(this.messages);
      } catch (error) {
        this.logger.error({ err: error }, 'pulling attempt records failed; pulling again shortly');
      }
      if (!this.stopping) await this.pause(RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]);
    }
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    const iterator = messages[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      next = iterator.next();
      if (this.stopping) {
        first.value.nak();
        continue;
      }
      const batch = [first.value];
      const deadline = Date.now() + this.config.LOG_WRITE_MAX_WAIT_MS;
      let ended = false;
      while (batch.length < this.config.LOG_WRITE_BATCH_SIZE) {
        const result = await within(next, deadline - Date.now());
        if (result === TIMED_OUT) break;
        if (result.done) {
          ended = true;
          break;
        }
        batch.push(result.value);
        next = iterator.next();
      }
      try {
        await this.settle(batch);
      } catch (error) {
        // Not a MongoDB failure (those are retried inside): most likely NATS is gone. The
        // records go back to JetStream for a later try.
        this.logger.error({ err: error, records: batch.length }, 'settling attempt records failed; redelivering them later');
        batch.forEach((message) => message.nak(RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1]));
      }
      if (ended) return;
    }
  }

  /**
   * Stores a batch of messages and acks each once all it holds is written, in writes of at most
   * LOG_WRITE_BATCH_SIZE entries; gives them back to JetStream only when shutting down first.
   */
  private async settle(batch: JsMsg[]): Promise<void> {
    const decoded = await this.decode(batch);
    // A slow or absent MongoDB must not let the ack deadline pass: JetStream would hand the
    // same records to another replica while this one still holds them.
    const keepAlive = setInterval(() => decoded.forEach(({ message }) => message.working()), ACK_WAIT_MS / 3);
    try {
      for (const pending of writeGroups(decoded, this.config.LOG_WRITE_BATCH_SIZE)) {
        for (let failures = 0; pending.length > 0; failures += 1) {
          try {
            this.writingSince = Date.now();
            await this.store(pending);
          } catch (error) {
            if (this.failingSince === null) this.failingSince = new Date();
            this.logger.error(
              {
                error: describeWriteFailure(error),
                records: pending.reduce((sum, item) => sum + entriesOf(item), 0),
                failingSince: this.failingSince.toISOString(),
              },
              'writing attempt records failed; they stay queued and the write is retried',
            );
            if (this.stopping) {
              decoded.forEach(({ message }) => message.nak());
              return;
            }
            await this.pause(RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)]);
          }
        }
      }
    } finally {
      this.writingSince = null;
      clearInterval(keepAlive);
    }
    if (this.failingSince !== null) this.logger.info({ failingSince: this.failingSince.toISOString() }, 'writing attempt records works again');
    this.failingSince = null;
  }

  /** Decodes a batch of messages; what is malformed is dead-lettered on the spot. */
  private async decode(batch: JsMsg[]): Promise<PendingMessage[]> {
    const pending: PendingMessage[] = [];
    for (const message of batch) {
      const holds = parseAttemptSubject(message.subject)?.holds ?? 'attempt';
      try {
        if (holds === 'batch') {
          const decoded = await this.decodeBatch(message);
          if (decoded) pending.push(decoded);
        } else if (holds === 'created') {
          pending.push({ attempts: [], created: [decodeMessage(DeliveriesCreatedMessage, message.data)], message });
        } else {
          pending.push({ attempts: [decodeMessage(AttemptRecordedMessage, message.data)], created: [], message });
        }
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        await this.deadLetterInvalid(message, error);
      }
    }
    return pending;
  }

  /**
   * The entries of a batch the dispatcher stored: each is validated on its own, and a bad one is
   * dead-lettered alone. Undefined when nothing in it is left to write (the message is acked).
   */
  private async decodeBatch(message: JsMsg): Promise<PendingMessage | undefined> {
    const plain = parseJsonObject(message.data) as Partial<Record<keyof AttemptLogBatch, unknown>>;
    if (!Array.isArray(plain.attempts) || !Array.isArray(plain.created)) {
      throw new InvalidMessageError(['a batch must hold an attempts array and a created array']);
    }
    const pending: PendingMessage = { attempts: [], created: [], message };
    const kinds = [
      ['attempts', plain.attempts, (item: unknown) => pending.attempts.push(validatePlain(AttemptRecordedMessage, item))],
      ['created', plain.created, (item: unknown) => pending.created.push(validatePlain(DeliveriesCreatedMessage, item))],
    ] as const;
    for (const [kind, items, take] of kinds) {
      for (const [index, item] of items.entries()) {
        try {
          take(item);
        } catch (error) {
          if (!(error instanceof InvalidMessageError)) throw error;
          this.logger.error(
            { subject: message.subject, seq: message.seq, entry: `${kind}[${index}]`, problems: error.problems },
            'dropped an invalid attempt record',
          );
          await this.publishDeadLetter(
            message,
            DeadLetterReason.invalidFields,
            error.problems.join('; '),
            Buffer.from(JSON.stringify(item)),
            `${kind}[${index}]`,
          );
        }
      }
    }
    if (entriesOf(pending) > 0) return pending;
    await message.ackAck();
    return undefined;
  }

  private async deadLetterInvalid(message: JsMsg, error: InvalidMessageError): Promise<void> {
    // The JSON parser quotes a few characters of the text around the fault, which may be a
    // header value: a malformed record is described without them.
    const malformed = error.reason === 'malformed_json';
    const problems = malformed ? ['body is not valid JSON'] : error.problems;
    this.logger.error({ subject: message.subject, seq: message.seq, problems }, 'dropped an invalid attempt record');
    await this.deadLetter(message, malformed ? DeadLetterReason.malformedJson : DeadLetterReason.invalidFields, problems.join('; '));
  }

  /**
   * Writes the records and acks their messages, removing each from `pending` once settled. When
   * MongoDB refuses the documents themselves, the batch is written message by message, and a
   * refused message that holds several entries entry by entry, so that only the offending
   * entries are dead-lettered. Transient failures are thrown, leaving in `pending` what is
   * still to be written.
   */
  private async store(pending: PendingMessage[]): Promise<void> {
    try {
      await this.recordAll(pending);
      const written = pending.splice(0, pending.length);
      this.written(written.reduce((sum, item) => sum + entriesOf(item), 0));
      // A lost ack only means a redelivery, which the unique attempt key absorbs.
      await Promise.all(written.map(({ message }) => message.ackAck().catch(() => false)));
      return;
    } catch (error) {
      if (isTransientWriteFailure(error)) throw error;
    }
    while (pending.length > 0) {
      const [entry] = pending;
      await this.storeAlone(entry);
      pending.shift();
    }
  }

  /** Counts entries MongoDB took; the time of it tells "writes stalled" from "nothing to write". */
  private written(entries: number): void {
    this.recordsWritten.inc(entries);
    this.lastWrite.setToCurrentTime();
  }

  /** Writes one message's entries, dead-lettering what MongoDB refuses, then acks it. */
  private async storeAlone(entry: PendingMessage): Promise<void> {
    const { message } = entry;
    try {
      await this.recordAll([entry]);
      this.written(entriesOf(entry));
      await message.ackAck().catch(() => false);
      return;
    } catch (error) {
      if (isTransientWriteFailure(error)) throw error;
      if (entriesOf(entry) === 1) {
        const described = describeWriteFailure(error);
        this.logger.error({ subject: message.subject, seq: message.seq, error: described }, 'MongoDB refused an attempt record; dead-lettered');
        await this.deadLetter(message, DeadLetterReason.invalidFields, `MongoDB refused to store it: ${described.message}`);
        return;
      }
    }
    const singles = [
      ...entry.attempts.map((attempt, index) => ({ name: `attempts[${index}]`, item: attempt, alone: { attempts: [attempt], created: [], message } })),
      ...entry.created.map((created, index) => ({ name: `created[${index}]`, item: created, alone: { attempts: [], created: [created], message } })),
    ];
    for (const { name, item, alone } of singles) {
      try {
        await this.recordAll([alone]);
        this.recordsWritten.inc();
      } catch (error) {
        if (isTransientWriteFailure(error)) throw error;
        const described = describeWriteFailure(error);
        this.logger.error({ subject: message.subject, seq: message.seq, entry: name, error: described }, 'MongoDB refused an attempt record; dead-lettered');
        await this.publishDeadLetter(
          message,
          DeadLetterReason.invalidFields,
          `MongoDB refused to store it: ${described.message}`,
          Buffer.from(JSON.stringify(item)),
          name,
        );
      }
    }
    await message.ackAck().catch(() => false);
  }

  /** Writes the entries; when spans are exported, each attempt of a trace gets a write span, child of the attempt's. */
  private async recordAll(pending: PendingMessage[]): Promise<void> {
    const attempts = pending.flatMap((item) => item.attempts);
    const spans = this.tracing.exporting ? this.writeSpans(attempts) : [];
    try {
      await this.logs.recorder.record(
        attempts,
        pending.flatMap(({ created }) => created),
      );
    } catch (error) {
      for (const span of spans) span.fail(isTransientWriteFailure(error) ? 'MongoDB did not take the write; it is retried' : 'MongoDB refused the write');
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private writeSpans(attempts: AttemptRecordedMessage[]): TraceSpan[] {
    const spans: TraceSpan[] = [];
    for (const attempt of attempts) {
      if (attempt.traceparent === undefined) continue;
      const span = this.tracing.startSpan(SpanNames.attemptLogWrite, 'consumer', { traceparent: attempt.traceparent });
      if (span.recording) {
        span.setAttributes({
          [SpanAttributes.tenantId]: attempt.tenantId,
          [SpanAttributes.endpointId]: attempt.endpointId,
          [SpanAttributes.deliveryId]: attempt.deliveryId,
          [SpanAttributes.attempt]: attempt.attempt,
          [SpanAttributes.deliveryStatus]: attempt.status,
          'wirehook.batch.attempts': attempts.length,
        });
      }
      spans.push(span);
    }
    return spans;
  }

  /** Keeps a record that can never be stored on the dead-letter stream, then takes it out of the queue. */
  private async deadLetter(message: JsMsg, reason: DeadLetterReason, detail: string): Promise<void> {
    await this.publishDeadLetter(message, reason, detail, message.data);
    // An ack rather than a term: the record is kept on the dead-letter stream now, and a work
    // queue drops an acked message on every server version (nats-server 2.9 leaves a message
    // terminated with a reason pending, where it counts against MaxAckPending for ever).
    await message.ackAck();
  }

  /** Keeps `body` (a message, or one entry of a batch, named by `entry`) on the dead-letter stream. */
  private async publishDeadLetter(message: JsMsg, reason: DeadLetterReason, detail: string, body: Uint8Array, entry?: string): Promise<void> {
    const tenantId = parseAttemptSubject(message.subject)?.tenantId;
    const record: DeadLetterMessage = {
      reason,
      detail: (entry ? `${entry}: ${detail}` : detail).slice(0, 4000),
      stream: message.info.stream,
      subject: message.subject,
      streamSequence: message.info.streamSequence,
      body: redactedBody(body),
      tenantId,
      deadLetteredAt: new Date().toISOString(),
    };
    await this.js.publish(deadLetterSubject(reason), encodeMessage(record), { msgID: deadLetterMessageId(message.info, entry) });
  }

  /** Waits `ms`, or less when shutdown begins. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.messages?.close();
    await this.loop;
  }
}
