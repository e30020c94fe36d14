import type { LookupAddress, lookup } from 'node:dns';
import { createServer, type Server, type Socket } from 'node:net';
import { HttpsReceiver, createTestCertificates, type TestCertificates } from '@wirehook/testing';
import { freePort } from '@wirehook/local-run';
import { WebhookSender } from '../src/http-client/webhook-sender';

const send = (sender: WebhookSender, url: string, timeoutMs = 5000) =>
  sender.send({ url, headers: { 'content-type': 'application/json' }, body: '{"event":"a.b"}', timeoutMs });

describe('WebhookSender against real HTTPS receivers', () => {
  let certificates: TestCertificates;
  let receiver: HttpsReceiver;
  let sender: WebhookSender;

  beforeAll(async () => {
    certificates = createTestCertificates();
    receiver = await HttpsReceiver.start(certificates);
    sender = new WebhookSender({ allowCidrs: ['127.0.0.0/8'], requireHttps: true, extraCaFile: certificates.caFile, responseBodyLimitBytes: 1024 });
  });

  afterAll(async () => {
    await sender?.close();
    await receiver?.stop();
  });

  beforeEach(() => {
    receiver.requests.length = 0;
  });

  it('sends the body as given and captures the answer', async () => {
    receiver.respondWith(() => ({ status: 202, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'x-trace': 't-1' } }));
    const result = await send(sender, receiver.url('/ok'));
    expect(result.response).toMatchObject({ status: 202, body: '{"ok":true}', bodyTruncated: false, headers: { 'x-trace': 't-1' } });
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/ok', body: '{"event":"a.b"}' });
  });

  it('cuts a large response body at the limit', async () => {
    receiver.respondWith(() => ({ status: 500, body: 'x'.repeat(50_000) }));
    const result = await send(sender, receiver.url('/big'));
    expect(result.response?.body).toHaveLength(1024);
    expect(result.response?.bodyTruncated).toBe(true);
  });

  it('never follows a redirect', async () => {
    receiver.respondWith((request) => (request.path === '/moved' ? { status: 302, headers: { location: receiver.url('/target') } } : { status: 200 }));
    const result = await send(sender, receiver.url('/moved'));
    expect(result.response?.status).toBe(302);
    expect(receiver.requests.map((request) => request.path)).toEqual(['/moved']);
  });

  it('gives up on a slow endpoint with the timeout code', async () => {
    receiver.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const result = await send(sender, receiver.url('/slow'), 300);
    expect(result.error?.code).toBe('timeout');
    expect(result.durationMs).toBeLessThan(2500);
  });

  it('gives up at the deadline while the connection is still being made', async () => {
    // Accepts TCP connections and never answers the TLS handshake.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    try {
      const result = await send(sender, `https://localhost:${port}/`, 300);
      expect(result.error?.code).toBe('timeout');
      expect(result.error?.message).toMatch(/^No answer within 300 ms/);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('names a refused connection and an untrusted certificate', async () => {
    const closedPort = await freePort();
    expect((await send(sender, `https://localhost:${closedPort}/`)).error?.code).toBe('connection_refused');
    const strict = new WebhookSender({ allowCidrs: ['127.0.0.0/8'], requireHttps: true, responseBodyLimitBytes: 1024 });
    expect((await send(strict, receiver.url())).error?.code).toBe('tls');
    await strict.close();
  });

  it('leads each attempt error with a plain sentence and keeps the raw error after it', async () => {
    const closedPort = await freePort();
    const refused = (await send(sender, `https://127.0.0.1:${closedPort}/`)).error;
    expect(refused?.message).toBe(`Connection refused: the endpoint's server did not accept the connection (connect ECONNREFUSED 127.0.0.1:${closedPort})`);
    const strict = new WebhookSender({ allowCidrs: ['127.0.0.0/8'], requireHttps: true, responseBodyLimitBytes: 1024 });
    expect((await send(strict, receiver.url())).error?.message).toMatch(
      /^TLS certificate not trusted: the endpoint's HTTPS certificate is not signed by an authority wirehook trusts \(.+\)$/,
    );
    await strict.close();
    receiver.respondWith(() => ({ status: 200, delayMs: 3000 }));
    expect((await send(sender, receiver.url('/slow'), 300)).error?.message).toMatch(
      /^No answer within 300 ms: the endpoint did not answer within its timeout \(.+\)$/,
    );
    expect((await send(sender, 'http://127.0.0.1/')).error?.message).toBe(
      'Address not allowed: wirehook does not send webhooks to this URL or address (the http: scheme is not allowed (HTTPS is required))',
    );
  });
});

describe('WebhookSender refuses internal addresses before any byte is sent', () => {
  let canary: Server;
  let port: number;
  let connections = 0;
  let sender: WebhookSender;
  const resolverAnswers = new Map<string, string[]>();

  /** Resolves test host names from the map; everything else the usual way. */
  const fakeResolve = (hostname: string, _options: object, callback: (error: Error | null, addresses: LookupAddress[]) => void) => {
    const answers = resolverAnswers.get(hostname);
    if (!answers) return callback(Object.assign(new Error(`no test answer for ${hostname}`), { code: 'ENOTFOUND' }), []);
    const next = answers.length > 1 ? (answers.shift() as string) : answers[0];
    callback(
      null,
      next.split(',').map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

  beforeAll(async () => {
    canary = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    port = await freePort();
    await new Promise<void>((resolve) => canary.listen(port, '127.0.0.1', resolve));
    sender = new WebhookSender({ allowCidrs: [], requireHttps: true, responseBodyLimitBytes: 1024, resolve: fakeResolve as unknown as typeof lookup });
  });

  afterAll(async () => {
    await sender?.close();
    await new Promise((resolve) => canary.close(resolve));
  });

  const forms = () => [
    `https://127.0.0.1:${port}/`,
    `https://127.1:${port}/`,
    `https://2130706433:${port}/`,
    `https://0x7f000001:${port}/`,
    `https://0177.0.0.1:${port}/`,
    `https://0x7f.1:${port}/`,
    `https://0x7f.0.0.1:${port}/`,
    `https://017700000001:${port}/`,
    `https://127.000.000.001:${port}/`,
    `https://127.0.0.1.:${port}/`,
    `https://127.0.0.2:${port}/`,
    `https://[::1]:${port}/`,
    `https://[::ffff:127.0.0.1]:${port}/`,
    `https://[::ffff:7f00:1]:${port}/`,
    `https://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
    `https://[::127.0.0.1]:${port}/`,
    `https://[2002:7f00:1::]:${port}/`,
    `https://[64:ff9b::7f00:1]:${port}/`,
    `https://[::]:${port}/`,
    `https://0.0.0.0:${port}/`,
    `https://0:${port}/`,
    `https://good@127.0.0.1:${port}/`,
    `https://user:pass@localhost:${port}/`,
    `http://127.0.0.1:${port}/`,
    `http://example.com:${port}/`,
    `ftp://127.0.0.1:${port}/`,
    `https://10.0.0.1:${port}/`,
    `https://172.16.0.1:${port}/`,
    `https://192.168.1.1:${port}/`,
    `https://169.254.169.254:${port}/latest/meta-data`,
    `https://[::ffff:a9fe:a9fe]:${port}/`,
    `https://100.64.0.1:${port}/`,
    `https://198.18.0.1:${port}/`,
    `https://224.0.0.1:${port}/`,
    `https://255.255.255.255:${port}/`,
    `https://[fe80::1]:${port}/`,
    `https://[fc00::1]:${port}/`,
    `https://[fd00:ec2::254]:${port}/`,
    `https://localhost:${port}/`,
    `https://LOCALHOST:${port}/`,
    `https://localhost.:${port}/`,
    `https://loopback.test:${port}/`,
    `https://mixed.test:${port}/`,
    `https://mapped.test:${port}/`,
    `https://rebind.test:${port}/`,
  ];

  it('refuses more than 40 spellings of internal targets with zero connections to the canary', async () => {
    resolverAnswers.set('localhost', ['127.0.0.1']);
    resolverAnswers.set('localhost.', ['127.0.0.1']);
    resolverAnswers.set('loopback.test', ['127.0.0.1']);
    resolverAnswers.set('mixed.test', ['93.184.216.34,127.0.0.1']);
    resolverAnswers.set('mapped.test', ['::ffff:127.0.0.1']);
    // The first answer (what a write-time check would see) is public; the answer at connect time is not.
    resolverAnswers.set('rebind.test', ['93.184.216.34', '127.0.0.1']);
    fakeResolve('rebind.test', {}, (_error, addresses) => expect(addresses).toEqual([{ address: '93.184.216.34', family: 4 }]));
    const urls = forms();
    expect(urls.length).toBeGreaterThanOrEqual(40);
    for (const url of urls) {
      const result = await send(sender, url, 2000);
      expect({ url, code: result.error?.code }).toEqual({ url, code: 'ssrf_blocked' });
    }
    expect(connections).toBe(0);
  });

  it('reaches an allow-listed range, but never cloud metadata', async () => {
    const allowing = new WebhookSender({ allowCidrs: ['127.0.0.0/8', '169.254.0.0/16'], requireHttps: true, responseBodyLimitBytes: 1024 });
    const result = await send(allowing, `https://127.0.0.1:${port}/`, 2000);
    expect(result.error?.code).not.toBe('ssrf_blocked');
    expect(connections).toBe(1);
    expect((await send(allowing, `https://169.254.169.254:${port}/`, 2000)).error?.code).toBe('ssrf_blocked');
    await allowing.close();
  });
});
