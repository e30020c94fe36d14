import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsInt, Max, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { RETENTION_MAX_DAYS, RETENTION_MIN_DAYS } from '@wirehook/contracts';

const DAYS = `an integer between ${RETENTION_MIN_DAYS} and ${RETENTION_MAX_DAYS}`;

/**
 * Valid unless both are numbers and this one is smaller than `otherProperty`: a missing or
 * non-numeric value is reported by the property's own rules, once.
 */
function IsAtLeast(otherProperty: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isAtLeast',
      constraints: [otherProperty],
      validator: {
        validate: (value: unknown, args) => {
          const other = (args?.object as Record<string, unknown> | undefined)?.[otherProperty];
          return typeof other !== 'number' || typeof value !== 'number' || value >= other;
        },
        defaultMessage: (args) => `${args?.property} must be at least ${otherProperty}`,
      },
    },
    options,
  );
}

/** A tenant's retention override. */
export class SetRetentionPolicyDto {
  @ApiProperty({ minimum: RETENTION_MIN_DAYS, maximum: RETENTION_MAX_DAYS, example: 30, description: 'Days successful deliveries and their attempts are kept' })
  @IsDefined({ message: `success_days is required: ${DAYS}` })
  @IsInt({ message: `success_days must be ${DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `success_days must be ${DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `success_days must be ${DAYS}` })
  success_days!: number;

  @ApiProperty({ minimum: RETENTION_MIN_DAYS, maximum: RETENTION_MAX_DAYS, example: 90, description: 'Days failed deliveries are kept; at least success_days' })
  @IsDefined({ message: `failed_days is required: ${DAYS}` })
  @IsInt({ message: `failed_days must be ${DAYS}` })
  @Min(RETENTION_MIN_DAYS, { message: `failed_days must be ${DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `failed_days must be ${DAYS}` })
  @IsAtLeast('success_days', { message: 'failed_days must be at least success_days (failures are kept at least as long as successes)' })
  failed_days!: number;
}

/** An operator's request for a retention run now. */
export class RunRetentionDto {
  @ApiProperty({ example: true, description: 'true: report what would be deleted, per tenant, and delete nothing' })
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run!: boolean;
}
