import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';

/** Lifetime of each pull request; a stopped worker's last one is gone after this long. */
const PULL_EXPIRES_MS = 5_000;

/**
 * Delay for messages handed back at shutdown. The server may still send to this process's last
 * pull request until it expires; a redelivery sooner than that would go nowhere and wait out
 * the whole ack wait.
 */
export const HAND_BACK_DELAY_MS = PULL_EXPIRES_MS + 1_000;

/** Handles one message and settles it itself (ack, nak with delay, or term). */
export type MessageHandler = (message: JsMsg) => Promise<void>;

export interface JetStreamWorkerOptions {
  /** Messages processed at the same time by this process. */
  concurrency: number;
  /** Redelivery delay after the handler threw. */
  failureRedeliveryMs: number;
  logger: Logger;
}

/**
 * Pulls from a durable consumer and runs the handler on up to `concurrency` messages at once.
 * `stop()` stops pulling, hands back what was fetched but not started, and waits for the
 * messages in progress.
 */
export class JetStreamWorker {
  private messages?: ConsumerMessages;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private loop?: Promise<void>;

  constructor(
    private readonly consumer: Consumer,
    private readonly handler: MessageHandler,
    private readonly options: JetStreamWorkerOptions,
  ) {}

  async start(): Promise<void> {
    this.messages = await this.consumer.consume({ max_messages: this.options.concurrency, expires: PULL_EXPIRES_MS });
    this.loop = this.run(this.messages);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      if (this.stopping) {
        message.nak(HAND_BACK_DELAY_MS);
        continue;
      }
      const task = this.process(message).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
      if (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
    }
  }

  private async process(message: JsMsg): Promise<void> {
    try {
      await this.handler(message);
    } catch (error) {
      this.options.logger.error({ err: error, subject: message.subject, seq: message.seq }, 'message handler failed; redelivering later');
      message.nak(this.options.failureRedeliveryMs);
    }
  }

  /** Stops pulling and waits for in-flight messages, at most `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    await this.messages?.close();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all([...this.inFlight, this.loop]), timeout]);
    clearTimeout(timer);
  }
}
