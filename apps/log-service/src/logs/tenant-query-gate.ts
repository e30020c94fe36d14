import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { finalize, type Observable } from 'rxjs';
import { RpcErrorCode } from '@wirehook/contracts';
import { LogServiceConfig } from '../config/log-service.config';

/** The settings the gate works with. */
export type TenantQueryLimits = Pick<LogServiceConfig, 'LOG_QUERY_CONCURRENCY_PER_TENANT' | 'LOG_QUERY_CONCURRENCY' | 'LOG_QUERY_QUEUE_WAIT_MS'>;

/** How many queries of a tenant may wait for their turn, per query of that tenant allowed to run. */
export const QUEUED_PER_RUNNING = 4;

/** The limit that refused a query, named by the variable that sets it. */
export type QueryLimitName = 'LOG_QUERY_CONCURRENCY_PER_TENANT' | 'LOG_QUERY_CONCURRENCY';

/** A log query refused because its tenant, or the process, has as many queries running and waiting as it may. */
export class QueryLimitReachedError extends Error {
  constructor(
    readonly tenantId: string,
    readonly limit: QueryLimitName,
    /** When the caller should try again; whole seconds, at least 1. */
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'QueryLimitReachedError';
  }
}

/** Gives the slot back; calling it again does nothing. */
export type ReleaseQuerySlot = () => void;

interface Waiter {
  grant: (release: ReleaseQuerySlot) => void;
  refuse: (error: QueryLimitReachedError) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Shares this process's log queries between tenants: at most `LOG_QUERY_CONCURRENCY_PER_TENANT`
 * of one tenant and `LOG_QUERY_CONCURRENCY` of all tenants run at once. A query past either
 * limit waits in its tenant's FIFO queue (at most `QUEUED_PER_RUNNING` times the tenant's limit
 * long) for up to `LOG_QUERY_QUEUE_WAIT_MS`, and is refused when the queue is full or the wait
 * runs out. When a slot frees, the tenants with queries waiting take turns (round-robin), so a
 * tenant with a deep queue cannot hold the process-wide slots against a tenant with one query.
 */
@Injectable()
export class TenantQueryLimiter {
  private readonly running = new Map<string, number>();
  private runningTotal = 0;
  /** Waiting queries per tenant, oldest first; the map's order is the tenants' turn order. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(@Inject(LogServiceConfig) private readonly limits: TenantQueryLimits) {}

  /** Queries of one tenant allowed to wait for their turn. */
  get maxQueuedPerTenant(): number {
    return QUEUED_PER_RUNNING * this.limits.LOG_QUERY_CONCURRENCY_PER_TENANT;
  }

  /** What a refused caller is told: by then the queries ahead of it have had a full queue wait to finish. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.LOG_QUERY_QUEUE_WAIT_MS / 1000));
  }

  /** Queries of a tenant running now (all tenants' without one). */
  runningCount(tenantId?: string): number {
    return tenantId === undefined ? this.runningTotal : (this.running.get(tenantId) ?? 0);
  }

  /** Queries of a tenant waiting for their turn now. */
  waitingCount(tenantId: string): number {
    return this.waiting.get(tenantId)?.length ?? 0;
  }

  /**
   * Resolves with the function that gives the slot back once the tenant's query may run;
   * rejects with `QueryLimitReachedError` when it may not run soon enough.
   */
  acquire(tenantId: string): Promise<ReleaseQuerySlot> {
    // While a slot is free, nobody who could take it is waiting (`dispatch` runs on every
    // release), so a tenant with no queue of its own goes first without jumping anyone.
    if (!this.waiting.has(tenantId) && this.hasRoom(tenantId)) return Promise.resolve(this.start(tenantId));
    const queue = this.waiting.get(tenantId) ?? [];
    if (this.limits.LOG_QUERY_QUEUE_WAIT_MS === 0 || queue.length >= this.maxQueuedPerTenant) {
      return Promise.reject(this.refusal(tenantId, queue.length === 0 ? 'no wait' : 'queue full'));
    }
    return new Promise<ReleaseQuerySlot>((grant, refuse) => {
      const waiter: Waiter = { grant, refuse };
      waiter.timer = setTimeout(() => this.expire(tenantId, waiter), this.limits.LOG_QUERY_QUEUE_WAIT_MS);
      queue.push(waiter);
      // A tenant new to the queue takes the last turn.
      if (!this.waiting.has(tenantId)) this.waiting.set(tenantId, queue);
    });
  }

