/** How an endpoint limits the requests we send it. */
export interface EndpointLimits {
  maxConcurrency: number;
  /** Requests per second at most; absent for no limit. */
  ratePerSecond?: number;
}

/** Work offered to the gate for one endpoint, and what to do with it while it waits. */
export interface GateSubmission {
  endpointId: string;
  limits: EndpointLimits;
  /** The work itself (for a delivery task: the attempt); runs once the endpoint's limits allow. */
  work: () => Promise<void>;
  /** Called now and then while the work waits in the endpoint's queue. */
  keepAlive: () => void;
  /** Called when the gate stops with the work still waiting, to hand it back. */
  giveBack: () => void;
}

type Waiting = Pick<GateSubmission, 'work' | 'keepAlive' | 'giveBack'>;

interface EndpointState {
  limits: EndpointLimits;
  inFlight: number;
  queue: Waiting[];
  tokens: number;
  refilledAt: number;
  /** Moving average of how long this endpoint's work takes. */
  averageMs: number;
  timer?: NodeJS.Timeout;
}

/**
 * A rate-limited endpoint queues here at most this many seconds of its rate: more would be
 * work this replica holds back while another replica, with its own share of the rate, could
 * send it; the rest waits in JetStream for whichever replica has room.
 */
const QUEUED_SECONDS_OF_RATE = 2;
/** Bounds of the wait suggested for work refused because its endpoint's queue is full. */
const MIN_REFUSED_WAIT_MS = 250;
const MAX_REFUSED_WAIT_MS = 5 * 60_000;

/**
 * Keeps every endpoint within its concurrency cap and rate limit, and the process within its
 * global cap, without holding up anyone else: work for a busy endpoint waits in a short queue
 * of its own (or is refused, so the caller hands it back to JetStream), and the caller's
 * worker moves straight on.
 */
export class EndpointGate {
  /** One small entry per endpoint seen, kept for its duration average. */
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly running = new Set<Promise<void>>();
  /** Callers waiting for the process to go below its global cap. */
  private readonly globalWaiters: Array<() => void> = [];
  private readonly keepAliveTimer: NodeJS.Timeout;

  constructor(
    /** Work running at once in this process, all endpoints together. */
    private readonly maxInFlight: number,
    /** Most deliveries waiting in memory per endpoint; beyond that JetStream holds them. */
    private readonly maxQueuedPerEndpoint: number,
    keepAliveIntervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.keepAliveTimer = setInterval(() => this.keepWaitingAlive(), keepAliveIntervalMs);
    this.keepAliveTimer.unref();
  }

  /**
   * Runs `work` as soon as the endpoint allows. Resolves once the work started or was queued
   * behind the endpoint's own limits; while the whole process is at its global cap it waits,
   * which holds the caller back from pulling more (backpressure). Resolves false when the
   * endpoint's queue is full; the caller then hands the message back to JetStream for later.
   */
  async submit({ endpointId, limits, work, keepAlive, giveBack }: GateSubmission): Promise<boolean> {
    const state = this.stateOf(endpointId, limits);
    state.limits = limits;
    if (state.queue.length === 0 && this.endpointAllows(state)) {
      while (this.running.size >= this.maxInFlight) await new Promise<void>((resolve) => this.globalWaiters.push(resolve));
      if (state.queue.length === 0 && this.mayStart(state)) {
        this.start(endpointId, state, work);
        return true;
      }
    }
    if (state.queue.length >= this.queueLimit(state.limits)) return false;
    state.queue.push({ work, keepAlive, giveBack });
    this.scheduleRefill(endpointId, state);
    return true;
  }

  /**
   * Starts `work` only if it can run this moment: nothing queued for the endpoint, no caller
   * waiting for the global cap, and room within the endpoint's limits and the cap. Returns the
   * running work, or undefined (and nothing is consumed) when it would have to wait.
   */
  tryStart(endpointId: string, limits: EndpointLimits, work: () => Promise<void>): Promise<void> | undefined {
    const state = this.stateOf(endpointId, limits);
    state.limits = limits;
    if (state.queue.length > 0 || this.globalWaiters.length > 0 || !this.mayStart(state)) return undefined;
    return this.start(endpointId, state, work);
  }

  /** Requests in flight to one endpoint. */
  inFlight(endpointId: string): number {
    return this.endpoints.get(endpointId)?.inFlight ?? 0;
  }

  /** Requests in flight in this process. */
  get totalInFlight(): number {
    return this.running.size;
  }

