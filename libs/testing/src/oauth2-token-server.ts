import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TestCertificates } from './https-receiver';

/** One token request as the token server saw it. */
export interface TokenRequest {
  authorization?: string;
  contentType?: string;
  form: Record<string, string>;
}

/** What the token server answers to one request; by default a fresh bearer token. */
export interface TokenReply {
  status: number;
  body: unknown;
}

/**
 * A local OAuth2 token endpoint (HTTPS with the test certificates, or plain HTTP without; client credentials grant) that counts requests and
 * hands out `token-1`, `token-2`, ... with `expiresInSeconds`. Checks HTTP Basic client
 * authentication against `clientId` / `clientSecret` and answers 401 `invalid_client` otherwise.
 */
export class OAuth2TokenServer {
  readonly requests: TokenRequest[] = [];
  /** Tokens issued, oldest first. */
  readonly issued: string[] = [];
  expiresInSeconds: number | undefined = 3600;
  /** Replaces the answer to every request when set. */
  reply?: (request: TokenRequest) => TokenReply | undefined;
  private listeningPort = 0;

  private constructor(
    private readonly server: Server,
    private readonly scheme: 'http' | 'https',
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  static async start(certificates?: TestCertificates, clientId = 'wirehook-client', clientSecret = 's3cret:with&odd=chars'): Promise<OAuth2TokenServer> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: TokenRequest = {
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        };
        const { status, body } = tokenServer.answer(request);
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      });
    };
    const server: Server = certificates ? createHttpsServer({ key: certificates.key, cert: certificates.cert }, handle) : createServer(handle);
    const tokenServer = new OAuth2TokenServer(server, certificates ? 'https' : 'http', clientId, clientSecret);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('token server did not bind');
    tokenServer.listeningPort = address.port;
    return tokenServer;
  }

  /** The token URL, by host name (`localhost`), as an endpoint would configure it. */
  url(path = '/oauth/token'): string {
    return `${this.scheme}://localhost:${this.listeningPort}${path}`;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** The `Authorization` value of client_secret_basic for the configured client (RFC 6749 2.3.1). */
  expectedBasic(): string {
    const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
    return `Basic ${Buffer.from(`${encode(this.clientId)}:${encode(this.clientSecret)}`).toString('base64')}`;
  }

  private answer(request: TokenRequest): TokenReply {
    this.requests.push(request);
    const custom = this.reply?.(request);
    if (custom) return custom;
    if (request.authorization !== this.expectedBasic())
      return { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } };
    if (request.form.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const token = `token-${this.issued.length + 1}`;
    this.issued.push(token);
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', ...(this.expiresInSeconds === undefined ? {} : { expires_in: this.expiresInSeconds }) },
    };
  }

  /** The latest token issued. */
  get latest(): string | undefined {
    return this.issued.at(-1);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
