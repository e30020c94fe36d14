import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { RetentionCronConfig, SCHEDULE_OFF } from '../config/retention-cron.config';
import { RetentionRunner } from './retention-runner.service';

const JOB_NAME = 'retention';

/**
 * Starts a retention run on `RETENTION_SCHEDULE` in every replica; the lease lets one of them
 * work and the others skip. The schedule comes from the environment, so the job is registered
 * at boot rather than with `@Cron`.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private job?: CronJob;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly runner: RetentionRunner,
    private readonly config: RetentionCronConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RETENTION_SCHEDULE === SCHEDULE_OFF) {
      this.logger.info('scheduled retention runs are off (RETENTION_SCHEDULE=off)');
      return;
    }
    this.job = CronJob.from({
      cronTime: this.config.RETENTION_SCHEDULE,
      onTick: () => this.tick(),
      // A tick while a run is still going waits for it instead of starting a second one.
      waitForCompletion: true,
      start: false,
    });
    this.registry.addCronJob(JOB_NAME, this.job);
    this.job.start();
    this.logger.info(
      { schedule: this.config.RETENTION_SCHEDULE, dryRun: this.config.RETENTION_DRY_RUN, next: this.job.nextDate().toISO() },
      'retention runs scheduled',
    );
  }

  /** Stops scheduling, then ends a run in progress between two batches, before connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    // With waitForCompletion, stopping the job waits for the tick in progress: end that run first.
    const jobStopped = this.job?.stop();
    await this.runner.stop();
    await jobStopped;
  }

  private async tick(): Promise<void> {
    // The runner logs and reports every outcome itself; this only keeps a throw away from cron.
    await this.runner.run({ dryRun: this.config.RETENTION_DRY_RUN, trigger: 'schedule' }).catch((error: unknown) => {
      this.logger.error({ err: error }, 'scheduled retention run failed');
    });
  }
}