  private hasRoom(tenantId: string): boolean {
    return this.runningTotal < this.limits.LOG_QUERY_CONCURRENCY && this.runningCount(tenantId) < this.limits.LOG_QUERY_CONCURRENCY_PER_TENANT;
  }

  private start(tenantId: string): ReleaseQuerySlot {
    this.running.set(tenantId, this.runningCount(tenantId) + 1);
    this.runningTotal += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.runningCount(tenantId) - 1;
      if (left > 0) this.running.set(tenantId, left);
      else this.running.delete(tenantId);
      this.runningTotal -= 1;
      this.dispatch();
    };
  }

  /** Hands free slots to waiting queries, one tenant's turn after another. */
  private dispatch(): void {
    while (this.runningTotal < this.limits.LOG_QUERY_CONCURRENCY) {
      const next = [...this.waiting].find(([tenantId]) => this.runningCount(tenantId) < this.limits.LOG_QUERY_CONCURRENCY_PER_TENANT);
      if (!next) return;
      const [tenantId, queue] = next;
      const waiter = queue.shift() as Waiter;
      // Served: to the back of the turn order, or out of it.
      this.waiting.delete(tenantId);
      if (queue.length > 0) this.waiting.set(tenantId, queue);
      clearTimeout(waiter.timer);
      waiter.grant(this.start(tenantId));
    }
  }

  private expire(tenantId: string, waiter: Waiter): void {
    const queue = this.waiting.get(tenantId);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.waiting.delete(tenantId);
    waiter.refuse(this.refusal(tenantId, 'waited'));
  }

  private refusal(tenantId: string, why: 'no wait' | 'queue full' | 'waited'): QueryLimitReachedError {
    const { LOG_QUERY_CONCURRENCY_PER_TENANT: perTenant, LOG_QUERY_CONCURRENCY: total, LOG_QUERY_QUEUE_WAIT_MS: waitMs } = this.limits;
    const retry = `; retry after ${this.retryAfterSeconds} s`;
    const outcome =
      why === 'waited'
        ? `, and this one waited ${waitMs} ms (LOG_QUERY_QUEUE_WAIT_MS) without getting its turn`
        : why === 'queue full'
          ? `, and ${this.maxQueuedPerTenant} more of this tenant are already waiting for their turn`
          : '';
    if (this.runningCount(tenantId) >= perTenant) {
      const message = `too many delivery-log queries of tenant '${tenantId}' at once: at most ${perTenant} run at a time per log-service replica (LOG_QUERY_CONCURRENCY_PER_TENANT)${outcome}${retry}`;
      return new QueryLimitReachedError(tenantId, 'LOG_QUERY_CONCURRENCY_PER_TENANT', this.retryAfterSeconds, message);
    }
    const message = `the delivery log service is busy: at most ${total} delivery-log queries of all tenants run at a time per log-service replica (LOG_QUERY_CONCURRENCY)${outcome}${retry}`;
    return new QueryLimitReachedError(tenantId, 'LOG_QUERY_CONCURRENCY', this.retryAfterSeconds, message);
  }
}

/** The tenant a request/reply payload names, when it names one. */
function tenantOf(payload: unknown): string | undefined {
  const tenantId = typeof payload === 'object' && payload !== null ? (payload as { tenantId?: unknown }).tenantId : undefined;
  return typeof tenantId === 'string' && tenantId.length > 0 ? tenantId : undefined;
}

/**
 * Runs a log-query handler (`@UseInterceptors(TenantQueryGate)`) only when its tenant gets a
 * slot from `TenantQueryLimiter`; a refusal answers `too_busy` with `retryAfterSeconds`. The slot
 * is held until the handler's answer is sent or it fails. A payload without a tenant goes
 * through: the handler's validation refuses it.
 */
@Injectable()
export class TenantQueryGate implements NestInterceptor {
  constructor(private readonly limiter: TenantQueryLimiter) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const tenantId = tenantOf(context.switchToRpc().getData());
    if (tenantId === undefined) return next.handle();
    let release: ReleaseQuerySlot;
    try {
      release = await this.limiter.acquire(tenantId);
    } catch (error) {
      if (error instanceof QueryLimitReachedError) {
        throw new RpcException({ code: RpcErrorCode.tooBusy, message: error.message, retryAfterSeconds: error.retryAfterSeconds });
      }
      throw error;
    }
    return next.handle().pipe(finalize(release));
  }
}
