import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { deadLetterMessageId, deadLetterSubject, encodeMessage, type DeadLetterMessage, type DeadLetterReason } from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';

const STORED_BODY_LIMIT = 16 * 1024;

/**
 * Takes a message that can never be processed out of the way: records it with its reason on
 * the dead-letter stream, then terminates it so it is never redelivered and never blocks the
 * messages behind it.
 */
@Injectable()
export class DeadLetterPublisher {
  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: DispatcherMetrics,
  ) {}

  async deadLetter(message: JsMsg, reason: DeadLetterReason, detail: string, tenantId?: string): Promise<void> {
    const record: DeadLetterMessage = {
      reason,
      detail,
      stream: message.info.stream,
      subject: message.subject,
      streamSequence: message.info.streamSequence,
      body: Buffer.from(message.data.subarray(0, STORED_BODY_LIMIT)).toString('utf8'),
      tenantId,
      deadLetteredAt: new Date().toISOString(),
    };
    await this.js.publish(deadLetterSubject(reason), encodeMessage(record), { msgID: deadLetterMessageId(message.info) });
    this.logger.warn({ reason, detail, subject: message.subject, seq: message.info.streamSequence, tenantId }, 'message dead-lettered');
    // No reason text: nats-server 2.9 takes `+TERM <reason>` for something else and redelivers.
    message.term();
    this.metrics.deadLetteredMessage(reason);
  }
}
