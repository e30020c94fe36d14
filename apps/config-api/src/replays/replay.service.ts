import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import { ApiErrorCode, StreamNames } from '@wirehook/contracts';
import { JETSTREAM_MANAGER } from '@wirehook/nats';
import { DomainError, NotFoundError } from '../errors/domain.error';
import { WebhookService } from '../webhooks/webhook.service';
import { ReplayRepository, activeKeyOf } from './replay.repository';
import { ReplayRunner } from './replay-runner.service';
import type { ReplayDocument } from './replay.schema';
import { replayWindow, type KeptEvents } from './replay-window';

/** What a caller asks to replay. */
export interface ReplayRequest {
  from: string;
  to?: string;
  events?: string[];
}

/** Replay jobs as the API sees them: checked and stored here, run by {@link ReplayRunner}. */
@Injectable()
export class ReplayService {
  constructor(
    private readonly replays: ReplayRepository,
    private readonly webhooks: WebhookService,
    private readonly runner: ReplayRunner,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Queues a replay of the window for the webhook. 400 for a window the events stream no longer
   * (or not yet) holds, 409 while the webhook has another unfinished replay.
   */
  async create(tenantId: string, webhookId: string, requestedBy: string, request: ReplayRequest): Promise<ReplayDocument> {
    await this.webhooks.get(tenantId, webhookId);
    const now = new Date();
    const window = replayWindow(request, await this.keptEvents(), now);
    const id = `rpl_${randomBytes(12).toString('hex')}`;
    const replay: ReplayDocument = {
      _id: id,
      tenantId,
      endpointId: webhookId,
      state: 'queued',
      from: window.from,
      to: window.to,
      events: request.events && request.events.length > 0 ? [...new Set(request.events)] : null,
      requestedBy,
      eventsScanned: 0,
      eventsMatched: 0,
      deliveriesQueued: 0,
      lastSequence: null,
      reachedAt: null,
      error: null,
      activeKey: activeKeyOf(tenantId, webhookId),
      leaseOwner: null,
      leaseUntil: new Date(0),
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    };
    if (!(await this.replays.insert(replay))) {
      const unfinished = await this.replays.findUnfinished(tenantId, webhookId);
      const which = unfinished ? `replay '${unfinished._id}' (${unfinished.state})` : 'another replay';
      throw new DomainError('conflict', ApiErrorCode.replayInProgress, `this webhook already has ${which}; wait for it to finish or cancel it`);
    }
    this.runner.wake();
    return replay;
  }

  async get(tenantId: string, id: string): Promise<ReplayDocument> {
    const replay = await this.replays.find(tenantId, id);
    if (!replay) throw new NotFoundError(ApiErrorCode.replayNotFound, id);
    return replay;
  }

  async listForWebhook(tenantId: string, webhookId: string, page: number, perPage: number): Promise<{ rows: ReplayDocument[]; total: number }> {
    await this.webhooks.get(tenantId, webhookId);
    return this.replays.listForEndpoint(tenantId, webhookId, (page - 1) * perPage, perPage);
  }

  /** Cancels a queued or running replay: its runner stops at its next progress save (within a second). */
  async cancel(tenantId: string, id: string): Promise<ReplayDocument> {
    const cancelled = await this.replays.cancel(tenantId, id, new Date());
    if (cancelled) return cancelled;
    const replay = await this.get(tenantId, id);
    throw new DomainError(
      'conflict',
      ApiErrorCode.replayFinished,
      `replay '${id}' has already ${replay.state === 'cancelled' ? 'been cancelled' : replay.state}`,
    );
  }

  /** What the events stream holds now. */
  private async keptEvents(): Promise<KeptEvents> {
    try {
      const info = await this.jsm.streams.info(StreamNames.events);
      return {
        maxAgeMs: info.config.max_age / 1e6,
        firstSequence: info.state.first_seq,
        firstStoredAt: new Date(info.state.first_ts),
      };
    } catch {
      throw new DomainError(
        'unavailable',
        ApiErrorCode.eventBusUnavailable,
        'the events stream could not be read because NATS is unavailable; try again shortly',
      );
    }
  }
}
