import { Schema } from 'mongoose';

export const REPLAY_STATES = ['queued', 'running', 'completed', 'cancelled', 'failed'] as const;
export type ReplayState = (typeof REPLAY_STATES)[number];

/** States a replay can still move on from; at most one replay per endpoint is in one of them. */
export const UNFINISHED_REPLAY_STATES: readonly ReplayState[] = ['queued', 'running'];

/**
 * A replay job: re-deliver the events of a time window of the events stream to one endpoint.
 * `lastSequence` and the counts are saved together, so a runner that takes the job over
 * resumes after `lastSequence` with the counts of the work before it.
 */
export interface ReplayDocument {
  _id: string;
  tenantId: string;
  endpointId: string;
  state: ReplayState;
  /** Events stored in the stream in [from, to] (inclusive) are replayed. */
  from: Date;
  to: Date;
  /** Patterns narrowing the endpoint's own; null replays everything it is subscribed to. */
  events: string[] | null;
  /** The API key that asked. */
  requestedBy: string;
  eventsScanned: number;
  eventsMatched: number;
  deliveriesQueued: number;
  /** Stream sequence of the last event handled; null before the first. */
  lastSequence: number | null;
  /** When the last handled event was stored in the stream. */
  reachedAt: Date | null;
  error: string | null;
  /**
   * `<tenantId>:<endpointId>` while the replay is queued or running, `done:<_id>` after: its
   * unique index lets one replay per endpoint be unfinished, without a partial index.
   */
  activeKey: string;
  /** The config-api process running the job, and until when its claim holds without renewal (the epoch: free). */
  leaseOwner: string | null;
  leaseUntil: Date;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const REPLAYS_COLLECTION = 'replays';

export const replaySchema = new Schema<ReplayDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    endpointId: { type: String, required: true },
    state: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    events: { type: [String], default: null },
    requestedBy: { type: String, required: true },
    eventsScanned: { type: Number, required: true },
    eventsMatched: { type: Number, required: true },
    deliveriesQueued: { type: Number, required: true },
    lastSequence: { type: Number, default: null },
    reachedAt: { type: Date, default: null },
    error: { type: String, default: null },
    activeKey: { type: String, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { collection: REPLAYS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

// One unfinished replay per endpoint: creating a second one fails with a duplicate key (409).
replaySchema.index({ activeKey: 1 }, { name: 'active_per_endpoint', unique: true });
// Listing an endpoint's replays, newest first.
replaySchema.index({ tenantId: 1, endpointId: 1, createdAt: -1 }, { name: 'tenant_endpoint_time' });
// Runners looking for a job to claim: unfinished, with a lapsed lease.
replaySchema.index({ state: 1, leaseUntil: 1 }, { name: 'state_lease' });
