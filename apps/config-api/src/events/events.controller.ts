import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { traceContextOf } from '@wirehook/contracts';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { Access, KeyId, TenantId } from '../auth/access.decorator';
import { IngestEventDto } from './event.dto';
import { EventIngestService } from './event-ingest.service';
import { IngestedEventView } from './event.views';

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly ingest: EventIngestService) {}

  @Post()
  @Access('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish an event over HTTP; answers 202 once it is stored in JetStream' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retries of the same request publish once' })
  @ApiHeader({
    name: 'traceparent',
    required: false,
    description: "W3C Trace Context of the publishing operation: the event's deliveries join this trace (an invalid value is ignored)",
  })
  @ApiHeader({ name: 'tracestate', required: false, description: 'W3C Trace Context vendor entries, passed on with a valid traceparent' })
  @ApiData(202, IngestedEventView, { description: 'Stored in JetStream; it will be delivered' })
  @ApiErrors(400, 401, 403, 413, 503)
  async publish(
    @TenantId() tenantId: string,
    @KeyId() keyId: string,
    @Body() body: IngestEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Headers('traceparent') traceparent?: string,
    @Headers('tracestate') tracestate?: string,
  ) {
    const result = await this.ingest.ingest(tenantId, keyId, body, idempotencyKey, traceContextOf(traceparent, tracestate));
    return { success: true, data: { event_id: result.eventId, duplicate: result.duplicate } };
  }
}
