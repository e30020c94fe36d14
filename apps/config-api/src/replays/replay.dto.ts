import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, Matches, MaxLength } from 'class-validator';
import { EVENT_PATTERN_PATTERN } from '@wirehook/contracts';

export class CreateReplayDto {
  @ApiProperty({
    example: '2026-03-01T08:00:00Z',
    description: 'Replay events stored at or after this time; a date alone starts at the beginning of that day (UTC)',
  })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or date-time' })
  from!: string;

  @ApiPropertyOptional({ example: '2026-03-01T12:00:00Z', description: 'and at or before this time (a date alone: the whole day, UTC); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ type: [String], example: ['resume.*'], description: "Replay only events these patterns match too (besides the webhook's own)" })
  @IsOptional()
  @IsArray({ message: 'events must be a list of event types or patterns' })
  @ArrayMinSize(1, { message: 'events must list at least one event type or pattern (leave it out to replay all)' })
  @ArrayMaxSize(100)
  @MaxLength(200, { each: true })
  @Matches(EVENT_PATTERN_PATTERN, { each: true, message: 'each of events must be an event type, a pattern such as resume.*, or *' })
  events?: string[];
}
