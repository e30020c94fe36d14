import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  RETENTION_RUN_RESULTS,
  RETENTION_RUN_TRIGGERS,
  type RetentionPolicyView,
  type RetentionRunResult,
  type RetentionRunTrigger,
} from '@wirehook/contracts';

class RetentionDaysView {
  @ApiProperty({ example: 7 })
  success_days!: number;

  @ApiProperty({ example: 30 })
  failed_days!: number;
}

export class RetentionPolicyResponse extends RetentionDaysView implements RetentionPolicyView {
  @ApiProperty({ example: 'acme' })
  tenant_id!: string;

  @ApiProperty({ enum: ['tenant', 'default'], description: 'tenant: the tenant has an override; default: the platform defaults apply' })
  source!: 'tenant' | 'default';

  @ApiProperty({ type: RetentionDaysView, description: 'The platform defaults' })
  defaults!: RetentionDaysView;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the override was last set; null for defaults' })
  updated_at!: string | null;
}

class RetentionCountsView {
  @ApiProperty({ example: 1200 })
  deliveries!: number;

  @ApiProperty({ example: 1500 })
  attempts!: number;
}

/** A finished retention run. */
export class RetentionRunView {
  @ApiProperty({ example: '6f1b9c2e-8a4d-4e37-9b1f-0c2d3e4f5a6b' })
  run_id!: string;

  @ApiProperty({ enum: RETENTION_RUN_TRIGGERS })
  trigger!: RetentionRunTrigger;

  @ApiProperty()
  dry_run!: boolean;

  @ApiProperty({ enum: RETENTION_RUN_RESULTS })
  result!: RetentionRunResult;

  @ApiProperty({ format: 'date-time' })
  started_at!: string;

  @ApiProperty({ format: 'date-time' })
  finished_at!: string;

  @ApiProperty({ example: 5321 })
  duration_ms!: number;

  @ApiProperty({ example: 3 })
  batches!: number;

  @ApiProperty({ type: RetentionCountsView, description: 'Deleted over every tenant (in a dry run: that would be)' })
  deleted!: RetentionCountsView;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/RetentionCountsView' }, description: 'Per tenant with anything deleted' })
  tenants!: Record<string, RetentionCountsView>;

  @ApiPropertyOptional({ description: 'Why the run was skipped, aborted or failed' })
  reason?: string;
}

/** A run that had not finished when the answer went out. */
export class RetentionRunningView {
  @ApiProperty({ example: '6f1b9c2e-8a4d-4e37-9b1f-0c2d3e4f5a6b' })
  run_id!: string;

  @ApiProperty()
  dry_run!: boolean;

  @ApiProperty({ enum: ['running'] })
  result!: 'running';

  @ApiProperty({ format: 'date-time' })
  started_at!: string;
}
