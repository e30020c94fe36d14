import { IsOptional, IsString } from 'class-validator';
import { ServerEnvironment } from '@wirehook/local-run';

export const PHASES = ['throughput', 'replicas', 'pool', 'latency', 'fanout', 'ingest', 'queries'] as const;
export type PhaseName = (typeof PHASES)[number];

/** Sizes of one run; `--quick` shrinks them to finish within a minute. */
export interface BenchPlan {
  mode: 'quick' | 'full';
  phases: PhaseName[];
  /** Events published (one delivery each) in the throughput phase, and raw POSTs. */
  throughputEvents: number;
  /** Endpoints sharing the throughput load, each with `max_concurrency` 100. */
  throughputEndpoints: number;
  /** Dispatcher `DELIVERY_CONCURRENCY`; the raw loop keeps as many requests in flight. */
  concurrency: number;
  latencyRates: number[];
  latencyWarmupMs: number;
  latencyDurationMs: number;
  fanOutEndpoints: number;
  fanOutRounds: number;
  /** Attempt records ingested by log-service (and inserted raw for comparison). */
  ingestRecords: number;
  /** Attempt records (one delivery each) seeded through the recorder for the query phase. */
  queryRecords: number;
  /** Requests per query kind. */
  querySamples: number;
  /** Apps run with `--cpu-prof` (profiles in bench-results/profiles/). */
  profile: string[];
}

/** Parses `--quick`, `--only=a,b`, `--events=N`, `--ingest-records=N`, `--query-records=N`, `--concurrency=N`, `--profile=app,app`. */
export function planFromArgs(argv: string[], realMongo: boolean): BenchPlan {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match)
      throw new Error(
        `unknown argument '${arg}' (use --quick, --only=${PHASES.join(',')}, --events=N, --ingest-records=N, --query-records=N, --concurrency=N, --profile=dispatcher)`,
      );
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = ['quick', 'only', 'events', 'ingest-records', 'query-records', 'concurrency', 'profile'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown option --${name}`);
  const number = (name: string, fallback: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const only = flags
    .get('only')
    ?.split(',')
    .map((phase) => phase.trim());
  const unknownPhase = only?.find((phase) => !(PHASES as readonly string[]).includes(phase));
  if (unknownPhase) throw new Error(`unknown phase '${unknownPhase}' (phases: ${PHASES.join(', ')})`);
  const quick = flags.has('quick');
  // The MongoDB-wire server's writes slow down with collection size, and
  // its sorted reads and counts with the tenant's history (a whole-tenant page takes over 3 s,
  // log-service's time limit, at 20,000 attempts): its log volumes are the largest it handles
  // within the time budget; real MongoDB scales up.
  const ingestDefault = realMongo ? (quick ? 10_000 : 100_000) : quick ? 300 : 1_500;
  const queryDefault = realMongo ? (quick ? 50_000 : 1_000_000) : quick ? 3_000 : 10_000;
  return {
    mode: quick ? 'quick' : 'full',
    phases: (only as PhaseName[] | undefined) ?? [...PHASES],
    throughputEvents: number('events', quick ? 5_000 : 20_000),
    throughputEndpoints: 4,
    concurrency: number('concurrency', 256),
    latencyRates: [500, 1000],
    latencyWarmupMs: quick ? 1_000 : 5_000,
    latencyDurationMs: quick ? 4_000 : 20_000,
    fanOutEndpoints: 100,
    fanOutRounds: quick ? 3 : 10,
    ingestRecords: number('ingest-records', ingestDefault),
    queryRecords: number('query-records', queryDefault),
    querySamples: quick ? 20 : 100,
    profile:
      flags
        .get('profile')
        ?.split(',')
        .map((app) => app.trim()) ?? [],
  };
}

/** The benchmark's environment: the test servers', and which build's apps to measure. */
export class BenchEnvironment extends ServerEnvironment {
  /** Another checkout whose built apps (its `dist/`) are measured, for before/after comparisons. */
  @IsOptional()
  @IsString()
  BENCH_APPS_ROOT?: string;
}
