import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { IsAtLeastProperty, RETENTION_MAX_DAYS, RETENTION_MIN_DAYS } from '@wirehook/contracts';

const DAYS = `an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}`;

/** A tenant's retention override. */
export class SetRetentionPolicyDto {
  @ApiProperty({ minimum: RETENTION_MIN_DAYS, maximum: RETENTION_MAX_DAYS, example: 30, description: 'Days successful deliveries and their attempts are kept' })
  @IsInt({ message: `success_days must be ${DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `success_days must be ${DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `success_days must be ${DAYS}` })
  success_days!: number;

  @ApiProperty({ minimum: RETENTION_MIN_DAYS, maximum: RETENTION_MAX_DAYS, example: 90, description: 'Days failed deliveries are kept; at least success_days' })
  @IsInt({ message: `failed_days must be ${DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `failed_days must be ${DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `failed_days must be ${DAYS}` })
  @IsAtLeastProperty('success_days', { message: 'failed_days must be at least success_days (failures are kept at least as long as successes)' })
  failed_days!: number;
}

/** An operator's request for a retention run now. */
export class RunRetentionDto {
  @ApiProperty({ example: true, description: 'true: report what would be deleted, per tenant, and delete nothing' })
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run!: boolean;
}
