import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * A local HTTP CONNECT proxy: it tunnels each CONNECT to its target and pipes the sockets,
 * counting the tunnels and recording their targets (`host:port` as asked) and the
 * `Proxy-Authorization` each carried. `refuse` answers 403 for the targets it matches.
 */
export class ConnectProxy {
  readonly targets: string[] = [];
  readonly proxyAuthorizations: Array<string | undefined> = [];
  refuse?: (target: string) => boolean;
  /** Host names the proxy resolves itself, as its own DNS would (`public.test` to `127.0.0.1`). */
  readonly hosts = new Map<string, string>();
  /** When set, a CONNECT without this `Proxy-Authorization` answers 407. */
  requiredAuthorization?: string;
  private readonly sockets = new Set<Socket>();
  private listeningPort = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ConnectProxy> {
    const server = createServer((_req, res) => {
      res.writeHead(405);
      res.end('only CONNECT');
    });
    const proxy = new ConnectProxy(server);
    server.on('connect', (req, client: Socket, head: Buffer) => proxy.tunnel(req.url ?? '', req.headers['proxy-authorization'], client, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('proxy did not bind');
    proxy.listeningPort = address.port;
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `http://127.0.0.1:<port>`, optionally with credentials. */
  url(credentials?: string): string {
    return `http://${credentials ? `${credentials}@` : ''}127.0.0.1:${this.listeningPort}`;
  }

  get tunnels(): number {
    return this.targets.length;
  }

  private tunnel(target: string, authorization: string | undefined, client: Socket, head: Buffer): void {
    this.targets.push(target);
    this.proxyAuthorizations.push(authorization);
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.requiredAuthorization !== undefined && authorization !== this.requiredAuthorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.refuse?.(target)) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const separator = target.lastIndexOf(':');
    const name = target.slice(0, separator).replace(/^\[|\]$/g, '');
    const host = this.hosts.get(name) ?? name;
    const upstream = connect(Number(target.slice(separator + 1)), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
  }

  reset(): void {
    this.targets.length = 0;
    this.proxyAuthorizations.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
