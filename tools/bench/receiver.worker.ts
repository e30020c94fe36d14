/**
 * The benchmark's webhook receiver: a plain HTTP/1.1 keep-alive server on loopback, in a
 * worker thread of its own so that receiving never waits for the publishing loop (and the raw
 * undici loop meets exactly the same receiver as the platform does).
 */
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { COUNTER_REQUESTS, COUNTER_UNIQUE, type ReceiverReport, type ReceiverRequest } from './receiver';

const counters = new Int32Array((workerData as { counters: SharedArrayBuffer }).counters);
const ANSWER = '{"received":true}';

let timesSeen = new Map<string, number>();
let firstReceipts: number[] = [];
let latencies: number[] = [];
let pathCounts = new Map<string, number>();

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** The publish time the benchmark put in the event's data, when there is one. */
function publishedAtOf(body: string): number | undefined {
  try {
    const parsed = JSON.parse(body) as { data?: { publishedAt?: unknown } };
    const value = parsed.data?.publishedAt;
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = now();
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
    response.end(ANSWER);
    Atomics.add(counters, COUNTER_REQUESTS, 1);
    const id = String(request.headers['webhook-id'] ?? '');
    const seen = timesSeen.get(id) ?? 0;
    timesSeen.set(id, seen + 1);
    if (seen > 0) return;
    Atomics.add(counters, COUNTER_UNIQUE, 1);
    firstReceipts.push(receivedAt);
    const path = request.url ?? '';
    pathCounts.set(path, (pathCounts.get(path) ?? 0) + 1);
    const publishedAt = publishedAtOf(Buffer.concat(chunks).toString('utf8'));
    if (publishedAt !== undefined) latencies.push(receivedAt - publishedAt);
  });
});
// Longer than the senders' keep-alive (30 s), so an idle connection is always closed by the
// sender and never reset under a request between two phases.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;

parentPort?.on('message', (message: ReceiverRequest) => {
  if (message.kind === 'reset') {
    timesSeen = new Map();
    firstReceipts = [];
    latencies = [];
    pathCounts = new Map();
    Atomics.store(counters, COUNTER_REQUESTS, 0);
    Atomics.store(counters, COUNTER_UNIQUE, 0);
    parentPort?.postMessage({ kind: 'reset', id: message.id });
    return;
  }
  const report: ReceiverReport = {
    requests: Atomics.load(counters, COUNTER_REQUESTS),
    unique: timesSeen.size,
    duplicates: [...timesSeen.values()].reduce((sum, times) => sum + times - 1, 0),
    firstReceipts,
    latencies,
    paths: pathCounts.size,
  };
  parentPort?.postMessage({ kind: 'report', id: message.id, report });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  parentPort?.postMessage({ kind: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
