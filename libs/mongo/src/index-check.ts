import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthCheckError, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { declaredIndexes, missingIndexes, type IndexedCollection } from './index-migration';

export interface IndexCheckOptions {
  /** How often a replica still waiting for its indexes looks again by itself. */
  recheckEveryMs?: number;
  /** Readiness requests look again at most this often. */
  minIntervalMs?: number;
}

/** What the readiness check knows about the indexes an app needs. */
export interface IndexCheckState {
  /** Every required index exists. */
  ready: boolean;
  /** `collection.name` of each required index that is absent or differs from its declaration. */
  missing: string[];
  /** Why the last look failed (MongoDB unreachable...), when it did. */
  error?: string;
}

/**
 * Whether the indexes an app queries by exist. Apps do not create indexes (`npm run migrate`
 * does, before the apps start); they stay not-ready, naming what is missing, until someone
 * runs the migration: the check looks again every `recheckEveryMs` and on readiness requests (at
 * most once per `minIntervalMs`).
 *
 * Once every index was found the check stops looking. Readiness decides whether a replica takes
 * traffic: an index dropped later (by a newer version's migration during a rolling upgrade, or
 * with a test server that restarts empty) must not take every running replica out of service.
 */
export class IndexCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private state: IndexCheckState = { ready: false, missing: [], error: 'not checked yet' };
  private checkedAt = 0;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly recheckEveryMs: number;
  private readonly minIntervalMs: number;

  constructor(
    private readonly connection: Connection,
    private readonly collections: readonly IndexedCollection[],
    private readonly logger: Logger,
    options: IndexCheckOptions = {},
  ) {
    // A schema the migration would refuse stops the boot here, with the same message.
    declaredIndexes(collections);
    this.recheckEveryMs = options.recheckEveryMs ?? 10_000;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    if (!this.state.ready) {
      this.timer = setInterval(() => void this.refresh(), this.recheckEveryMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The current state, looked up again first when not ready and the last look is old enough. */
  async current(): Promise<IndexCheckState> {
    if (!this.state.ready && Date.now() - this.checkedAt >= this.minIntervalMs) await this.refresh();
    return this.state;
  }

  private refresh(): Promise<void> {
    this.running ??= this.look().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async look(): Promise<void> {
    if (this.state.ready) return;
    const before = this.state;
    try {
      const missing = await missingIndexes(this.connection, this.collections);
      this.state = { ready: missing.length === 0, missing };
    } catch (error) {
      this.state = { ready: false, missing: before.missing, error: (error as Error).message };
    }
    this.checkedAt = Date.now();
    if (this.state.ready) {
      clearInterval(this.timer);
      if (before.missing.length > 0) this.logger.info('every required index exists now; ready');
    } else if (this.state.error === undefined && this.state.missing.join() !== before.missing.join()) {
      this.logger.warn({ missing: this.state.missing }, 'required indexes are missing: run the migration (npm run migrate); not ready until they exist');
    } else if (this.state.error !== undefined && this.state.error !== before.error) {
      this.logger.warn({ err: this.state.error }, 'could not check the required indexes');
    }
  }
}

/** Terminus check: up once every index the app needs exists; down naming the missing ones (`collection.name`). */
export async function indexHealthIndicator(check: IndexCheck): Promise<HealthIndicatorResult> {
  const state = await check.current();
  if (state.ready) return { indexes: { status: 'up' } };
  const result: HealthIndicatorResult = {
    indexes: {
      status: 'down',
      missing: state.missing,
      ...(state.error === undefined ? { hint: 'run the migration: npm run migrate' } : { message: state.error }),
    },
  };
  throw new HealthCheckError(state.error === undefined ? `missing indexes: ${state.missing.join(', ')}` : 'the required indexes could not be checked', result);
}
