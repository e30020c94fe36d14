import { Module } from '@nestjs/common';
import { EventIngestService } from './event-ingest.service';
import { EventsController } from './events.controller';

/** `POST /api/v1/events`: events published over HTTP. */
@Module({
  controllers: [EventsController],
  providers: [EventIngestService],
})
export class EventsModule {}
