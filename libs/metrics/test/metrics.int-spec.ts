import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsModule } from '../src/metrics.module';

/** GET /metrics of a real Nest app with the shared metrics module, over HTTP. */
async function boot(token?: string): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(MetricsModule.forRoot('metrics-test', { token }), { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: `${await app.getUrl()}/metrics` };
}

describe('GET /metrics with and without METRICS_TOKEN', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => Promise.all(apps.map((app) => app.close())));

  it('needs Authorization: Bearer <token> when a token is set, and answers 401 otherwise', async () => {
    const token = 'scrape-token-abcdefghijklmnop';
    const { app, url } = await boot(token);
    apps.push(app);
    for (const headers of [{}, { authorization: 'Bearer wrong-token-abcdefghijklm' }, { authorization: `Basic ${token}` }] as Array<Record<string, string>>) {
      const refused = await fetch(url, { headers });
      expect({ headers, status: refused.status }).toEqual({ headers, status: 401 });
      expect(await refused.text()).not.toContain('process_cpu');
    }
    const scraped = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await scraped.text()).toContain('app="metrics-test"');
  });

  it('stays open without a token', async () => {
    const { app, url } = await boot();
    apps.push(app);
    const scraped = await fetch(url);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('process_cpu');
  });
});
