import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/** An app compiled as `npm run build` compiles it, into a folder of the test's own. */
export interface CompiledApp {
  /** Path of a compiled entrypoint, e.g. `src/run-once.js`. */
  entry(relative: string): string;
  /** Starts a compiled entrypoint with exactly `env` (plus where to find node_modules). */
  spawn(relative: string, args: string[], env: Record<string, string>): ChildProcess;
  remove(): void;
}

/**
 * Compiles an app and the libraries with the repository's swc settings, so a test can run the
 * app's real entrypoints as processes (and kill them) without touching `dist/`.
 */
export function compileApp(app: string): CompiledApp {
  const out = mkdtempSync(join(tmpdir(), `wirehook-${app}-build-`));
  const sources = [`apps/${app}/src`, 'libs'];
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@swc/cli/bin/swc.js'), ...sources, '--config-file', '.swcrc', '--out-dir', out, '--quiet'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const entry = (relative: string) => join(out, 'apps', app, relative);
  return {
    entry,
    spawn: (relative, args, env) =>
      spawn(process.execPath, [entry(relative), ...args], {
        // Compiled outside the repository: node_modules is found through NODE_PATH.
        env: { ...env, NODE_PATH: join(ROOT, 'node_modules') },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}

/** Collects a child's output and its exit. */
export function watchProcess(child: ChildProcess): {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}
