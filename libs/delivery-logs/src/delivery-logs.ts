import type { Connection } from 'mongoose';
import { DeliveryAttemptRepository } from './attempts/delivery-attempt.repository';
import { DeliveryRepository } from './deliveries/delivery.repository';
import { DeliveryLogRecorder } from './delivery-log.recorder';
import { EventTypeRepository } from './event-types/event-type.repository';
import type { LogQueryLimits } from './log-query-limits';
import { EventPayloadRepository } from './payloads/event-payload.repository';
import { DeliveryLogQueries } from './queries/delivery-log-queries';
import { DeliveryLogPurger } from './retention/delivery-log.purger';
import { DeliveryRollupRepository } from './rollups/delivery-rollup.repository';

/** The delivery logs of one MongoDB connection: each collection's repository, and what is built on them. */
export class DeliveryLogs {
  readonly attempts: DeliveryAttemptRepository;
  readonly deliveries: DeliveryRepository;
  readonly payloads: EventPayloadRepository;
  readonly eventTypes: EventTypeRepository;
  readonly rollups: DeliveryRollupRepository;
  readonly queries: DeliveryLogQueries;
  readonly recorder: DeliveryLogRecorder;
  readonly purger: DeliveryLogPurger;

  constructor(connection: Connection, limits: LogQueryLimits) {
    this.attempts = new DeliveryAttemptRepository(connection, limits);
    this.deliveries = new DeliveryRepository(connection, limits);
    this.payloads = new EventPayloadRepository(connection, limits);
    this.eventTypes = new EventTypeRepository(connection, limits);
    this.rollups = new DeliveryRollupRepository(connection, limits);
    this.queries = new DeliveryLogQueries(this.attempts, this.deliveries, this.eventTypes);
    this.recorder = new DeliveryLogRecorder(this.payloads, this.attempts, this.deliveries, this.rollups, this.eventTypes);
    this.purger = new DeliveryLogPurger(this.deliveries, this.attempts, this.payloads, this.rollups);
  }
}
