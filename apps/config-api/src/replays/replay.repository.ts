import type { Connection, Model } from 'mongoose';
import { UNFINISHED_REPLAY_STATES, replaySchema, type ReplayDocument, type ReplayState } from './replay.schema';

/** Where a running replay has got to: saved with its lease, so a takeover resumes right after it. */
export interface ReplayProgress {
  eventsScanned: number;
  eventsMatched: number;
  deliveriesQueued: number;
  lastSequence: number | null;
  reachedAt: Date | null;
}

const DUPLICATE_KEY = 11000;

/** The key that holds an endpoint's one unfinished replay. */
export function activeKeyOf(tenantId: string, endpointId: string): string {
  return `${tenantId}:${endpointId}`;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/** Replay jobs in MongoDB. Every query of a tenant's jobs carries the tenant. */
export class ReplayRepository {
  private readonly replays: Model<ReplayDocument>;

  constructor(connection: Connection) {
    this.replays = connection.model<ReplayDocument>('Replay', replaySchema);
  }

  /** Stores a new job; false when the endpoint already has an unfinished one (index `active_per_endpoint`). */
  async insert(replay: ReplayDocument): Promise<boolean> {
    try {
      await this.replays.create(replay);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The endpoint's unfinished replay, if any (index `active_per_endpoint`). */
  async findUnfinished(tenantId: string, endpointId: string): Promise<ReplayDocument | null> {
    return this.replays
      .findOne({ activeKey: activeKeyOf(tenantId, endpointId), tenantId })
      .hint('active_per_endpoint')
      .lean<ReplayDocument>();
  }

  async find(tenantId: string, id: string): Promise<ReplayDocument | null> {
    return this.replays.findOne({ _id: id, tenantId }).lean<ReplayDocument>();
  }

  /** An endpoint's replays, newest first (index `tenant_endpoint_time`). */
  async listForEndpoint(tenantId: string, endpointId: string, skip: number, limit: number): Promise<{ rows: ReplayDocument[]; total: number }> {
    const filter = { tenantId, endpointId };
    const [rows, total] = await Promise.all([
      this.replays.find(filter).sort({ createdAt: -1 }).skip(skip).limit(limit).hint('tenant_endpoint_time').lean<ReplayDocument[]>(),
      this.replays.countDocuments(filter).hint('tenant_endpoint_time'),
    ]);
    return { rows, total };
  }

  /**
   * Claims the oldest unfinished job whose lease has lapsed (a queued one, or one whose runner
   * stopped renewing: crashed or shut down) for `owner` until `leaseUntil` (index `state_lease`).
   */
  async claim(owner: string, now: Date, leaseUntil: Date): Promise<ReplayDocument | null> {
    const claimed = await this.replays
      .findOneAndUpdate(
        { state: { $in: UNFINISHED_REPLAY_STATES }, leaseUntil: { $lt: now } },
        { $set: { state: 'running', leaseOwner: owner, leaseUntil, updatedAt: now } },
        { new: true, sort: { leaseUntil: 1 } },
      )
      .hint('state_lease')
      .lean<ReplayDocument>();
    if (claimed && !claimed.startedAt) {
      await this.replays.updateOne({ _id: claimed._id, startedAt: null }, { $set: { startedAt: now } });
      claimed.startedAt = now;
    }
    return claimed;
  }

  /**
   * Saves progress and renews the lease; false when the job is no longer this owner's to run
   * (cancelled, or taken over after the lease lapsed): the runner stops.
   */
  async saveProgress(id: string, owner: string, progress: ReplayProgress, now: Date, leaseUntil: Date): Promise<boolean> {
    const result = await this.replays.updateOne({ _id: id, state: 'running', leaseOwner: owner }, { $set: { ...progress, leaseUntil, updatedAt: now } });
    return result.matchedCount === 1;
  }

  /** Ends a job this owner runs: completed or failed, with its final progress. */
  async finish(
    id: string,
    owner: string,
    state: Extract<ReplayState, 'completed' | 'failed'>,
    progress: ReplayProgress,
    error: string | null,
    now: Date,
  ): Promise<boolean> {
    const result = await this.replays.updateOne(
      { _id: id, state: 'running', leaseOwner: owner },
      { $set: { ...progress, state, error, activeKey: `done:${id}`, leaseOwner: null, updatedAt: now, finishedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /**
   * Records what a runner did between its last save and noticing the cancel, so the counts of a
   * cancelled job are what it queued.
   */
  async saveCancelledProgress(id: string, progress: ReplayProgress, now: Date): Promise<void> {
    await this.replays.updateOne(
      { _id: id, state: 'cancelled', deliveriesQueued: { $lte: progress.deliveriesQueued } },
      { $set: { ...progress, updatedAt: now } },
    );
  }

  /** Gives a job back, to be claimed again from `retryAt` (by any runner), with what went wrong if anything. */
  async release(id: string, owner: string, retryAt: Date, error: string | null, now: Date): Promise<void> {
    await this.replays.updateOne({ _id: id, state: 'running', leaseOwner: owner }, { $set: { leaseOwner: null, leaseUntil: retryAt, error, updatedAt: now } });
  }

  /** Cancels an unfinished job; null when the tenant has no such job or it has finished. */
  async cancel(tenantId: string, id: string, now: Date): Promise<ReplayDocument | null> {
    return this.replays
      .findOneAndUpdate(
        { _id: id, tenantId, state: { $in: UNFINISHED_REPLAY_STATES } },
        { $set: { state: 'cancelled', activeKey: `done:${id}`, leaseOwner: null, updatedAt: now, finishedAt: now } },
        { new: true },
      )
      .lean<ReplayDocument>();
  }
}
