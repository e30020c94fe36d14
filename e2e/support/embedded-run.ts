import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { StopWaiting, eventually } from '@wirehook/testing';

/** The whole system started with `npm start`, as the README tells a new user to. */
export class EmbeddedRun {
  output = '';

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts `npm start` in the repository with extra environment, and waits for its banner. */
  static async start(env: Record<string, string>): Promise<EmbeddedRun> {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: resolve(__dirname, '..', '..'),
      // eslint-disable-next-line no-restricted-properties -- the child needs PATH and friends
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the test can send Ctrl-C to everything it started.
      detached: true,
    });
    const run = new EmbeddedRun(child);
    await eventually(
      () => {
        if (child.exitCode !== null) throw new StopWaiting(`npm start exited early:\n${run.output}`);
        return /Press Ctrl-C to stop/.test(run.output);
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    return run;
  }

  /** A value printed in the start banner, such as the tenant admin key. */
  bannerValue(label: string): string {
    const match = new RegExp(`${label}:\\s+(\\S+)`).exec(this.output);
    if (!match) throw new Error(`'${label}' is not in the start output:\n${this.output}`);
    return match[1];
  }

  /** Sends Ctrl-C (SIGINT to the process group) and waits for the launcher to exit. */
  async interrupt(timeoutMs = 60_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((done) => this.child.once('exit', (code) => done(code)));
    process.kill(-(this.child.pid as number), 'SIGINT');
    const timer = setTimeout(() => process.kill(-(this.child.pid as number), 'SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
