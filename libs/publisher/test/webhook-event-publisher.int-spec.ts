import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames } from '@wirehook/contracts';
import { NatsAccessError, connectNats, ensureStreams } from '@wirehook/nats';
import { startSecuredNatsServer, type SecuredNatsServer } from '@wirehook/testing';
import { WebhookEventPublisher } from '../src';

describe('WebhookEventPublisher.connect against a NATS that requires a token and TLS', () => {
  let nats: SecuredNatsServer;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth: 'token', tls: true });
    const nc = await connectNats(nats.settings, 'stream-setup');
    await ensureStreams(await jetstreamManager(nc));
    await nc.close();
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('connects with the same settings as the apps, publishes, and closes its own connection', async () => {
    const publisher = await WebhookEventPublisher.connect({ ...nats.settings, name: 'billing-service' });
    const first = await publisher.publish('acme', { id: 'evt-1', event: 'invoice.paid', data: { invoiceId: 'inv-1' }, source: 'billing' });
    expect(first).toMatchObject({ eventId: 'evt-1', duplicate: false });
    expect(await publisher.publish('acme', { id: 'evt-1', event: 'invoice.paid', data: { invoiceId: 'inv-1' } })).toMatchObject({ duplicate: true });

    const reader = await connectNats(nats.settings, 'stream-reader');
    try {
      const stored = await (await jetstreamManager(reader)).streams.getMessage(StreamNames.events, { seq: first.sequence });
      expect(stored?.subject).toBe('webhooks.events.acme.invoice.paid');
      expect(stored?.json()).toMatchObject({ id: 'evt-1', event: 'invoice.paid', data: { invoiceId: 'inv-1' }, source: 'billing' });
    } finally {
      await reader.close();
    }

    await publisher.close();
    await expect(publisher.publish('acme', { event: 'invoice.paid', data: {} })).rejects.toThrow();
  });

  it('sends a trace context as NATS headers beside Nats-Msg-Id, and leaves an invalid one out', async () => {
    const publisher = await WebhookEventPublisher.connect(nats.settings);
    const reader = await connectNats(nats.settings, 'stream-reader');
    try {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const traced = await publisher.publish('acme', { id: 'evt-traced', event: 'invoice.paid', data: {} }, { traceparent, tracestate: 'rojo=1' });
      const invalid = await publisher.publish('acme', { id: 'evt-bad-trace', event: 'invoice.paid', data: {} }, { traceparent: '00-nope' });
      const jsm = await jetstreamManager(reader);
      const headersOf = async (seq: number) => {
        const stored = await jsm.streams.getMessage(StreamNames.events, { seq });
        return Object.fromEntries([...(stored?.header?.keys() ?? [])].map((name) => [name, stored?.header.get(name)]));
      };
      expect(await headersOf(traced.sequence)).toEqual({ 'Nats-Msg-Id': 'evt-traced', traceparent, tracestate: 'rojo=1' });
      expect(await headersOf(invalid.sequence)).toEqual({ 'Nats-Msg-Id': 'evt-bad-trace' });
    } finally {
      await reader.close();
      await publisher.close();
    }
  });

  it('fails at once, naming the refusal, when NATS refuses its token', async () => {
    const connecting = WebhookEventPublisher.connect({ ...nats.settings, auth: { method: 'token', token: 'not-the-token' } });
    await expect(connecting).rejects.toThrow(NatsAccessError);
    await expect(connecting).rejects.toThrow(`NATS at ${nats.url} refused the login with the token: Authorization Violation`);
  });
});
