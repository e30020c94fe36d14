import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { attemptLogBatchSubject, type AttemptLogBatch, type AttemptRecordedMessage, type DeliveriesCreatedMessage } from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';

/**
 * Bytes of entries stored in one message at most, well under NATS's default 1 MB message limit;
 * a larger entry goes in a message of its own.
 */
export const MAX_BATCH_BYTES = 512 * 1024;

/** Serialized entries waiting to be stored together, and the promise their callers wait on. */
interface PendingBatch {
  entries: { [kind in keyof AttemptLogBatch]: string[] };
  bytes: number;
  stored: Promise<void>;
  settle: (error?: unknown) => void;
}

function pendingBatch(): PendingBatch {
  let settle!: (error?: unknown) => void;
  const stored = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  return { entries: { attempts: [], created: [] }, bytes: 0, stored, settle };
}

/** A tenant's batches in order; the last one still takes entries. */
interface TenantLog {
  batches: PendingBatch[];
  storing: boolean;
}

/**
 * Stores attempt records and created deliveries in JetStream several to a message (group
 * commit): while one of a tenant's messages is being stored, what comes in waits and goes in
 * the next. Light traffic costs one message per entry, as before; under load one message holds
 * whatever arrived during a store's round trip, so nats-server stores, hands out and removes a
 * fraction of the messages, and this process publishes and awaits a fraction of the acks. Each
 * caller's promise resolves once its entry is stored, so nothing is acknowledged before that.
 */
@Injectable()
export class AttemptLogPublisher {
  private readonly tenants = new Map<string, TenantLog>();

  constructor(@Inject(JETSTREAM) private readonly js: JetStreamClient) {}

  recordAttempt(record: AttemptRecordedMessage): Promise<void> {
    return this.add(record.tenantId, 'attempts', JSON.stringify(record));
  }

  recordCreated(created: DeliveriesCreatedMessage): Promise<void> {
    return this.add(created.tenantId, 'created', JSON.stringify(created));
  }

  private add(tenantId: string, kind: keyof AttemptLogBatch, json: string): Promise<void> {
    let log = this.tenants.get(tenantId);
    if (!log) {
      log = { batches: [], storing: false };
      this.tenants.set(tenantId, log);
    }
    let batch = log.batches[log.batches.length - 1];
    if (!batch || (batch.bytes > 0 && batch.bytes + json.length > MAX_BATCH_BYTES)) {
      batch = pendingBatch();
      log.batches.push(batch);
    }
    batch.entries[kind].push(json);
    batch.bytes += json.length;
    if (!log.storing) {
      log.storing = true;
      // Entries recorded in the same turn of the event loop share the first message.
      setImmediate(() => this.storeNext(tenantId, log));
    }
    return batch.stored;
  }

  private storeNext(tenantId: string, log: TenantLog): void {
    const batch = log.batches.shift();
    if (!batch) {
      this.tenants.delete(tenantId);
      return;
    }
    const body = `{"attempts":[${batch.entries.attempts.join(',')}],"created":[${batch.entries.created.join(',')}]}`;
    this.js
      .publish(attemptLogBatchSubject(tenantId), body)
      .then(
        () => batch.settle(),
        (error: unknown) => batch.settle(error ?? new Error('storing attempt records failed')),
      )
      .finally(() => this.storeNext(tenantId, log));
  }
}
