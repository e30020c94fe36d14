import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import {
  AttemptTrigger,
  ConsumerNames,
  MAX_ATTEMPTS_PER_DELIVERY,
  StreamNames,
  deliveryTaskSubject,
  encodeMessage,
  eventSubject,
  replayTaskMessageId,
  type DeliveryTaskMessage,
} from '@wirehook/contracts';
import { JETSTREAM, JETSTREAM_MANAGER } from '@wirehook/nats';
import { ConfigApiConfig } from '../config/config-api.config';
import { TooManyRequestsError } from '../errors/domain.error';
import { LogServiceClient, type DeliveryState } from '../logs/log-service.client';
import { EndpointRepository } from '../webhooks/endpoint.repository';
import { replayedDeliveryOf, type ReplayTarget, type ReplayedDelivery, type StoredEvent } from './replay-matcher';
import { ReplayRepository, type ReplayProgress } from './replay.repository';
import type { ReplayDocument } from './replay.schema';

/** How long a claim holds without renewal: a crashed runner's job is taken over after this. */
const LEASE_MS = 30_000;
/** Progress is saved (and the lease renewed, and a cancel noticed) at least this often. */
const SAVE_EVERY_MS = 1_000;
const POLL_MS = 1_000;
/** When a job that failed for a passing reason (NATS or log-service away) is tried again. */
const RETRY_AFTER_MS = 5_000;
/** Jobs one config-api process runs at once; more wait, queued, for this or another replica. */
const MAX_JOBS_PER_PROCESS = 4;
/** Events read from the stream per ordered consumer. */
const READ_BATCH = 256;
const READ_EXPIRES_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs replay jobs. A job reads its window of the events stream with an ordered consumer (from
 * `from`, or right after the last sequence it saved), matches each event like fan-out does
 * against the endpoint's current subscriptions, and queues one delivery task per match on the
 * deliveries stream, where the dispatcher attempts it like any waiting delivery, within the
 * endpoint's `max_concurrency` and `rate_limit`.
 *
 * Why here, in config-api, and not in the dispatcher: the job is a MongoDB document config-api
 * owns (state, counts, progress, cancel), so running it next to it needs no second copy of the
 * state and no messages to keep one in step: a lease on the document (renewed with every
 * progress save) hands a crashed runner's job to another replica, which resumes after the saved
 * sequence; a cancel is one update the runner sees at its next save. The dispatcher keeps all
 * HTTP delivery: a replay only queues tasks. What a replay must share with fan-out (the delivery
 * id, the body) comes from contracts and {@link replayedDeliveryOf}.
 *
 * Live traffic goes first: a replay queues at most `REPLAY_RATE_PER_SECOND` tasks a second and
 * waits while the dispatcher's task consumer has more than `REPLAY_MAX_DELIVERY_BACKLOG` waiting.
 */
