import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchPlan } from './bench.config';
import type { FanOutResult, LatencyResult, PoolResult, ReplicaThroughputResult, ThroughputResult } from './phases/delivery-phases';
import type { IngestResult } from './phases/log-phases';
import type { QueryResult, Spread } from './phases/query-phase';
import type { AppName } from './system';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  nodeVersion: string;
  natsServer: string;
  mongodb: string;
  transport: string;
  /** Which build's apps were measured. */
  apps: string;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  plan: BenchPlan;
  machine: MachineInfo;
  notes: string[];
  throughput?: ThroughputResult;
  replicas?: ReplicaThroughputResult;
  pool?: PoolResult;
  latency: LatencyResult[];
  fanOut?: FanOutResult;
  ingest?: IngestResult;
  queries?: QueryResult;
  memory: Array<{ app: AppName; idleMiB?: number; peakMiB?: number; peakPhase?: string }>;
}

const number = (value: number | undefined, digits = 0) =>
  value === undefined ? '-' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** One figure, or its range when it varied between requests. */
const spread = (value: Spread | undefined) =>
  value === undefined ? '-' : value.min === value.max ? number(value.min) : `${number(value.min)}-${number(value.max)}`;

/** Left-aligned first column, right-aligned figures. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].map((text) => `  ${text}`).join('\n');
}

/** The human-readable report printed at the end of a run. */
export function formatReport(results: BenchResults): string {
  const { machine, plan } = results;
  const out: string[] = [];
  out.push(`wirehook benchmark (${plan.mode}), ${results.startedAt}, ${results.durationSeconds} s`);
  out.push(`machine:   ${machine.cores} cores (${machine.cpuModel}), Node ${machine.nodeVersion}, nats-server ${machine.natsServer}`);
  out.push(`MongoDB:   ${machine.mongodb}`);
  out.push(`receiver:  ${machine.transport}`);
  out.push(`apps:      ${machine.apps}`);
  for (const note of results.notes) out.push(`note:      ${note}`);
  const { throughput } = results;
  if (throughput) {
    const cpu = throughput.ours.cpuMicrosPerDelivery;
    out.push('', `Throughput: ${number(throughput.events)} events, one delivery each, ${throughput.endpoints} endpoints, ${throughput.concurrency} in flight`);
    out.push(
      table(
        ['', 'per second', 'seconds', 'duplicates'],
        [
          ['wirehook, publish → receiver', number(throughput.ours.deliveriesPerSecond), number(throughput.ours.seconds, 1), number(throughput.ours.duplicates)],
          ['  publishing (JetStream acks)', number(throughput.events / throughput.ours.publishSeconds), number(throughput.ours.publishSeconds, 1), ''],
          ['  delivery tasks handed out again', number(throughput.ours.taskRedeliveries), '', ''],
          [
            `  task replies: ${
              Object.entries(throughput.ours.taskReplies)
                .map(([kind, count]) => `${kind} ${count}`)
                .join(', ') || 'none'
            }`,
            '',
            '',
            '',
          ],
          [
            `  stored per delivery: tasks ${throughput.ours.storedPerDelivery.tasks.toFixed(2)}, attempt-log messages ${throughput.ours.storedPerDelivery.attemptLog.toFixed(2)}`,
            '',
            '',
            '',
          ],
          ['wirehook, steady state (10-90 %)', number(throughput.ours.steadyDeliveriesPerSecond), '', ''],
          [
            `  CPU µs per delivery: dispatcher ${number(cpu.dispatcher)} (GC ${number(throughput.ours.gcMicrosPerDelivery)}), nats-server ${number(cpu.natsServer)}`,
            '',
            '',
            '',
          ],
          [`  CPU µs per delivery: benchmark process (publisher, receiver) ${number(cpu.benchProcess)}`, '', '', ''],
          ['raw undici POST loop', number(throughput.raw.requestsPerSecond), number(throughput.raw.seconds, 1), ''],
          [`  CPU µs per request: benchmark process (loop, receiver) ${number(throughput.raw.benchCpuMicrosPerRequest)}`, '', '', ''],
          ['ratio wirehook / raw', throughput.ratio.toFixed(2), '', ''],
        ],
      ),
    );
  }
  const { pool } = results;
  if (pool) {
    out.push(
      '',
      `undici pool settings: the raw loop, ${number(pool.requests)} POSTs, ${pool.concurrency} in flight (the dispatcher uses 64 connections, no pipelining)`,
    );
    out.push(
      table(
        ['', 'per second'],
        pool.runs.map((run) => [`${run.connections} connections, pipelining ${run.pipelining}`, number(run.requestsPerSecond)]),
      ),
    );
  }
  const { replicas } = results;
  if (replicas) {
    out.push('', `Dispatcher replicas: ${number(replicas.events)} events, the same burst with each count (replicas share this machine's cores)`);
    out.push(
      table(
        ['', 'per second', 'seconds', 'duplicates', 'CPU µs per delivery'],
        replicas.runs.map((run) => [
          `${run.replicas} dispatcher replica(s)`,
          number(run.deliveriesPerSecond),
          number(run.seconds, 1),
          number(run.duplicates),
          number(run.cpuMicrosPerDelivery),
        ]),
      ),
    );
  }
  if (results.latency.length) {
    out.push('', 'Latency from publish, ms (fixed rate, after warm-up; scheduled publish time)');
    const rows: string[][] = [];
    for (const run of results.latency) {
      const add = (what: string, summary: LatencyResult['receipt'] | undefined) => {
        if (summary)
          rows.push([
            `${run.rate}/s x ${run.seconds} s: ${what}`,
            number(summary.count),
            number(summary.p50, 1),
            number(summary.p95, 1),
            number(summary.p99, 1),
            number(summary.max, 1),
          ]);
      };
      add('→ receipt', run.receipt);
      add('→ attempt record in JetStream', run.attemptRecord);
      add('→ attempt in MongoDB', run.logWritten);
    }
    out.push(table(['', 'n', 'p50', 'p95', 'p99', 'max'], rows));
  }
  const { fanOut } = results;
  if (fanOut) {
    out.push('', `Fan-out: one event to ${fanOut.endpoints} endpoints, ${fanOut.rounds} rounds, ms from publish`);
    out.push(
      table(
        ['', 'p50', 'max'],
        [
          ['all endpoints received', number(fanOut.allReceivedMs.p50, 1), number(fanOut.allReceivedMs.max, 1)],
          ['first endpoint received', number(fanOut.firstReceivedMs.p50, 1), number(fanOut.firstReceivedMs.max, 1)],
        ],
      ),
    );
  }
  const { ingest } = results;
  if (ingest) {
    out.push('', `Log ingest: ${number(ingest.records)} attempt records (collection held ${number(ingest.collectionSizeBefore)} before)`);
    out.push(
      table(
        ['', 'records/s', 'seconds'],
        [
          ['log-service (JetStream → MongoDB, attempts + deliveries)', number(ingest.logService.recordsPerSecond), number(ingest.logService.seconds, 1)],
          [
            `raw insertMany, unordered, batches of ${ingest.rawInsertMany.batchSize}`,
            number(ingest.rawInsertMany.recordsPerSecond),
            number(ingest.rawInsertMany.seconds, 1),
          ],
          ['ratio log-service / raw', ingest.ratio.toFixed(3), ''],
        ],
      ),
    );
  }
  const { queries } = results;
  if (queries) {
    out.push(
      '',
      `Log queries through the API (config-api → log-service → MongoDB), tenant '${queries.tenant}': ${number(queries.attempts)} attempts, ${number(queries.deliveries)} deliveries, ${number(queries.payloads)} payloads, ${number(queries.rollups)} hourly rollups (${number(queries.seeded)} records seeded through the recorder in ${queries.seedSeconds} s)`,
      '  ms per request; rows in the answer; matches (pagination.total, + when capped); per request, what the same request sends to MongoDB (driver command monitoring): commands, documents returned',
    );
    out.push(
      table(
        ['', 'n', 'p50', 'p99', 'rows', 'matches', 'commands', 'docs'],
        queries.queries.map((query) => [
          query.name,
          number(query.samples),
          number(query.p50, 1),
          number(query.p99, 1),
          spread(query.rows),
          query.total === undefined ? '-' : `${number(query.total)}${query.totalExact === false ? '+' : ''}`,
          spread(query.mongoCommands),
          spread(query.mongoDocuments),
        ]),
      ),
    );
  }
  out.push('', 'Resident memory, MiB');
  out.push(
    table(
      ['', 'idle', 'peak', 'peak during'],
      results.memory.map((row) => [row.app, number(row.idleMiB), number(row.peakMiB), row.peakPhase ?? '-']),
    ),
  );
  return out.join('\n');
}

/** Writes the results as JSON to `bench-results/<timestamp>.json`; returns the path. */
export function writeResults(root: string, results: BenchResults): string {
  const folder = join(root, 'bench-results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
