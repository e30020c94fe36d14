import { ApiProperty } from '@nestjs/swagger';
import { REPLAY_STATES, type ReplayDocument, type ReplayState } from './replay.schema';

/** A replay job as the API shows it. */
export class ReplayView {
  @ApiProperty({ example: 'rpl_5f2b9c0e4d7a1b3c8e6f0a2d' })
  id!: string;

  @ApiProperty({ example: 'ep_5f2b9c0e4d7a1b3c8e6f0a2d' })
  webhook_id!: string;

  @ApiProperty({ enum: REPLAY_STATES, example: 'running', description: 'queued, running, then completed, cancelled or failed' })
  state!: ReplayState;

  @ApiProperty({ example: '2026-03-01T00:00:00.000Z', description: 'Events stored in the events stream from this time (inclusive)' })
  from!: string;

  @ApiProperty({ example: '2026-03-01T23:59:59.999Z', description: 'to this time (inclusive)' })
  to!: string;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['resume.*'],
    description: "Patterns narrowing the webhook's own; null: every event it is subscribed to",
  })
  events!: string[] | null;

  @ApiProperty({ example: 'key_5f2b9c0e4d7a1b3c', description: 'The API key that asked' })
  requested_by!: string;

  @ApiProperty({ example: 1200, description: "The tenant's events read from the stream so far" })
  events_scanned!: number;

  @ApiProperty({ example: 310, description: 'Of them, the events the webhook is subscribed to (and the narrowing patterns match)' })
  events_matched!: number;

  @ApiProperty({ example: 305, description: 'Deliveries queued; a matched event whose delivery is still pending or retrying is left to it' })
  deliveries_queued!: number;

  @ApiProperty({ type: Number, nullable: true, example: 48213, description: 'Stream sequence of the last event handled' })
  last_sequence!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-03-01T08:12:44.120Z',
    description: 'When the last event handled was stored: how far into the window the replay has got',
  })
  reached_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why it failed, or what interrupted it before it resumed' })
  error!: string | null;

  @ApiProperty({ example: '2026-03-02T09:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2026-03-02T09:00:05.000Z' })
  updated_at!: string;

  @ApiProperty({ type: String, nullable: true, example: '2026-03-02T09:00:01.000Z' })
  started_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  finished_at!: string | null;
}

export function replayView(replay: ReplayDocument): ReplayView {
  return {
    id: replay._id,
    webhook_id: replay.endpointId,
    state: replay.state,
    from: replay.from.toISOString(),
    to: replay.to.toISOString(),
    events: replay.events,
    requested_by: replay.requestedBy,
    events_scanned: replay.eventsScanned,
    events_matched: replay.eventsMatched,
    deliveries_queued: replay.deliveriesQueued,
    last_sequence: replay.lastSequence,
    reached_at: replay.reachedAt?.toISOString() ?? null,
    error: replay.error,
    created_at: replay.createdAt.toISOString(),
    updated_at: replay.updatedAt.toISOString(),
    started_at: replay.startedAt?.toISOString() ?? null,
    finished_at: replay.finishedAt?.toISOString() ?? null,
  };
}
