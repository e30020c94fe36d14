import { EgressProxy, proxyUrlProblem } from './egress-proxy';

const proxied = (proxy: EgressProxy, url: string) => proxy.proxyFor(new URL(url));

describe('EgressProxy', () => {
  const proxy = new EgressProxy({
    httpsProxy: 'http://proxy.internal:3128',
    httpProxy: 'http://plain-proxy.internal:3128',
    noProxy: ['internal.example', '.svc.cluster.local', '*.corp', '10.0.0.0/8', 'fd00::/8', '203.0.113.7', 'api.example.com:8443'],
  });

  it('picks HTTPS_PROXY for https and HTTP_PROXY for http URLs', () => {
    expect(proxied(proxy, 'https://hooks.example.org/x')).toBe('http://proxy.internal:3128');
    expect(proxied(proxy, 'http://hooks.example.org/x')).toBe('http://plain-proxy.internal:3128');
  });

  it.each([
    'https://internal.example/',
    'https://a.b.internal.example/',
    'https://receiver.ns.svc.cluster.local/',
    'https://x.corp/',
    'https://10.1.2.3/',
    'https://[fd00::1]/',
    'https://203.0.113.7:8443/',
    'https://api.example.com:8443/',
  ])('goes direct to %s (NO_PROXY)', (url) => {
    expect(proxied(proxy, url)).toBeUndefined();
  });

  it.each(['https://notinternal.example/', 'https://11.0.0.1/', 'https://api.example.com/', 'https://corporate/'])('proxies %s', (url) => {
    expect(proxied(proxy, url)).toBe('http://proxy.internal:3128');
  });

  it('goes direct everywhere with NO_PROXY=* and without a proxy', () => {
    expect(proxied(new EgressProxy({ httpsProxy: 'http://p:1', noProxy: ['*'] }), 'https://a.example/')).toBeUndefined();
    expect(proxied(new EgressProxy({}), 'https://a.example/')).toBeUndefined();
  });

  it('accepts proxy origins only', () => {
    expect(proxyUrlProblem('http://user:pa%40ss@proxy:3128')).toBeUndefined();
    expect(proxyUrlProblem('https://proxy.example.com')).toBeUndefined();
    expect(proxyUrlProblem('socks5://proxy:1080')).toMatch(/http/);
    expect(proxyUrlProblem('http://proxy:3128/path')).toMatch(/origin/);
    expect(proxyUrlProblem('proxy:3128')).toMatch(/http/);
  });
});
