import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';

/** A server process started by us; `stop()` ends it and waits for the exit. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose next `count - 1` ports are free too (the embedded run uses PORT..PORT+3). */
export async function freePortBlock(count = 4): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + count > 65_535) continue;
    const next = await Promise.all(Array.from({ length: count - 1 }, (_, offset) => isFree(port + offset + 1)));
    if (next.every(Boolean)) return port;
  }
}

/** Finds an executable on PATH or in the system folders Debian installs servers into. */
export function findExecutable(name: string, pathVariable: string): string | undefined {
  const folders = [...pathVariable.split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
  return folders.map((folder) => join(folder, name)).find((candidate) => existsSync(candidate));
}

/** The nats-server executable on `pathVariable`; fails with how to install it when there is none. */
export function natsServerBinary(pathVariable: string): string {
  const binary = findExecutable('nats-server', pathVariable);
  if (!binary) throw new Error('nats-server is not installed: apt-get install -y nats-server, or set NATS_URL to a NATS server with JetStream');
  return binary;
}

/** The MongoDB-wire server binary shipped inside its npm package. */
export function mongoWireServerBinary(): string {
  const packageJson = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return join(dirname(packageJson), 'bin', 'jongodb');
}

function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a process and resolves once a line of its output matches `ready`. A `detached` server
 * gets its own process group, so a Ctrl-C in the terminal reaches only our own processes and
 * the server stays up until the apps using it have shut down.
 */
function startAndWait(command: string, args: string[], ready: RegExp, what: string, detached: boolean, timeoutMs = 20000): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stderr?.removeAllListeners('data');
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what} could not be started: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it was ready:\n${output}`));
    });
  });
}

export interface NatsServerOptions {
  /** The nats-server executable. */
  binary: string;
  /** JetStream store folder. */
  storeDir: string;
  port?: number;
  /** Own process group: see {@link startAndWait}. */
  detached?: boolean;
  /** More command-line arguments (cluster routes, a configuration file). */
  args?: string[];
}

/** Starts `nats-server -js` on loopback with its store in `storeDir`. */
export async function startNatsServer(options: NatsServerOptions): Promise<LocalServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.storeDir, { recursive: true });
  const child = await startAndWait(
    options.binary,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', options.storeDir, ...(options.args ?? [])],
    /Server is ready/,
    'nats-server',
    options.detached ?? false,
  );
  return { url: `nats://127.0.0.1:${port}`, port, process: child, stop: () => stopProcess(child) };
}

/**
 * Starts the in-memory MongoDB-wire server from node_modules. Everything it holds is lost when
 * it stops: it is for tests and for trying the platform out.
 */
export async function startMongoWireServer(options: { port?: number; database: string; detached?: boolean }): Promise<LocalServer> {
  const port = options.port ?? (await freePort());
  const child = await startAndWait(
    mongoWireServerBinary(),
    ['--host=127.0.0.1', `--port=${port}`],
    /JONGODB_URI=/,
    'MongoDB-wire server',
    options.detached ?? false,
  );
  return { url: `mongodb://127.0.0.1:${port}/${options.database}`, port, process: child, stop: () => stopProcess(child) };
}
