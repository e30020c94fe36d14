import { EndpointGate } from './endpoint-gate';

const allFinishers: Array<Array<() => void>> = [];

/** Work that finishes when the test says so. */
function controllable() {
  const finishers: Array<() => void> = [];
  allFinishers.push(finishers);
  let started = 0;
  const work = () =>
    new Promise<void>((resolve) => {
      started += 1;
      finishers.push(resolve);
    });
  return { work, started: () => started, finishOne: () => finishers.shift()?.(), finishAll: () => finishers.splice(0).forEach((finish) => finish()) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const noop = () => undefined;

describe('EndpointGate', () => {
  let gate: EndpointGate;

  afterEach(async () => {
    const stopped = gate.stop();
    for (const finishers of allFinishers.splice(0)) finishers.splice(0).forEach((finish) => finish());
    await stopped;
  });

  it('keeps an endpoint within its concurrency cap and starts waiting work as slots free', async () => {
    gate = new EndpointGate(1000, 100, 10_000);
    const jobs = controllable();
    for (let i = 0; i < 5; i += 1)
      expect(await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 2 }, work: jobs.work, keepAlive: noop, giveBack: noop })).toBe(true);
    expect(jobs.started()).toBe(2);
    expect(gate.inFlight('ep')).toBe(2);
    jobs.finishOne();
    await flush();
    expect(jobs.started()).toBe(3);
    jobs.finishAll();
    await flush();
    jobs.finishAll();
    await flush();
    jobs.finishAll();
    await flush();
    expect(jobs.started()).toBe(5);
  });

  it('starts work at once only when it need not wait, and never ahead of queued work', async () => {
    gate = new EndpointGate(3, 100, 10_000);
    const jobs = controllable();
    const first = gate.tryStart('ep', { maxConcurrency: 2 }, jobs.work);
    expect(first).toBeInstanceOf(Promise);
    expect(gate.tryStart('ep', { maxConcurrency: 2 }, jobs.work)).toBeInstanceOf(Promise);
    // The endpoint is at its cap: nothing starts, nothing is queued.
    expect(gate.tryStart('ep', { maxConcurrency: 2 }, jobs.work)).toBeUndefined();
    expect(jobs.started()).toBe(2);
    // Queued work for the endpoint goes first once a slot frees.
    expect(await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 2 }, work: jobs.work, keepAlive: noop, giveBack: noop })).toBe(true);
    jobs.finishOne();
    await first;
    await flush();
    expect(jobs.started()).toBe(3);
    // One of 'ep' runs now; another endpoint fills the global cap (3) and goes no further.
    const other = controllable();
    jobs.finishOne();
    await flush();
    expect(gate.totalInFlight).toBe(1);
    expect(gate.tryStart('other', { maxConcurrency: 5 }, other.work)).toBeInstanceOf(Promise);
    expect(gate.tryStart('other', { maxConcurrency: 5 }, other.work)).toBeInstanceOf(Promise);
    expect(gate.tryStart('other', { maxConcurrency: 5 }, other.work)).toBeUndefined();
    // A rate limit with no token left refuses too.
    jobs.finishAll();
    other.finishAll();
    await flush();
    expect(gate.tryStart('limited', { maxConcurrency: 5, ratePerSecond: 1 }, jobs.work)).toBeInstanceOf(Promise);
    expect(gate.tryStart('limited', { maxConcurrency: 5, ratePerSecond: 1 }, jobs.work)).toBeUndefined();
  });

  it('never lets one busy endpoint hold back another', async () => {
    gate = new EndpointGate(1000, 100, 10_000);
    const slow = controllable();
    const fast = controllable();
    for (let i = 0; i < 50; i += 1) await gate.submit({ endpointId: 'slow', limits: { maxConcurrency: 1 }, work: slow.work, keepAlive: noop, giveBack: noop });
    await gate.submit({ endpointId: 'fast', limits: { maxConcurrency: 1 }, work: fast.work, keepAlive: noop, giveBack: noop });
    expect(fast.started()).toBe(1);
    slow.finishAll();
    fast.finishAll();
  });

  it('keeps the whole process within its global cap, holding submitters back until slots free', async () => {
    gate = new EndpointGate(3, 100, 10_000);
    const jobs = controllable();
    const submitted = ['a', 'b', 'c', 'd', 'e'].map((endpoint) =>
      gate.submit({ endpointId: endpoint, limits: { maxConcurrency: 5 }, work: jobs.work, keepAlive: noop, giveBack: noop }),
    );
    await flush();
    expect(jobs.started()).toBe(3);
    expect(gate.totalInFlight).toBe(3);
    let fourthDone = false;
    void submitted[3].then(() => (fourthDone = true));
    await flush();
    expect(fourthDone).toBe(false);
    jobs.finishOne();
    await flush();
    expect(fourthDone).toBe(true);
    expect(jobs.started()).toBe(4);
    expect(gate.totalInFlight).toBe(3);
  });

  it('suggests a longer wait for an endpoint with a long queue of slow work', async () => {
    let clock = 0;
    gate = new EndpointGate(1000, 50, 10_000, () => clock);
    const jobs = controllable();
    await gate.submit({ endpointId: 'slow', limits: { maxConcurrency: 1 }, work: jobs.work, keepAlive: noop, giveBack: noop });
    clock = 10_000;
    jobs.finishOne();
    await flush();
    for (let i = 0; i < 30; i += 1) await gate.submit({ endpointId: 'slow', limits: { maxConcurrency: 1 }, work: jobs.work, keepAlive: noop, giveBack: noop });
    expect(gate.suggestedWaitMs('slow')).toBe(300_000);
    expect(gate.suggestedWaitMs('unknown')).toBe(250);
  });

  it('refuses work beyond the queue bound so JetStream keeps it', async () => {
    gate = new EndpointGate(1000, 3, 10_000);
    const jobs = controllable();
    const accepted: boolean[] = [];
    for (let i = 0; i < 6; i += 1)
      accepted.push(await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 1 }, work: jobs.work, keepAlive: noop, giveBack: noop }));
    expect(accepted).toEqual([true, true, true, true, false, false]);
    jobs.finishAll();
  });

  it('spaces requests by the rate limit', async () => {
    let clock = 0;
    gate = new EndpointGate(1000, 100, 10_000, () => clock);
    const jobs = controllable();
    for (let i = 0; i < 4; i += 1)
      await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 10, ratePerSecond: 2 }, work: jobs.work, keepAlive: noop, giveBack: noop });
    expect(jobs.started()).toBe(2);
    clock = 499;
    jobs.finishAll();
    await flush();
    expect(jobs.started()).toBe(2);
    clock = 1000;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(jobs.started()).toBe(4);
    jobs.finishAll();
  });

  it('queues at most two seconds of a rate-limited endpoint and suggests waiting until they are sent', async () => {
    gate = new EndpointGate(1000, 100, 10_000, () => 0);
    const jobs = controllable();
    const accepted: boolean[] = [];
    for (let i = 0; i < 8; i += 1)
      accepted.push(
        await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 10, ratePerSecond: 2 }, work: jobs.work, keepAlive: noop, giveBack: noop }),
      );
    // Two start with the bucket's tokens, four (two seconds of the rate) wait, the rest go back to JetStream.
    expect(accepted).toEqual([true, true, true, true, true, true, false, false]);
    expect(jobs.started()).toBe(2);
    expect(gate.suggestedWaitMs('ep')).toBe(3000);
    jobs.finishAll();
  });

  it('keeps waiting messages alive and hands them back on stop', async () => {
    gate = new EndpointGate(1000, 100, 20);
    const jobs = controllable();
    const keptAlive = jest.fn();
    const givenBack = jest.fn();
    await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 1 }, work: jobs.work, keepAlive: noop, giveBack: noop });
    await gate.submit({ endpointId: 'ep', limits: { maxConcurrency: 1 }, work: jobs.work, keepAlive: keptAlive, giveBack: givenBack });
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(keptAlive.mock.calls.length).toBeGreaterThanOrEqual(2);
    const stopped = gate.stop();
    expect(givenBack).toHaveBeenCalledTimes(1);
    jobs.finishAll();
    await stopped;
    expect(jobs.started()).toBe(1);
  });
});