@Injectable()
export class ReplayRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly jobs = new Map<string, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopping = false;

  constructor(
    private readonly config: ConfigApiConfig,
    private readonly replays: ReplayRepository,
    private readonly endpoints: EndpointRepository,
    private readonly logs: LogServiceClient,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
  }

  /** Looks for a job to claim now (a replay was just queued). */
  wake(): void {
    void this.poll().catch((error: unknown) => this.logger.warn({ err: error }, 'looking for replay jobs failed; trying again shortly'));
  }

  /** Stops claiming, and has running jobs save their progress and give their lease back for another replica. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await Promise.allSettled(this.jobs.values());
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      while (!this.stopping && this.jobs.size < MAX_JOBS_PER_PROCESS) {
        const now = new Date();
        const job = await this.replays.claim(this.owner, now, new Date(now.getTime() + LEASE_MS));
        if (!job) return;
        const running = this.run(job).finally(() => this.jobs.delete(job._id));
        this.jobs.set(job._id, running);
      }
    } finally {
      this.polling = false;
    }
  }

  private async run(job: ReplayDocument): Promise<void> {
    const log = this.logger.child({ replayId: job._id, tenantId: job.tenantId, webhookId: job.endpointId });
    const progress: ReplayProgress = {
      eventsScanned: job.eventsScanned,
      eventsMatched: job.eventsMatched,
      deliveriesQueued: job.deliveriesQueued,
      lastSequence: job.lastSequence,
      reachedAt: job.reachedAt,
    };
    log.info({ from: job.from, to: job.to, resumeAfter: job.lastSequence }, 'replay started');
    let lastSave = Date.now();
    const save = async (): Promise<boolean> => {
      const now = new Date();
      lastSave = now.getTime();
      if (await this.replays.saveProgress(job._id, this.owner, progress, now, new Date(now.getTime() + LEASE_MS))) return true;
      await this.replays.saveCancelledProgress(job._id, progress, now);
      log.info('replay stopped: cancelled or taken over');
      return false;
    };
    const finish = async (state: 'completed' | 'failed', error: string | null): Promise<void> => {
      await this.replays.finish(job._id, this.owner, state, progress, error, new Date());
      log.info({ state, error, ...progress }, 'replay finished');
    };
    const pace = new Pace(this.config.REPLAY_RATE_PER_SECOND);
    try {
      for (;;) {
        if (this.stopping) {
          await save();
          await this.replays.release(job._id, this.owner, new Date(), null, new Date());
          return;
        }
        const endpoint = await this.endpoints.findById(job.tenantId, job.endpointId);
        if (!endpoint) return await finish('failed', 'the webhook was deleted');
        const target: ReplayTarget = { tenantId: job.tenantId, endpointId: endpoint._id, events: endpoint.events, tenantField: endpoint.tenantField };
        const batch = await this.read(job, progress.lastSequence);
        for (const event of batch.events) {
          if (event.storedAt.getTime() > job.to.getTime()) return await finish('completed', null);
          progress.eventsScanned += 1;
          const delivery = replayedDeliveryOf(event, target, job.events, this.config.DELIVERY_MAX_PAYLOAD_BYTES);
          if (delivery) {
            progress.eventsMatched += 1;
            await pace.next();
            if (await this.queue(job, delivery)) progress.deliveriesQueued += 1;
          }
          progress.lastSequence = event.sequence;
          progress.reachedAt = event.storedAt;
          if (Date.now() - lastSave >= SAVE_EVERY_MS) {
            if (!(await save()) || !(await this.untilRoomForTasks(save))) return;
          }
        }
        if (batch.end) return await finish('completed', null);
        if (!(await save())) return;
      }
    } catch (error) {
      log.warn({ err: error }, 'replay interrupted; trying again shortly');
      const message = error instanceof Error ? error.message : String(error);
      await save().catch(() => false);
      await this.replays
        .release(job._id, this.owner, new Date(Date.now() + RETRY_AFTER_MS), `interrupted, resuming: ${message}`, new Date())
        .catch(() => undefined);
    }
  }

  /**
   * The next events of the tenant from the stream: from the window's start, or right after the
   * last one handled. `end` once the stream holds nothing after them.
   */
  private async read(job: ReplayDocument, lastSequence: number | null): Promise<{ events: StoredEvent[]; end: boolean }> {
    const start: Partial<OrderedConsumerOptions> =
      lastSequence === null
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: job.from.toISOString() }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSequence + 1 };
    const consumer = await this.js.consumers.get(StreamNames.events, { filter_subjects: eventSubject(job.tenantId, '>'), ...start });
    const events: StoredEvent[] = [];
    let end = true;
    try {
      const messages = await consumer.fetch({ max_messages: READ_BATCH, expires: READ_EXPIRES_MS });
      for await (const message of messages) {
        events.push({ subject: message.subject, data: message.data, sequence: message.seq, storedAt: new Date(message.info.timestampNanos / 1e6) });
        end = message.info.pending === 0;
        if (end) {
          messages.stop();
          break;
        }
      }
    } finally {
      await consumer.delete().catch(() => false);
    }
    return { events, end };
  }

  /**
   * Queues the delivery as a task. A delivery the log has never seen (the endpoint was paused,
   * or did not exist yet) gets its first attempt, trigger `auto`, with automatic retries; one
   * attempted before gets its next attempt, trigger `manual`, like a recover. One still pending
   * or retrying is on its way already and is left alone. False when nothing was queued.
   */
  private async queue(job: ReplayDocument, delivery: ReplayedDelivery): Promise<boolean> {
    const logged = await this.logged(job.tenantId, delivery.deliveryId);
    if (logged && (logged.status === 'pending' || logged.status === 'retrying')) return false;
    const attempt = logged ? logged.attempts + 1 : 1;
    if (attempt > MAX_ATTEMPTS_PER_DELIVERY) return false;
    const task: DeliveryTaskMessage = {
      ...delivery,
      tenantId: job.tenantId,
      endpointId: job.endpointId,
      createdAt: logged?.createdAt ?? new Date().toISOString(),
      attempt,
      trigger: logged ? AttemptTrigger.manual : AttemptTrigger.auto,
    };
    await this.js.publish(deliveryTaskSubject(job.tenantId, job.endpointId), encodeMessage(task), { msgID: replayTaskMessageId(delivery.deliveryId, job._id) });
    return true;
  }

  /** The delivery as log-service has it, or null when it has none; waits its turn when log-service is busy. */
  private async logged(tenantId: string, deliveryId: string): Promise<DeliveryState | null> {
    for (;;) {
      try {
        return await this.logs.deliveryState(tenantId, deliveryId);
      } catch (error) {
        if (!(error instanceof TooManyRequestsError)) throw error;
        await sleep(error.retryAfterSeconds * 1000);
      }
    }
  }

  /**
   * Waits while the dispatcher's fresh-task consumer has more than the allowed backlog, saving
   * progress meanwhile (which keeps the lease). False when the job is no longer this runner's.
   */
  private async untilRoomForTasks(save: () => Promise<boolean>): Promise<boolean> {
    for (;;) {
      const waiting = await this.jsm.consumers.info(StreamNames.deliveries, ConsumerNames.deliveries).then(
        (info) => info.num_pending,
        // No consumer yet (no dispatcher has started): tasks wait in the stream, nothing to yield to.
        () => 0,
      );
      if (waiting <= this.config.REPLAY_MAX_DELIVERY_BACKLOG || this.stopping) return true;
      await sleep(SAVE_EVERY_MS);
      if (!(await save())) return false;
    }
  }
}

/** Spaces calls `1 / perSecond` apart. */
class Pace {
  private nextAt = 0;

  constructor(private readonly perSecond: number) {}

  async next(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}
