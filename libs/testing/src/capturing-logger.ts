import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A JSON log line as an app wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A debug-level logger of `app` that keeps every line it writes, for assertions on the structured log. */
export function capturingLogger(app: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: { app } }, sink), lines };
}
