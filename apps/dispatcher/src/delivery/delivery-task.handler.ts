import { Injectable } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetterReason, DeliveryTaskMessage, InvalidMessageError, decodeMessage } from '@wirehook/contracts';
import { DeadLetterPublisher } from '../dead-letters/dead-letter.publisher';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';
import { DeliveryService } from './delivery.service';

const WORKING_INTERVAL_MS = 10_000;

/**
 * Settles delivery task messages, fresh and retries alike: a retry that is not yet due goes
 * back with a delay, a task for a paused endpoint is parked, a task whose endpoint is gone is
 * dead-lettered, every other task gets its attempt.
 */
@Injectable()
export class DeliveryTaskHandler {
  constructor(
    private readonly directory: EndpointDirectory,
    private readonly deliveries: DeliveryService,
    private readonly deadLetters: DeadLetterPublisher,
  ) {}

  async handle(message: JsMsg): Promise<void> {
    let task: DeliveryTaskMessage;
    try {
      task = decodeMessage(DeliveryTaskMessage, message.data);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const reason = error.reason === 'malformed_json' ? DeadLetterReason.malformedJson : DeadLetterReason.invalidFields;
      return this.deadLetters.deadLetter(message, reason, error.message);
    }
    const dueInMs = task.notBefore ? Date.parse(task.notBefore) - Date.now() : 0;
    if (dueInMs > 0) {
      message.nak(dueInMs);
      return;
    }
    const endpoint = this.directory.get(task.tenantId, task.endpointId);
    if (!endpoint) {
      const detail = `endpoint '${task.endpointId}' of tenant '${task.tenantId}' does not exist (deleted?)`;
      return this.deadLetters.deadLetter(message, DeadLetterReason.unknownEndpoint, detail, task.tenantId);
    }
    if (!endpoint.active) {
      await this.deliveries.park(task);
      message.ack();
      return;
    }
    // Tell JetStream the message is still being worked on, so a slow endpoint is not attempted twice.
    const keepAlive = setInterval(() => message.working(), WORKING_INTERVAL_MS);
    try {
      await this.deliveries.attempt(endpoint, task);
    } finally {
      clearInterval(keepAlive);
    }
    message.ack();
  }
}
