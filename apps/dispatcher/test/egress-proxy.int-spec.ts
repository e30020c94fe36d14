import type { LookupAddress, lookup } from 'node:dns';
import {
  ConnectProxy,
  MutualTlsReceiver,
  OAuth2TokenServer,
  eventually,
  testClientCertificate,
  type HttpsReceiver,
  type TestCertificates,
} from '@wirehook/testing';
import { WebhookSender } from '../src/http-client/webhook-sender';
import { startDispatcherTestbed, type DispatcherHarness, type DispatcherTestbed } from './support/dispatcher-harness';

/** Deliveries through HTTP CONNECT proxies: the dispatcher-wide one (HTTPS_PROXY, NO_PROXY) and an endpoint's own. */
describe('egress proxies', () => {
  let testbed: DispatcherTestbed;
  let certificates: TestCertificates;
  let receiver: HttpsReceiver;
  let proxy: ConnectProxy;
  let ownProxy: ConnectProxy;
  let dispatcher: DispatcherHarness;

  beforeAll(async () => {
    proxy = await ConnectProxy.start();
    ownProxy = await ConnectProxy.start();
    ownProxy.requiredAuthorization = `Basic ${Buffer.from('tenant:pa ss').toString('base64')}`;
    testbed = await startDispatcherTestbed('dispatcher-egress-proxy', { HTTPS_PROXY: proxy.url(), NO_PROXY: 'example.org,127.0.0.1' });
    ({ certificates, receiver, dispatcher } = testbed);
  });

  afterAll(async () => {
    await testbed?.stop();
    await Promise.all([proxy?.stop(), ownProxy?.stop()]);
  });

  const addEndpoint = (overrides: Parameters<DispatcherHarness['addEndpoint']>[1]) => dispatcher.addEndpoint('acme', { retryScheduleMs: [], ...overrides });

  const deliver = async (endpointId: string, event: string) => {
    await dispatcher.publisher.publish('acme', { event, data: {} });
    await eventually(() => dispatcher.attemptsOf(endpointId).length > 0, { timeoutMs: 20_000 });
    return dispatcher.attemptsOf(endpointId)[0];
  };

  it('sends deliveries through HTTPS_PROXY', async () => {
    const endpoint = await addEndpoint({ url: receiver.url('/via-proxy'), events: ['proxy.global'] });
    expect(await deliver(endpoint.id, 'proxy.global')).toMatchObject({ status: 'success' });
    expect(proxy.targets).toContain(`localhost:${receiver.port}`);
    expect(receiver.requestsTo('/via-proxy')).toHaveLength(1);
  });

  it('goes direct to hosts NO_PROXY names', async () => {
    const tunnels = proxy.tunnels;
    const endpoint = await addEndpoint({ url: `https://127.0.0.1:${receiver.port}/direct`, events: ['proxy.bypassed'] });
    expect(await deliver(endpoint.id, 'proxy.bypassed')).toMatchObject({ status: 'success' });
    expect(proxy.tunnels).toBe(tunnels);
  });

  it("sends an endpoint's deliveries through its own proxy, with the credentials in its URL", async () => {
    const tunnels = proxy.tunnels;
    const endpoint = await addEndpoint({
      url: receiver.url('/own-proxy'),
      events: ['proxy.own'],
      encryptedProxyUrl: dispatcher.encrypt(ownProxy.url('tenant:pa%20ss')),
    });
    expect(await deliver(endpoint.id, 'proxy.own')).toMatchObject({ status: 'success' });
    expect(ownProxy.targets).toEqual([`localhost:${receiver.port}`]);
    expect(proxy.tunnels).toBe(tunnels);
  });

  it('presents a client certificate through the proxy (TLS end to end in the tunnel)', async () => {
    const mtls = await MutualTlsReceiver.start(certificates);
    try {
      const client = testClientCertificate(certificates);
      const endpoint = await addEndpoint({
        url: mtls.url(),
        events: ['proxy.mtls'],
        tlsClient: { encryptedCertificate: dispatcher.encrypt(client.certificate), encryptedPrivateKey: dispatcher.encrypt(client.privateKey) },
      });
      expect(await deliver(endpoint.id, 'proxy.mtls')).toMatchObject({ status: 'success' });
      expect(proxy.targets.at(-1)).toMatch(/^localhost:\d+$/);
      expect(mtls.clientSubjects).toEqual(['wirehook test client']);
    } finally {
      await mtls.stop();
    }
  });

  describe('with the address policy in force (nothing allow-listed)', () => {
    /** `public.test` resolves to a public address for the dispatcher's check; the proxy resolves it to the local target. */
    const resolve = ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
      if (hostname === 'public.test') return callback(null, [{ address: '93.184.216.34', family: 4 }]);
      if (hostname === 'localhost') return callback(null, [{ address: '127.0.0.1', family: 4 }]);
      return callback(Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' }), []);
    }) as unknown as typeof lookup;
    let plain: OAuth2TokenServer;
    let sender: WebhookSender;

    beforeAll(async () => {
      plain = await OAuth2TokenServer.start();
      proxy.hosts.set('public.test', '127.0.0.1');
      sender = new WebhookSender({
        allowCidrs: [],
        requireHttps: false,
        responseBodyLimitBytes: 1024,
        proxy: { httpsProxy: proxy.url(), httpProxy: proxy.url() },
        resolve,
      });
    });

    afterAll(async () => {
      await sender?.close();
      await plain?.stop();
    });

    const send = (url: string, proxyUrl?: string) =>
      sender.send({ url, headers: {}, body: '{}', timeoutMs: 5000, endpointId: 'ep_x', transport: proxyUrl ? { key: proxyUrl, proxyUrl } : undefined });

    it("reaches a public host through the operator's proxy at a private address", async () => {
      const result = await send(`http://public.test:${plain.port}/hook`);
      expect(result.error).toBeUndefined();
      expect(result.response?.status).toBe(401);
      expect(proxy.targets.at(-1)).toBe(`public.test:${plain.port}`);
    });

    it('refuses a private target behind the proxy before asking the proxy for a tunnel', async () => {
      const tunnels = proxy.tunnels;
      const result = await send(`https://localhost:${receiver.port}/`);
      expect(result.error).toEqual({ code: 'ssrf_blocked', message: expect.stringContaining('refused to connect to localhost') });
      expect(proxy.tunnels).toBe(tunnels);
    });

    it("refuses an endpoint's own proxy at a private address", async () => {
      const tunnels = ownProxy.tunnels;
      const result = await send(`http://public.test:${plain.port}/hook`, ownProxy.url());
      expect(result.error?.code).toBe('ssrf_blocked');
      expect(ownProxy.tunnels).toBe(tunnels);
    });
  });
});
