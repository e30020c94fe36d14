import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNNER = resolve(__dirname, '..', 'tools', 'test-all.sh');

describe('npm test runs every step and fails at the end when one failed', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirehook-test-all-'));
    // Each step leaves a mark, so the test sees which ones ran.
    const mark = (name: string, code: number) => `node -e "require('fs').writeFileSync('${name}.ran', '');process.exit(${code})"`;
    const scripts = { first: mark('first', 0), broken: mark('broken', 3), last: mark('last', 0) };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'runner-check', version: '1.0.0', private: true, scripts }));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the steps after a failed one, prints a line per step and exits 1', () => {
    const run = spawnSync('bash', [RUNNER, 'first', 'broken', 'last'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const summary = run.stdout.slice(run.stdout.indexOf('==> npm test summary'));
    expect(summary.split('\n').filter((line) => /^(PASS|FAIL|SKIP) /.test(line))).toEqual([
      expect.stringMatching(/^PASS {2}first \(\d+ s\)$/),
      expect.stringMatching(/^FAIL {2}broken \(exit 3, \d+ s\)$/),
      expect.stringMatching(/^PASS {2}last \(\d+ s\)$/),
    ]);
    expect(summary).toContain('steps: 2 passed, 1 failed');
    const ran = readdirSync(dir).filter((name) => name.endsWith('.ran'));
    expect(ran.sort()).toEqual(['broken.ran', 'first.ran', 'last.ran']);
  });

  it('exits 0 when every step passed', () => {
    const run = spawnSync('bash', [RUNNER, 'first', 'last'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').pop()).toBe('steps: 2 passed, 0 failed');
  });

  it('is what npm test runs, over every suite', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test).toMatch(/^bash tools\/test-all\.sh /);
    const steps = pkg.scripts.test.split(' ').slice(2);
    expect(steps).toEqual(expect.arrayContaining(['lint', 'typecheck', 'test:unit', 'test:integration', 'test:e2e', 'test:faults']));
    for (const step of steps) expect(pkg.scripts[step]).toBeDefined();
  });
});
