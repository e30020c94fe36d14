import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RetentionCounts, RetentionRunResult, RetentionRunSummaryMessage, RetentionRunTrigger } from '@wirehook/contracts';
import type { DeliveryLogPurger, PurgeBatch } from '@wirehook/delivery-logs';
import type { RetentionLeaseRepository } from '../lease/retention-lease.repository';
import type { RetentionPolicyService } from '../policies/retention-policy.service';

/** How runs go easy on MongoDB and keep their lease. */
export interface RetentionRunnerSettings {
  batchSize: number;
  pauseMs: number;
  leaseTtlMs: number;
}

export interface RunOptions {
  /** Report what would be deleted and delete nothing (needs no lease). */
  dryRun: boolean;
  trigger: RetentionRunTrigger;
}

/** A run that has started (or was skipped at once); `finished` resolves with its summary and never rejects. */
export interface StartedRun {
  runId: string;
  dryRun: boolean;
  startedAt: Date;
  finished: Promise<RetentionRunSummaryMessage>;
}

/** Told about every finished run (metrics, the NATS event); its failures are logged, never thrown. */
export type RunListener = (summary: RetentionRunSummaryMessage) => void | Promise<void>;

interface ActiveRun {
  abort: AbortController;
  finished: Promise<RetentionRunSummaryMessage>;
}

interface RunContext {
  runId: string;
  holder: string;
  startedAt: Date;
  options: RunOptions;
  signal: AbortSignal;
}

/**
 * Runs retention passes: takes the lease (so one runner deletes at a time across replicas),
 * applies the policies in bounded batches with a pause between two, renews the lease before
 * every batch and gives it up at the end. Every run ends with one summary: logged as
 * `retention run finished`, then handed to the listeners.
 */
export class RetentionRunner {
  private readonly active = new Map<string, ActiveRun>();
  private stopping = false;

  constructor(
    private readonly purger: DeliveryLogPurger,
    private readonly policies: RetentionPolicyService,
    private readonly lease: RetentionLeaseRepository,
    private readonly settings: RetentionRunnerSettings,
    private readonly logger: Logger,
    private readonly listeners: RunListener[] = [],
  ) {}

  /** Runs one pass and resolves with its summary. */
  async run(options: RunOptions): Promise<RetentionRunSummaryMessage> {
    return (await this.start(options)).finished;
  }

  /**
   * Starts a pass and resolves once it holds the lease (or knows it cannot: then `finished`
   * holds a `skipped` summary), leaving the caller free to wait for the end or not.
   */
  async start(options: RunOptions): Promise<StartedRun> {
    const runId = randomUUID();
    const startedAt = new Date();
    const holder = `${hostname()}:${process.pid}:${runId}`;
    const context = { runId, holder, startedAt, options };
    const settle = (result: RetentionRunResult, reason: string): StartedRun => ({
      runId,
      dryRun: options.dryRun,
      startedAt,
      finished: this.finish(context, { result, reason, batches: 0, tenants: new Map() }),
    });
    if (this.stopping) return settle('skipped', 'the process is shutting down');
    if (!options.dryRun) {
      try {
        const lease = await this.lease.acquire(holder, this.settings.leaseTtlMs);
        if (!lease.acquired) {
          const until = lease.expiresAt ? ` until ${lease.expiresAt.toISOString()}` : '';
          return settle('skipped', `another runner holds the lease (${lease.holder ?? 'unknown'}${until})`);
        }
      } catch (error) {
        this.logger.error({ err: error, runId }, 'retention could not take its lease');
        return settle('failed', `could not take the lease: ${(error as Error).message}`);
      }
    }
    const abort = new AbortController();
    const finished = this.execute({ ...context, signal: abort.signal }).finally(() => this.active.delete(runId));
    this.active.set(runId, { abort, finished });
    return { runId, dryRun: options.dryRun, startedAt, finished };
  }