  /**
   * How long refused work should wait before it is offered again: about the time the
   * endpoint needs to work through what is already queued for it, by its concurrency and its rate.
   */
  suggestedWaitMs(endpointId: string): number {
    const state = this.endpoints.get(endpointId);
    if (!state) return MIN_REFUSED_WAIT_MS;
    const waiting = state.queue.length + state.inFlight;
    const rate = state.limits.ratePerSecond;
    const drainMs = Math.max((waiting * state.averageMs) / state.limits.maxConcurrency, rate ? (waiting / rate) * 1000 : 0);
    return Math.round(Math.min(MAX_REFUSED_WAIT_MS, Math.max(MIN_REFUSED_WAIT_MS, drainMs)));
  }

  /** Hands every waiting delivery back and waits for the ones in flight. */
  async stop(): Promise<void> {
    clearInterval(this.keepAliveTimer);
    for (const waiter of this.globalWaiters.splice(0)) waiter();
    for (const state of this.endpoints.values()) {
      clearTimeout(state.timer);
      for (const waiting of state.queue.splice(0)) waiting.giveBack();
    }
    await Promise.all(this.running);
  }

  private queueLimit(limits: EndpointLimits): number {
    const rate = limits.ratePerSecond;
    return rate ? Math.min(this.maxQueuedPerEndpoint, Math.max(1, Math.ceil(rate * QUEUED_SECONDS_OF_RATE))) : this.maxQueuedPerEndpoint;
  }

  private stateOf(endpointId: string, limits: EndpointLimits): EndpointState {
    let state = this.endpoints.get(endpointId);
    if (!state) {
      state = { limits, inFlight: 0, queue: [], tokens: limits.ratePerSecond ?? 0, refilledAt: this.now(), averageMs: 0 };
      this.endpoints.set(endpointId, state);
    }
    return state;
  }

  /** The endpoint's own limits allow one more request now (nothing is consumed). */
  private endpointAllows(state: EndpointState): boolean {
    if (state.inFlight >= state.limits.maxConcurrency) return false;
    const rate = state.limits.ratePerSecond;
    if (!rate) return true;
    this.refill(state, rate);
    return state.tokens >= 1;
  }

  private mayStart(state: EndpointState): boolean {
    if (this.running.size >= this.maxInFlight || state.inFlight >= state.limits.maxConcurrency) return false;
    const rate = state.limits.ratePerSecond;
    if (!rate) return true;
    this.refill(state, rate);
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }

  /** A token bucket holding one second of requests, and at least one (a replica's share of a rate can be below 1/s). */
  private refill(state: EndpointState, ratePerSecond: number): void {
    const now = this.now();
    state.tokens = Math.min(Math.max(1, ratePerSecond), state.tokens + ((now - state.refilledAt) / 1000) * ratePerSecond);
    state.refilledAt = now;
  }

  /** Runs `work` in a slot; the returned promise settles as the work does. */
  private start(endpointId: string, state: EndpointState, work: () => Promise<void>): Promise<void> {
    state.inFlight += 1;
    const started = this.now();
    const outcome = work();
    const run = outcome
      .catch(() => undefined)
      .finally(() => {
        state.inFlight -= 1;
        state.averageMs = state.averageMs === 0 ? this.now() - started : 0.8 * state.averageMs + 0.2 * (this.now() - started);
        this.running.delete(run);
        this.pump(endpointId, state);
        // A global slot was freed: queued work held back by the global cap goes first, then
        // callers waiting to submit.
        if (this.running.size < this.maxInFlight) this.pumpAll();
        if (this.running.size < this.maxInFlight) this.globalWaiters.shift()?.();
      });
    this.running.add(run);
    return outcome;
  }

  private pump(endpointId: string, state: EndpointState): void {
    while (state.queue.length > 0 && this.mayStart(state)) this.start(endpointId, state, (state.queue.shift() as Waiting).work);
    if (state.queue.length > 0) this.scheduleRefill(endpointId, state);
  }

  private pumpAll(): void {
    for (const [endpointId, state] of this.endpoints) {
      if (this.running.size >= this.maxInFlight) return;
      if (state.queue.length > 0) this.pump(endpointId, state);
    }
  }

  /** When only the rate limit holds the queue back, look again once a token is due. */
  private scheduleRefill(endpointId: string, state: EndpointState): void {
    const rate = state.limits.ratePerSecond;
    if (state.timer || !rate || state.inFlight >= state.limits.maxConcurrency) return;
    const waitMs = Math.max(1, Math.ceil(((1 - state.tokens) / rate) * 1000));
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.pump(endpointId, state);
    }, waitMs);
  }

  private keepWaitingAlive(): void {
    for (const state of this.endpoints.values()) for (const waiting of state.queue) waiting.keepAlive();
  }
}
