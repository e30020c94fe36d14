import { IsIn, IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { DeadLetterReason } from '../enums';

/** A message that could not be processed, kept with its reason on `webhooks.dead-letters.v1.<reason>`. */
export class DeadLetterMessage {
  @IsIn(Object.values(DeadLetterReason))
  reason!: DeadLetterReason;

  /** Human-readable detail naming what was wrong. */
  @IsString()
  @MaxLength(4000)
  detail!: string;

  @IsString()
  stream!: string;

  @IsString()
  subject!: string;

  @IsInt()
  @Min(0)
  streamSequence!: number;

  /** The original body as text, cut at a limit. */
  @IsString()
  body!: string;

  @IsOptional()
  @IsString()
  tenantId?: string;

  @IsISO8601({ strict: true })
  deadLetteredAt!: string;
}