  /** Stops runs in progress between two batches (giving their lease up) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    const runs = [...this.active.values()];
    for (const run of runs) run.abort.abort();
    await Promise.allSettled(runs.map((run) => run.finished));
  }

  private async execute(run: RunContext): Promise<RetentionRunSummaryMessage> {
    const tenants = new Map<string, RetentionCounts>();
    let batches = 0;
    let result: RetentionRunResult = 'completed';
    let reason: string | undefined;
    try {
      const rules = await this.policies.rules();
      const purge = this.purger.batches({ rules, now: run.startedAt, batchSize: this.settings.batchSize, dryRun: run.options.dryRun });
      for await (const batch of purge) {
        batches += 1;
        this.count(tenants, batch);
        this.logger.debug({ runId: run.runId, dryRun: run.options.dryRun, batch: batches, ...batch }, 'retention batch');
        const stop = await this.betweenBatches(run);
        if (stop) {
          ({ result, reason } = stop);
          break;
        }
      }
    } catch (error) {
      result = 'failed';
      reason = (error as Error).message;
      this.logger.error({ err: error, runId: run.runId }, 'retention run failed');
    } finally {
      if (!run.options.dryRun) {
        await this.lease
          .release(run.holder)
          .catch((error: unknown) => this.logger.warn({ err: error, runId: run.runId }, 'retention could not release its lease; it lapses on its own'));
      }
    }
    return this.finish(run, { result, reason, batches, tenants });
  }

  /** The pause between two batches, then whether to go on: not when shutting down, nor once the lease is lost. */
  private async betweenBatches(run: RunContext): Promise<{ result: RetentionRunResult; reason: string } | undefined> {
    if (this.settings.pauseMs > 0) await sleep(this.settings.pauseMs, undefined, { signal: run.signal }).catch(() => undefined);
    if (run.signal.aborted) return { result: 'aborted', reason: 'the process is shutting down; the next run finishes the work' };
    if (!run.options.dryRun && !(await this.lease.renew(run.holder, this.settings.leaseTtlMs))) {
      // Another runner took the lapsed lease and carries on; two deleting at once would only double the load.
      return { result: 'failed', reason: 'lost the lease to another runner (a batch and a pause took longer than RETENTION_LEASE_TTL_MS)' };
    }
    return undefined;
  }

  private count(tenants: Map<string, RetentionCounts>, batch: PurgeBatch): void {
    if (batch.deliveries === 0 && batch.attempts === 0) return;
    const counts = tenants.get(batch.tenantId) ?? { deliveries: 0, attempts: 0 };
    counts.deliveries += batch.deliveries;
    counts.attempts += batch.attempts;
    tenants.set(batch.tenantId, counts);
  }

  private async finish(
    run: { runId: string; startedAt: Date; options: RunOptions },
    outcome: { result: RetentionRunResult; reason?: string; batches: number; tenants: Map<string, RetentionCounts> },
  ): Promise<RetentionRunSummaryMessage> {
    const finishedAt = new Date();
    const tenants = Object.fromEntries([...outcome.tenants.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const summary: RetentionRunSummaryMessage = {
      runId: run.runId,
      trigger: run.options.trigger,
      dryRun: run.options.dryRun,
      result: outcome.result,
      startedAt: run.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - run.startedAt.getTime(),
      batches: outcome.batches,
      deleted: Object.values(tenants).reduce(
        (total, counts) => ({ deliveries: total.deliveries + counts.deliveries, attempts: total.attempts + counts.attempts }),
        { deliveries: 0, attempts: 0 },
      ),
      tenants,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    };
    const level = summary.result === 'failed' ? 'error' : summary.result === 'aborted' ? 'warn' : 'info';
    this.logger[level](summary, 'retention run finished');
    for (const listener of this.listeners) {
      try {
        await listener(summary);
      } catch (error) {
        this.logger.warn({ err: error, runId: summary.runId }, 'a retention run listener failed');
      }
    }
    return summary;
  }
}
