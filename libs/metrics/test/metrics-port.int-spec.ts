import { NestFactory } from '@nestjs/core';
import { MetricsListener, MetricsModule } from '../src/metrics.module';

describe('METRICS_PORT: /metrics on a listener of its own', () => {
  it('serves the metrics only there, with the token, answers 404 for them on the main port, and closes at shutdown', async () => {
    const token = 'scrape-token-abcdefghijklmnop';
    const app = await NestFactory.create(MetricsModule.forRoot('metrics-port-test', { token, port: 0, host: '127.0.0.1' }), { logger: false });
    await app.listen(0, '127.0.0.1');
    const metricsUrl = `http://127.0.0.1:${app.get(MetricsListener).port}`;
    try {
      expect((await fetch(`${await app.getUrl()}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${metricsUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-abcdefghijklm' } })).status).toBe(401);
      expect((await fetch(`${metricsUrl}/other`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      const scraped = await fetch(`${metricsUrl}/metrics?x=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await scraped.text()).toContain('app="metrics-port-test"');
    } finally {
      await app.close();
    }
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});
