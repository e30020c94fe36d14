import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_ID_PATTERN, EVENT_TYPE_MAX_LENGTH, EVENT_TYPE_PATTERN, IsOptionalNotNull, IsStringRecord } from '@wirehook/contracts';

/** An event sent over HTTP by a publisher that does not speak NATS. */
export class IngestEventDto {
  @ApiProperty({ example: 'resume.bulk_upload_parse.started' })
  @IsString({ message: 'event is required: the event type, such as resume.bulk_upload_parse.started' })
  @MaxLength(EVENT_TYPE_MAX_LENGTH)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event must be dot-separated segments of letters, digits, _ and -' })
  event!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { batchId: 'batch-42', fileCount: 25 },
    description: 'Any JSON object; the whole body nests at most 64 levels deep.',
  })
  @IsObject({ message: 'data is required: a JSON object' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'batch-42-started', description: 'Event id; retries with the same id are published once.' })
  @IsOptionalNotNull()
  @Matches(EVENT_ID_PATTERN, { message: 'id must be 1-128 characters of letters, digits, _ . : -' })
  id?: string;

  @ApiPropertyOptional({ example: '2026-03-26T14:32:00.000Z' })
  @IsOptionalNotNull()
  @IsISO8601({ strict: true }, { message: 'timestamp must be an ISO-8601 date-time' })
  timestamp?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { batchId: 'batch-42' },
    description: 'Related ids shown in the delivery logs.',
  })
  @IsOptionalNotNull()
  @IsStringRecord(20, 256)
  identifiers?: Record<string, string>;
}
