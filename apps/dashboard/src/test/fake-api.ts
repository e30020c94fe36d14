/** A request the fake API received. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };
export type Handler = (request: SeenRequest, params: Record<string, string>) => Answer | Promise<Answer>;

/**
 * A hand-written stand-in for the REST API in page tests: routes such as
 * `GET /api/v1/webhooks/:id` answer with what the test says, and every request is recorded.
 * Unknown routes answer 404 with the error envelope, as the server does.
 */
export class FakeApi {
  readonly requests: SeenRequest[] = [];
  private readonly routes: Array<{ method: string; pattern: RegExp; names: string[]; handler: Handler }> = [];

  /** Answers `route` through `handler`; later routes win over earlier ones for the same path. */
  on(route: string, handler: Handler): this {
    const [method, path] = route.split(' ');
    const names: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_match, name: string) => (names.push(name), '([^/]+)'))}$`);
    this.routes.unshift({ method, pattern, names, handler });
    return this;
  }

  /** Answers `route` with 200 and `body`. */
  answer(route: string, body: unknown): this {
    return this.on(route, () => ({ body }));
  }

  /** The requests made to one route, e.g. `GET /api/v1/deliveries`. */
  seen(route: string): SeenRequest[] {
    const [method, path] = route.split(' ');
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const seen: SeenRequest = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    this.requests.push(seen);
    for (const route of this.routes) {
      const match = route.method === request.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1])]));
      const answer = await route.handler(seen, params);
      const status = answer.status ?? 200;
      const body = status === 204 ? null : JSON.stringify(answer.body ?? {});
      return new Response(body, { status, headers: { 'content-type': 'application/json', ...answer.headers } });
    }
    return new Response(JSON.stringify({ error: { code: 'not_found', message: `no fake for ${request.method} ${url.pathname}` } }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    });
  };
}
