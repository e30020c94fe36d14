import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Consumer, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/config';
import { AttemptRecordedMessage, AttemptSubjects, ConsumerNames, InvalidMessageError, StreamNames, decodeMessage } from '@wirehook/contracts';
import { DeliveryLogRepository } from '@wirehook/delivery-logs';
import { JETSTREAM, JETSTREAM_MANAGER, ensureDurableConsumer } from '@wirehook/nats';
import { LogServiceConfig } from '../config/log-service.config';

/** Wait before retrying a batch MongoDB refused; the records stay in JetStream meanwhile. */
const WRITE_RETRY_DELAY_MS = 2000;

/**
 * Moves attempt records from JetStream into MongoDB in batches. A record is acked only after
 * the batch holding it was written; a failed write leaves the whole batch in JetStream and
 * tries again, so MongoDB can be down for a while without losing anything.
 */
@Injectable()
export class AttemptWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running = false;
  private loop?: Promise<void>;
  /** False while MongoDB refuses writes; readiness reports it. */
  healthy = true;

  constructor(
    private readonly config: LogServiceConfig,
    private readonly repository: DeliveryLogRepository,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureDurableConsumer(this.jsm, {
      stream: StreamNames.attempts,
      name: ConsumerNames.attemptWriter,
      filterSubject: AttemptSubjects.all,
      ackWaitMs: 60_000,
      maxAckPending: 20_000,
    });
    const consumer = await this.js.consumers.get(StreamNames.attempts, ConsumerNames.attemptWriter);
    this.running = true;
    this.loop = this.run(consumer);
  }

  private async run(consumer: Consumer): Promise<void> {
    while (this.running) {
      try {
        const batch = await consumer.fetch({ max_messages: this.config.LOG_WRITE_BATCH_SIZE, expires: Math.max(1000, this.config.LOG_WRITE_MAX_WAIT_MS) });
        const messages: JsMsg[] = [];
        for await (const message of batch) messages.push(message);
        if (messages.length > 0) await this.write(messages);
      } catch (error) {
        this.logger.error({ err: error }, 'fetching attempt records failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_DELAY_MS));
      }
    }
  }

  private async write(messages: JsMsg[]): Promise<void> {
    const records: AttemptRecordedMessage[] = [];
    const valid: JsMsg[] = [];
    for (const message of messages) {
      try {
        records.push(decodeMessage(AttemptRecordedMessage, message.data));
        valid.push(message);
      } catch (error) {
        if (!(error instanceof InvalidMessageError)) throw error;
        this.logger.error({ subject: message.subject, seq: message.seq, problems: error.problems }, 'dropped an invalid attempt record');
        message.term(error.message.slice(0, 200));
      }
    }
    try {
      await this.repository.recordAttempts(records);
    } catch (error) {
      this.healthy = false;
      this.logger.error({ err: error, records: records.length }, 'writing attempt records failed; they stay queued');
      for (const message of valid) message.nak(WRITE_RETRY_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_DELAY_MS));
      return;
    }
    this.healthy = true;
    await Promise.all(valid.map((message) => message.ackAck().catch(() => false)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
