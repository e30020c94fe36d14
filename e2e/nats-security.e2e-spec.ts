import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames, type AttemptLogView } from '@wirehook/contracts';
import { WebhookEventPublisher } from '@wirehook/publisher';
import { eventually, startSecuredNatsCluster, untrustedNatsCreds, type SecuredNatsCluster } from '@wirehook/testing';
import { freePortBlock } from '@wirehook/local-run';
import { EmbeddedRun } from './support/embedded-run';
import { RunningSystem } from './support/running-system';

type ListBody<T> = { data: T[] };

describe('the platform started by npm start against a 3-node NATS cluster that requires a .creds login and mutual TLS', () => {
  let nats: SecuredNatsCluster;
  let system: RunningSystem;
  let publisher: WebhookEventPublisher;

  beforeAll(async () => {
    // Operator mode with JetStream clustered; the routes between the nodes speak mutual TLS too.
    nats = await startSecuredNatsCluster(3, { auth: 'creds', mutualTls: true });
    system = await RunningSystem.start('e2e-nats-security', { NATS_STREAM_REPLICAS: '3' }, nats);
    publisher = await WebhookEventPublisher.connect({ ...nats.settings, name: 'e2e-billing' });
  });

  afterAll(async () => {
    await publisher?.close();
    await system?.stop();
    await nats?.stop();
  });

  /** `npm start` with the system's MongoDB and NATS settings, changed by `env`, on ports and a data folder of its own. */
  async function startAnotherRun(env: Record<string, string>): Promise<EmbeddedRun> {
    return EmbeddedRun.start({
      ...nats.env,
      MONGODB_URI: system.servers.mongoUri,
      PORT: String(await freePortBlock()),
      ADMIN_API_KEY: randomBytes(24).toString('hex'),
      WIREHOOK_DATA_DIR: mkdtempSync(join(tmpdir(), 'wirehook-e2e-')),
      LOG_LEVEL: 'warn',
      ...env,
    });
  }

  it('delivers an event published with the same credentials to the HTTPS receiver, and logs it', async () => {
    expect(nats.env).toMatchObject({
      NATS_URL: expect.stringMatching(/^tls:\/\/[^,]+,tls:\/\/[^,]+,tls:\/\/[^,]+$/),
      NATS_CREDS_FILE: expect.any(String),
      NATS_TLS_CERT_FILE: expect.any(String),
    });
    const { admin } = await system.tenant('acme');
    const created = await admin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: system.receiver.url('/hooks/secured'), events: ['invoice.*'] });
    expect(created.status).toBe(201);

    // The dispatcher applies a new webhook within a moment: publish until one of the events is
    // delivered. The body carries no event id, so each event names itself in its data.
    const dataOf = (body: string) => (JSON.parse(body) as { data: { invoiceId: string; eventId: string } }).data;
    const published: string[] = [];
    const eventId = await eventually(
      async () => {
        const id = `evt_secured_${published.length}`;
        await publisher.publish('acme', { id, event: 'invoice.paid', data: { invoiceId: 'inv-7', eventId: id } });
        published.push(id);
        return system.receiver
          .requestsTo('/hooks/secured')
          .map((request) => dataOf(request.body).eventId)
          .find((delivered) => published.includes(delivered));
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const request = system.receiver.requestsTo('/hooks/secured').find((candidate) => dataOf(candidate.body).eventId === eventId);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ event: 'invoice.paid', tenantId: 'acme', data: { invoiceId: 'inv-7', eventId } });

    // log-service stored the attempt and config-api fetched it over NATS request/reply.
    const row = await eventually(
      async () =>
        (await admin.get<ListBody<AttemptLogView>>(`/api/v1/webhooks/${created.body.data.id}/logs?q=${eventId}`)).body.data.find(
          (entry) => entry.event_id === eventId,
        ),
      { timeoutMs: 20_000 },
    );
    expect(row).toMatchObject({ event_id: eventId, status: 'success' });

    // The apps made their streams with a copy on every node, in the account of the .creds user.
    const jsm = await jetstreamManager(system.nc);
    for (const stream of [StreamNames.events, StreamNames.deliveries, StreamNames.attempts]) {
      const { config, cluster } = await jsm.streams.info(stream);
      expect({ stream, replicas: config.num_replicas, peers: cluster?.replicas?.length }).toEqual({ stream, replicas: 3, peers: 2 });
    }
  });

  it('does not start with a .creds file NATS refuses, and says why', async () => {
    const credsFile = join(mkdtempSync(join(tmpdir(), 'wirehook-e2e-creds-')), 'stranger.creds');
    writeFileSync(credsFile, await untrustedNatsCreds());
    await expect(startAnotherRun({ NATS_CREDS_FILE: credsFile })).rejects.toThrow(
      `NATS at ${nats.url} refused the login with the user JWT of the .creds file: Authorization Violation`,
    );
  });

  it('refuses settings that make no sense before it starts anything, without showing a secret', async () => {
    const token = `token-${randomBytes(8).toString('hex')}`;
    const refused = startAnotherRun({ NATS_TOKEN: token });
    await expect(refused).rejects.toThrow('NATS_CREDS_FILE, NATS_TOKEN: set one way to authenticate to NATS, not several');
    await expect(refused).rejects.not.toThrow(token);
    // Without NATS_URL the run would start a NATS of its own, which takes no credentials.
    await expect(startAnotherRun({ NATS_URL: '' })).rejects.toThrow('NATS credentials or TLS settings are set but NATS_URL is not');
  });
});
