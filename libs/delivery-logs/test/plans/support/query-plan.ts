import { isDeepStrictEqual } from 'node:util';
import type { mongo } from 'mongoose';
import type { SentCommand } from '@wirehook/testing';

/**
 * The work one read may do, in keys and in documents examined: twice the rows it may return
 * (`skip` + `limit`), plus, for keys, two per index interval it scans (a scan looks at one key
 * past the end of each interval), plus ten. A read served by its index stays far below; a read
 * that filters or sorts a tenant's history in memory goes far above.
 */
export const keyAllowance = (rows: number, intervals: number): number => 2 * rows + 2 * intervals + 10;
export const documentAllowance = (rows: number): number => 2 * rows + 10;

/** Hints of exact lookups (an event id, a delivery, an id): their few matches may be sorted in memory. */
export type ExactLookupHints = ReadonlySet<string>;

/** What `explain` (executionStats) says about one read, and what breaks the bound. */
export interface ReadPlan {
  read: string;
  hint: string;
  rows: number;
  keysExamined: number;
  docsExamined: number;
  intervals: number;
  stages: string[];
  problems: string[];
}

type PlanNode = Record<string, unknown> & { stage?: string };

/** Driver-added fields a command inside `explain` may not (or need not) carry. */
const SESSION_FIELDS = new Set(['lsid', 'txnNumber', 'autocommit', 'startTransaction', 'readConcern', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

/** The first value of `key` anywhere in `value`, depth first (explain nests it differently per engine and command). */
function firstOf(value: unknown, key: string): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (key in value) return (value as Record<string, Record<string, unknown>>)[key];
  for (const child of Object.values(value)) {
    const found = firstOf(child, key);
    if (found) return found;
  }
  return undefined;
}

/** Every stage of a plan tree (classic `inputStage(s)`, or anything nested in the slot-based engine's `queryPlan`). */
function stagesOf(node: unknown, into: PlanNode[] = []): PlanNode[] {
  if (node === null || typeof node !== 'object') return into;
  if (typeof (node as PlanNode).stage === 'string') into.push(node as PlanNode);
  for (const child of Object.values(node)) stagesOf(child, into);
  return into;
}

/** The index a stage reads, if it reads one. */
function indexOf(stage: PlanNode): { name?: string; keyPattern?: unknown } | undefined {
  if (stage.stage === 'IDHACK' || stage.stage === 'EXPRESS_IDHACK') return { name: '_id_' };
  if (typeof stage.indexName === 'string') return { name: stage.indexName, keyPattern: stage.keyPattern };
  return undefined;
}

/** Index intervals a scan covers: the product of the intervals of each field of its bounds. */
function intervalsOf(stage: PlanNode): number {
  const bounds = stage.indexBounds as Record<string, unknown[]> | undefined;
  if (!bounds || typeof bounds !== 'object') return 1;
  return Object.values(bounds).reduce((product, field) => product * (Array.isArray(field) ? Math.max(1, field.length) : 1), 1);
}

/** Rows a read may return: `skip` + `limit` of a find, `$skip` + `$limit` of a pipeline; undefined without a limit. */
function rowsOf(read: SentCommand): number | undefined {
  const { command } = read;
  if (read.name === 'find') return typeof command.limit === 'number' && command.limit > 0 ? command.limit + Number(command.skip ?? 0) : undefined;
  const pipeline = (command.pipeline ?? []) as Array<Record<string, unknown>>;
  const limit = pipeline.find((stage) => '$limit' in stage)?.$limit;
  const skip = pipeline.find((stage) => '$skip' in stage)?.$skip;
  return typeof limit === 'number' ? limit + Number(skip ?? 0) : undefined;
}

/** The command as the driver sent it, without the session and routing fields it added (a sort the driver keeps as a Map becomes a document again). */
export function explainable(command: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(command)
      .filter(([field]) => !field.startsWith('$') && !SESSION_FIELDS.has(field))
      .map(([field, value]) => [field, value instanceof Map ? Object.fromEntries(value) : value]),
  );
}

/**
 * Runs a captured read again under `explain` (executionStats) and checks its plan: an index
 * scan of the hinted index only, no blocking sort (except over an exact lookup's few matches),
 * no index ranges left unmerged, and keys and documents examined within the allowances.
 */
export async function explainRead(db: mongo.Db, read: SentCommand, exactLookups: ExactLookupHints): Promise<ReadPlan> {
  const { command } = read;
  const explained = await db.command({ explain: explainable(command), verbosity: 'executionStats' });
  const planner = firstOf(explained, 'queryPlanner');
  const stats = firstOf(explained, 'executionStats');
  const winning = planner?.winningPlan as Record<string, unknown> | undefined;
  const stages = stagesOf(winning?.queryPlan ?? winning);
  const hint = command.hint;
  const hintName = typeof hint === 'string' ? hint : isDeepStrictEqual(hint, { _id: 1 }) ? '_id_' : JSON.stringify(hint);
  const rows = rowsOf(read);
  const keysExamined = Number(stats?.totalKeysExamined ?? NaN);
  const docsExamined = Number(stats?.totalDocsExamined ?? NaN);
  const scans = stages.filter((stage) => indexOf(stage) !== undefined);
  const intervals = scans.reduce((sum, stage) => sum + intervalsOf(stage), 0);
  const problems: string[] = [];
  if (!planner || !stats) problems.push(`explain gave no ${planner ? 'executionStats' : 'queryPlanner'}`);
  if (stats && stats.executionSuccess === false) problems.push(`failed: ${String(stats.errorMessage ?? 'unknown error')}`);
  if (rows === undefined) problems.push('no limit');
  if (stages.some((stage) => stage.stage === 'COLLSCAN')) problems.push('a collection scan');
  if (scans.length === 0) problems.push(`no index scan (stages: ${stages.map((stage) => stage.stage).join(', ')})`);
  for (const scan of scans) {
    const index = indexOf(scan);
    const matches = index?.name === hintName || (typeof hint === 'object' && isDeepStrictEqual(index?.keyPattern, hint));
    if (!matches) problems.push(`reads index ${index?.name} instead of the hinted ${hintName}`);
  }
  const sorts = stages.filter((stage) => stage.stage === 'SORT');
  if (sorts.length > 0 && !exactLookups.has(hintName)) problems.push(`a blocking in-memory SORT (${JSON.stringify(sorts[0].sortPattern)}) on ${hintName}`);
  if (JSON.stringify((explained as { stages?: unknown }).stages ?? []).includes('"$sort"')) problems.push('a $sort stage in the pipeline');
  if (planner?.maxScansToExplodeReached === true) problems.push('more index ranges than MongoDB merges in sort order (internalQueryMaxScansToExplode)');
  if (rows !== undefined) {
    if (!(keysExamined <= keyAllowance(rows, intervals)))
      problems.push(`examined ${keysExamined} keys, more than 2 × ${rows} rows + 2 × ${intervals} intervals + 10`);
    if (!(docsExamined <= documentAllowance(rows))) problems.push(`examined ${docsExamined} documents, more than 2 × ${rows} rows + 10`);
  }
  return {
    read: `${read.name} ${read.collection} ${JSON.stringify(explainable(command))}`,
    hint: hintName,
    rows: rows ?? NaN,
    keysExamined,
    docsExamined,
    intervals,
    stages: stages.map((stage) => stage.stage as string),
    problems,
  };
}
