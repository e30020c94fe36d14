import type { Connection, mongo } from 'mongoose';
import { DELIVERY_LOG_COLLECTIONS } from '@wirehook/delivery-logs';

/** What one piece of work sent to the log collections, as the driver's command monitoring saw it. */
export interface CommandCount {
  commands: number;
  /** Documents MongoDB returned in cursor batches (a counting aggregate returns one, holding the count). */
  documents: number;
  /** Commands by name (`find`, `aggregate`, `getMore`...). */
  byName: Record<string, number>;
}

const LOG_COLLECTIONS = new Set(DELIVERY_LOG_COLLECTIONS.map(({ collection }) => collection));

/**
 * Counts the commands a connection opened with `monitorCommands: true` sends to the delivery-log
 * collections, and the documents MongoDB returns to them, while one piece of work runs. Work is
 * counted one piece at a time: the connection must carry nothing else meanwhile.
 */
export class LogCommandCounter {
  private current?: CommandCount;
  private readonly watched = new Set<number>();

  constructor(connection: Connection) {
    const client = connection.getClient();
    client.on('commandStarted', (event: mongo.CommandStartedEvent) => {
      if (!this.current) return;
      const collection = event.commandName === 'getMore' ? event.command.collection : event.command[event.commandName];
      if (typeof collection !== 'string' || !LOG_COLLECTIONS.has(collection)) return;
      this.watched.add(event.requestId);
      this.current.commands += 1;
      this.current.byName[event.commandName] = (this.current.byName[event.commandName] ?? 0) + 1;
    });
    client.on('commandSucceeded', (event: mongo.CommandSucceededEvent) => {
      if (!this.current || !this.watched.delete(event.requestId)) return;
      const { cursor } = event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } };
      const batch = cursor?.firstBatch ?? cursor?.nextBatch ?? [];
      this.current.documents += batch.length;
    });
  }

  /** Runs `work` and counts what it sent. */
  async count<T>(work: () => Promise<T>): Promise<{ result: T; sent: CommandCount }> {
    if (this.current) throw new Error('one piece of work at a time');
    const sent: CommandCount = { commands: 0, documents: 0, byName: {} };
    this.current = sent;
    try {
      return { result: await work(), sent };
    } finally {
      this.current = undefined;
      this.watched.clear();
    }
  }
}
