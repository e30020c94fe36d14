import { ApiProperty } from '@nestjs/swagger';
import { ATTEMPT_ERROR_CODES, type AttemptErrorCode, type AttemptResultView } from '@wirehook/contracts';

/** The outcome of an attempt made on request (a test send or a manual retry). */
export class AttemptResultResponse implements AttemptResultView {
  @ApiProperty()
  success!: boolean;

  @ApiProperty({ example: 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d_2', description: 'The id of the attempt in the delivery logs' })
  log_id!: string;

  @ApiProperty({ example: 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d' })
  delivery_id!: string;

  @ApiProperty({ example: 2 })
  attempt!: number;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  http_status!: number | null;

  @ApiProperty({ example: 143 })
  duration_ms!: number;

  @ApiProperty({ type: String, nullable: true, example: null })
  error!: string | null;

  @ApiProperty({ enum: ATTEMPT_ERROR_CODES, nullable: true, example: null })
  error_code!: AttemptErrorCode | null;
}

export class RecoverView {
  @ApiProperty({ example: 12, description: 'Failed deliveries queued to be sent again' })
  queued!: number;

  @ApiProperty({ description: 'true when the window held more failed deliveries than one recover takes (1000): recover again' })
  truncated!: boolean;
}
