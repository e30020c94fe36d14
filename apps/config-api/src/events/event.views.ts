import { ApiProperty } from '@nestjs/swagger';

export class IngestedEventView {
  @ApiProperty({ example: 'batch-42-started' })
  event_id!: string;

  @ApiProperty({ description: 'true when an event with this id (or this Idempotency-Key) was published before: it was not published again' })
  duplicate!: boolean;
}
