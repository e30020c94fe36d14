import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom, of, Subject, throwError, type Observable } from 'rxjs';
import { RpcErrorCode } from '@wirehook/contracts';
import { QueryLimitReachedError, TenantQueryGate, TenantQueryLimiter, type ReleaseQuerySlot, type TenantQueryLimits } from './tenant-query-gate';

const LIMITS: TenantQueryLimits = { LOG_QUERY_CONCURRENCY_PER_TENANT: 2, LOG_QUERY_CONCURRENCY: 16, LOG_QUERY_QUEUE_WAIT_MS: 1000 };

/** An acquire whose outcome the test reads once the promise settles. */
interface Ticket {
  tenantId: string;
  release?: ReleaseQuerySlot;
  error?: unknown;
}

function take(limiter: TenantQueryLimiter, tenantId: string): Ticket {
  const ticket: Ticket = { tenantId };
  limiter.acquire(tenantId).then(
    (release) => (ticket.release = release),
    (error: unknown) => (ticket.error = error),
  );
  return ticket;
}

/** Lets settled promises run their callbacks. */
const settle = () => Promise.resolve().then(() => undefined);

/** Which of the tickets were granted, in the order given. */
const granted = (tickets: Ticket[]) => tickets.filter((ticket) => ticket.release).map((ticket) => ticket.tenantId);

describe('TenantQueryLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a tenant up to its limit at once; the next waits and runs when a slot frees, first come first served', async () => {
    const limiter = new TenantQueryLimiter(LIMITS);
    const [first, second, third, fourth] = ['a', 'a', 'a', 'a'].map((tenant) => take(limiter, tenant));
    await settle();
    expect([first, second, third, fourth].map((ticket) => Boolean(ticket.release))).toEqual([true, true, false, false]);
    expect(limiter.runningCount('a')).toBe(2);
    expect(limiter.waitingCount('a')).toBe(2);

    first.release?.();
    await settle();
    expect(third.release).toBeDefined();
    expect(fourth.release).toBeUndefined();
    second.release?.();
    await settle();
    expect(fourth.release).toBeDefined();
    expect(limiter.waitingCount('a')).toBe(0);
  });

  it('refuses at once, naming the per-tenant limit, when the tenant already has a full queue', async () => {
    const limiter = new TenantQueryLimiter(LIMITS);
    expect(limiter.maxQueuedPerTenant).toBe(8);
    const tickets = Array.from({ length: 11 }, () => take(limiter, 'acme'));
    await settle();
    expect(granted(tickets)).toHaveLength(2);
    expect(limiter.waitingCount('acme')).toBe(8);
    const refused = tickets[10].error as QueryLimitReachedError;
    expect(refused).toBeInstanceOf(QueryLimitReachedError);
    expect(refused).toMatchObject({ tenantId: 'acme', limit: 'LOG_QUERY_CONCURRENCY_PER_TENANT', retryAfterSeconds: 1 });
    expect(refused.message).toBe(
      "too many delivery-log queries of tenant 'acme' at once: at most 2 run at a time per log-service replica (LOG_QUERY_CONCURRENCY_PER_TENANT), and 8 more of this tenant are already waiting for their turn; retry after 1 s",
    );
  });

  it('refuses a waiting query once it has waited LOG_QUERY_QUEUE_WAIT_MS, and not before', async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_QUEUE_WAIT_MS: 2500 });
    const tickets = [take(limiter, 'acme'), take(limiter, 'acme'), take(limiter, 'acme')];
    await settle();
    jest.advanceTimersByTime(2499);
    await settle();
    expect(tickets[2].error).toBeUndefined();
    jest.advanceTimersByTime(1);
    await settle();
    expect(tickets[2].error).toMatchObject({ limit: 'LOG_QUERY_CONCURRENCY_PER_TENANT', retryAfterSeconds: 3 });
    expect((tickets[2].error as Error).message).toContain('this one waited 2500 ms (LOG_QUERY_QUEUE_WAIT_MS) without getting its turn; retry after 3 s');
    expect(limiter.waitingCount('acme')).toBe(0);

    // The expired query is gone from the queue: a freed slot stays free for the next comer.
    tickets[0].release?.();
    await settle();
    expect(limiter.runningCount('acme')).toBe(1);
  });

  it('refuses at once when LOG_QUERY_QUEUE_WAIT_MS is 0', async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_QUEUE_WAIT_MS: 0 });
    const tickets = [take(limiter, 'acme'), take(limiter, 'acme'), take(limiter, 'acme')];
    await settle();
    expect(granted(tickets)).toHaveLength(2);
    expect(tickets[2].error).toMatchObject({ limit: 'LOG_QUERY_CONCURRENCY_PER_TENANT', retryAfterSeconds: 1 });
    expect(limiter.waitingCount('acme')).toBe(0);
  });

  it("runs another tenant's query at once while one tenant is at its limit with a full queue", async () => {
    const limiter = new TenantQueryLimiter(LIMITS);
    const flood = Array.from({ length: 50 }, () => take(limiter, 'acme'));
    const other = take(limiter, 'globex');
    await settle();
    expect(other.release).toBeDefined();
    expect(flood.filter((ticket) => ticket.error)).toHaveLength(40);
  });

  it('caps the process at LOG_QUERY_CONCURRENCY and names that limit when a tenant under its own limit waited in vain', async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_CONCURRENCY: 3 });
    const tickets = [take(limiter, 'a'), take(limiter, 'a'), take(limiter, 'b'), take(limiter, 'c')];
    await settle();
    expect(granted(tickets)).toEqual(['a', 'a', 'b']);
    expect(limiter.runningCount()).toBe(3);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(tickets[3].error).toMatchObject({ tenantId: 'c', limit: 'LOG_QUERY_CONCURRENCY', retryAfterSeconds: 1 });
    expect((tickets[3].error as Error).message).toBe(
      'the delivery log service is busy: at most 3 delivery-log queries of all tenants run at a time per log-service replica (LOG_QUERY_CONCURRENCY), and this one waited 1000 ms (LOG_QUERY_QUEUE_WAIT_MS) without getting its turn; retry after 1 s',
    );
  });

  it('hands freed process-wide slots to waiting tenants in turn, not to the deepest queue', async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_CONCURRENCY_PER_TENANT: 4, LOG_QUERY_CONCURRENCY: 2 });
    const tickets = ['a', 'a', 'a', 'a', 'a', 'b', 'c'].map((tenant) => take(limiter, tenant));
    await settle();
    expect(granted(tickets)).toEqual(['a', 'a']);

    // Finish the oldest running query, one at a time, and note who gets the freed slot.
    const order: string[] = [];
    const finished = new Set<Ticket>();
    for (let step = 0; step < 5; step += 1) {
      const before = new Set(tickets.filter((ticket) => ticket.release));
      const oldest = tickets.find((ticket) => ticket.release && !finished.has(ticket)) as Ticket;
      oldest.release?.();
      finished.add(oldest);
      await settle();
      order.push(...tickets.filter((ticket) => ticket.release && !before.has(ticket)).map((ticket) => ticket.tenantId));
    }
    // a queued first and is served first; then b and c each get a turn before a's next query.
    expect(order).toEqual(['a', 'b', 'c', 'a', 'a']);
  });

  it('gives a slot back once however often it is released', async () => {
    const limiter = new TenantQueryLimiter(LIMITS);
    const tickets = [take(limiter, 'a'), take(limiter, 'a'), take(limiter, 'a')];
    await settle();
    tickets[0].release?.();
    tickets[0].release?.();
    await settle();
    expect(limiter.runningCount('a')).toBe(2);
    expect(limiter.runningCount()).toBe(2);
  });
});

