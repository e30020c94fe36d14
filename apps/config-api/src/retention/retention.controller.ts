import { Body, Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorCode, type RetentionRunResult, type RetentionRunSummaryMessage } from '@wirehook/contracts';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { Access, TenantId } from '../auth/access.decorator';
import { DomainError } from '../errors/domain.error';
import { RetentionClient } from './retention.client';
import { RunRetentionDto, SetRetentionPolicyDto } from './retention.dto';
import { RetentionPolicyResponse, RetentionRunView, RetentionRunningView } from './retention.views';

/** The code of the 503 that answers a run that ended without completing. */
const UNFINISHED_RUN_CODES = {
  aborted: ApiErrorCode.retentionRunAborted,
  failed: ApiErrorCode.retentionRunFailed,
} as const satisfies Record<Exclude<RetentionRunResult, 'completed' | 'skipped'>, ApiErrorCode>;

/** A run summary as the API shows it (snake_case, like every other answer). */
function runView(summary: RetentionRunSummaryMessage): RetentionRunView {
  return {
    run_id: summary.runId,
    trigger: summary.trigger,
    dry_run: summary.dryRun,
    result: summary.result,
    started_at: summary.startedAt,
    finished_at: summary.finishedAt,
    duration_ms: summary.durationMs,
    batches: summary.batches,
    deleted: summary.deleted,
    tenants: summary.tenants,
    ...(summary.reason ? { reason: summary.reason } : {}),
  };
}

@ApiTags('retention')
@ApiBearerAuth()
@ApiErrors(401, 503)
@Controller('api/v1/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionClient) {}

  @Get()
  @Access('viewer')
  @ApiOperation({ summary: "The tenant's effective retention policy: its override, or the platform defaults" })
  @ApiData(200, RetentionPolicyResponse)
  @ApiErrors(403)
  async get(@TenantId() tenantId: string) {
    return { success: true, data: await this.retention.getPolicy(tenantId) };
  }

  @Put()
  @Access('admin')
  @ApiOperation({ summary: "Set the tenant's retention: days successful and failed deliveries are kept (1-365, failed >= success)" })
  @ApiData(200, RetentionPolicyResponse, { description: 'The policy now in effect' })
  @ApiErrors(400, 403)
  async set(@TenantId() tenantId: string, @Body() body: SetRetentionPolicyDto) {
    return { success: true, data: await this.retention.setPolicy(tenantId, body.success_days, body.failed_days) };
  }

  @Delete()
  @Access('admin')
  @ApiOperation({ summary: "Remove the tenant's retention override; the platform defaults apply again" })
  @ApiData(200, RetentionPolicyResponse, { description: 'The policy now in effect' })
  @ApiErrors(403)
  async reset(@TenantId() tenantId: string) {
    return { success: true, data: await this.retention.resetPolicy(tenantId) };
  }

  @Post('runs')
  @Access('operator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run retention now (dry_run: report what would be deleted, per tenant, and delete nothing)' })
  @ApiData(200, RetentionRunView, { description: 'The run finished; its summary' })
  @ApiData(202, RetentionRunningView, { description: 'The run is still going; its summary is logged and published on webhooks.ops.v1.retention.run-completed' })
  @ApiErrors(400, 403, 409)
  async run(@Body() body: RunRetentionDto, @Res({ passthrough: true }) response: Response) {
    const reply = await this.retention.run(body.dry_run);
    if (reply.state === 'running') {
      response.status(202);
      return { success: true, data: { run_id: reply.runId, dry_run: reply.dryRun, result: 'running', started_at: reply.startedAt } };
    }
    const { summary } = reply;
    if (summary.result === 'skipped') {
      throw new DomainError(
        'conflict',
        ApiErrorCode.retentionRunInProgress,
        `retention did not run: ${summary.reason ?? 'another run holds the lease'}; try again once it has finished`,
      );
    }
    if (summary.result !== 'completed') {
      throw new DomainError(
        'unavailable',
        UNFINISHED_RUN_CODES[summary.result],
        `the retention run ${summary.result}: ${summary.reason ?? 'see the retention-cron logs'}`,
      );
    }
    return { success: true, data: runView(summary) };
  }
}
