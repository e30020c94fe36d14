import type { Connection } from 'mongoose';
import { DELIVERY_LOG_COLLECTIONS, DELIVERY_ROLLUPS_COLLECTION, ROLLUP_MAX_ENDPOINTS_PER_TENANT, ROLLUP_MAX_WINDOW_HOURS } from '@wirehook/delivery-logs';

/** A MongoDB command as the driver sent it. */
export interface SentCommand {
  name: string;
  collection: string;
  command: Record<string, unknown>;
}

/** Records every command a connection opened with `monitorCommands` sends. */
export function recordCommands(connection: Connection): SentCommand[] {
  const commands: SentCommand[] = [];
  connection.getClient().on('commandStarted', (event) => {
    const command = event.command as Record<string, unknown>;
    commands.push({ name: event.commandName, collection: String(command[event.commandName]), command });
  });
  return commands;
}

const LOG_COLLECTIONS = new Set(DELIVERY_LOG_COLLECTIONS.map((entry) => entry.collection));
const READS = new Set(['find', 'aggregate', 'count', 'distinct']);
const DECLARED = new Map(
  DELIVERY_LOG_COLLECTIONS.map((entry) => [entry.collection, new Set(['_id_', ...entry.schema.indexes().map(([, options]) => String(options.name))])]),
);
/** Largest limit a log read may carry: a counted total stops one past 10,000; statistics read an hour per webhook. */
const MAX_READ_LIMIT = 10_001;
const MAX_ROLLUP_READ_LIMIT = ROLLUP_MAX_WINDOW_HOURS * ROLLUP_MAX_ENDPOINTS_PER_TENANT;

/** The reads of the delivery-log collections among `commands`. */
export function logReads(commands: SentCommand[]): SentCommand[] {
  return commands.filter((command) => LOG_COLLECTIONS.has(command.collection) && READS.has(command.name));
}

/**
 * What is wrong with a read of the delivery logs, as sent (an empty list when nothing): the
 * tenant at the top of its filter, a hint naming a declared index, a time limit, a limit, no
 * skip past the page bound, no regex, and no aggregation without a limit (statistics read
 * rollups, never the raw attempts).
 */
export function unboundedParts(read: SentCommand): string[] {
  const { command } = read;
  const pipeline = command.pipeline as Array<Record<string, unknown>> | undefined;
  const filter = (command.filter ?? pipeline?.[0]?.$match ?? command.query ?? {}) as Record<string, unknown>;
  const limit = read.name === 'find' ? command.limit : JSON.stringify(pipeline ?? []).match(/"\$limit":(\d+)/)?.[1];
  const problems: string[] = [];
  if (typeof filter.tenantId !== 'string') problems.push('no tenant at the top of the filter');
  if (!DECLARED.get(read.collection)?.has(String(command.hint))) problems.push(`hint ${JSON.stringify(command.hint)} names no declared index`);
  if (typeof command.maxTimeMS !== 'number') problems.push('no maxTimeMS');
  const maxLimit = read.collection === DELIVERY_ROLLUPS_COLLECTION ? MAX_ROLLUP_READ_LIMIT : MAX_READ_LIMIT;
  if (!(Number(limit) > 0 && Number(limit) <= maxLimit)) problems.push(`limit ${String(limit)}`);
  if (Number(command.skip ?? 0) > 10_000) problems.push(`skip ${String(command.skip)}`);
  if (JSON.stringify(command).includes('$regex')) problems.push('a regex');
  // The one aggregation allowed on the logs is a capped count: match, limit, then count.
  if (read.name === 'aggregate' && !/^\[\{"\$match":.*\},\{"\$limit":\d+\},\{"\$group":\{"_id":1,"n":\{"\$sum":1\}\}\}\]$/.test(JSON.stringify(pipeline))) {
    problems.push(`an aggregation that is not a capped count: ${JSON.stringify(pipeline)}`);
  }
  return problems;
}