describe('TenantQueryGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const rpcContext = (payload: unknown) => ({ switchToRpc: () => ({ getData: () => payload }) }) as unknown as ExecutionContext;
  const handler = (answer: Observable<unknown>): CallHandler => ({ handle: () => answer });

  it('holds a slot of the tenant while the handler runs and gives it back when it answers or fails', async () => {
    const limiter = new TenantQueryLimiter(LIMITS);
    const gate = new TenantQueryGate(limiter);
    const answer = new Subject<unknown>();
    const reply = lastValueFrom(await gate.intercept(rpcContext({ tenantId: 'acme' }), handler(answer)));
    expect(limiter.runningCount('acme')).toBe(1);
    answer.next({ data: [] });
    answer.complete();
    await expect(reply).resolves.toEqual({ data: [] });
    expect(limiter.runningCount('acme')).toBe(0);

    const failed = lastValueFrom(await gate.intercept(rpcContext({ tenantId: 'acme' }), handler(throwError(() => new Error('query failed')))));
    await expect(failed).rejects.toThrow('query failed');
    expect(limiter.runningCount('acme')).toBe(0);
  });

  it("answers too_busy with the limit's message and retryAfterSeconds when the tenant gets no slot", async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_QUEUE_WAIT_MS: 0 });
    const gate = new TenantQueryGate(limiter);
    const forever = new Subject<unknown>();
    for (let i = 0; i < 2; i += 1) (await gate.intercept(rpcContext({ tenantId: 'acme' }), handler(forever))).subscribe();

    const refusal = await gate.intercept(rpcContext({ tenantId: 'acme' }), handler(of('never'))).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(RpcException);
    expect((refusal as RpcException).getError()).toEqual({
      code: RpcErrorCode.tooBusy,
      message: expect.stringContaining('(LOG_QUERY_CONCURRENCY_PER_TENANT)'),
      retryAfterSeconds: 1,
    });
  });

  it('lets a payload without a tenant through, for the handler to refuse', async () => {
    const limiter = new TenantQueryLimiter({ ...LIMITS, LOG_QUERY_CONCURRENCY: 2 });
    const gate = new TenantQueryGate(limiter);
    for (const payload of [undefined, null, {}, { tenantId: 42 }, { tenantId: '' }, 'acme']) {
      await expect(lastValueFrom(await gate.intercept(rpcContext(payload), handler(of('handled'))))).resolves.toBe('handled');
    }
    expect(limiter.runningCount()).toBe(0);
  });
});
