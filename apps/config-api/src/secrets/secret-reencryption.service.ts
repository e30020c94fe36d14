import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { SecretBox, SecretDecryptionError } from '@wirehook/secret-box';
import { InvalidMessageError, encodeMessage, endpointConfigKey, type EndpointSnapshotMessage } from '@wirehook/contracts';
import { encodeEndpointSnapshot, toEndpointSnapshot } from '../replication/config-replicator.service';
import { EndpointRepository } from '../webhooks/endpoint.repository';
import type { EndpointDocument } from '../webhooks/endpoint.schema';
import { EncryptionKeyCheck } from './encryption-key-check.service';

/** A stored value no key of the ring could decrypt; names where it is, never what it holds. */
export interface UnreadableSecret {
  tenantId: string;
  webhookId: string;
  /** `secrets[0]` (the current signing secret), `secrets[1]`..., `auth` or `headers.<name>`. */
  field: string;
  reason: string;
}

/** What a re-encryption run did. Counts are of webhooks. */
export interface ReencryptionReport {
  scanned: number;
  /** Webhooks whose stored secrets were encrypted again with the current key. */
  reencrypted: number;
  alreadyCurrent: number;
  /** Webhooks whose copy in the dispatcher's KV bucket was written again. */
  snapshotsRepublished: number;
  unreadable: UnreadableSecret[];
  /**
   * Webhooks the closing check found under an older key, in MongoDB or in the bucket, after the
   * pass: written meanwhile by a process without the new key.
   */
  leftBehind: string[];
  /** `rewritten`/`unchanged`: the key check value is under the current key; `kept`: under the old one, as something was left. */
  keyCheck: 'rewritten' | 'unchanged' | 'kept';
}

/** Tries of a write that lost a race with a change made meanwhile, before the webhook is left to the next run. */
const RACE_ATTEMPTS = 5;

/** Every encrypted value of a stored endpoint, by field name. */
function encryptedFieldsOf(endpoint: Pick<EndpointDocument, 'secrets' | 'auth' | 'encryptedHeaders' | 'tlsClient' | 'proxy'>): Array<[string, string]> {
  return [
    ...endpoint.secrets.map((secret, index): [string, string] => [`secrets[${index}]`, secret.encrypted]),
    ...(endpoint.auth ? [['auth', endpoint.auth.encryptedValue] as [string, string]] : []),
    ...Object.entries(endpoint.encryptedHeaders).map(([name, value]): [string, string] => [`headers.${name}`, value]),
    ...(endpoint.tlsClient
      ? [
          ['tls_client.certificate', endpoint.tlsClient.encryptedCertificate] as [string, string],
          ['tls_client.private_key', endpoint.tlsClient.encryptedPrivateKey] as [string, string],
        ]
      : []),
    ...(endpoint.proxy ? [['proxy_url', endpoint.proxy.encryptedUrl] as [string, string]] : []),
  ];
}

/** What a stored snapshot holds encrypted, read leniently: a snapshot from older rules still shows its values. */
interface StoredSnapshot {
  revision: number;
  encrypted: string[];
}

function storedSnapshotOf(bytes: Uint8Array): StoredSnapshot | undefined {
  let snapshot: Partial<EndpointSnapshotMessage>;
  try {
    snapshot = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<EndpointSnapshotMessage>;
  } catch {
    return undefined;
  }
  if (typeof snapshot?.revision !== 'number' || !Array.isArray(snapshot.secrets)) return undefined;
  const encrypted = [
    ...snapshot.secrets.map((secret) => secret?.encrypted),
    snapshot.auth?.encryptedValue,
    ...Object.values(snapshot.encryptedHeaders ?? {}),
    snapshot.tlsClient?.encryptedCertificate,
    snapshot.tlsClient?.encryptedPrivateKey,
    snapshot.encryptedProxyUrl,
  ].filter((value): value is string => typeof value === 'string');
  return { revision: snapshot.revision, encrypted };
}

/** The bytes config-api publishes for the endpoint; a document stored under older rules is published as it is, as config-api does. */
function snapshotBytesOf(endpoint: EndpointDocument): Uint8Array {
  try {
    return encodeEndpointSnapshot(endpoint);
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    return encodeMessage(toEndpointSnapshot(endpoint));
  }
}

/**
 * Encrypts every stored webhook secret (signing secrets, current and previous; auth value;
 * custom header values) again with the current key of the ring, in MongoDB and in the copies
 * the dispatcher reads (endpoint snapshots in the config KV bucket), then moves the key check
 * value to the current key. Idempotent: values already under the current key are left alone,
 * so a run that was interrupted is completed by running it again.
 *
 * Safe beside running apps: each webhook is replaced only if its revision did not change
 * meanwhile (re-read and retried otherwise), and with a new revision, so a concurrent API
 * change that read the old values fails as a conflict instead of writing them back. A
 * snapshot is replaced only if the bucket holds no newer one (compare-and-set on the entry).
 */
export class SecretReencryptionService {
  constructor(
    private readonly endpoints: EndpointRepository,
    private readonly secretBox: SecretBox,
    private readonly bucket: KV,
    private readonly keyCheck: EncryptionKeyCheck,
    private readonly logger: Logger,
    private readonly batchSize = 100,
  ) {}

  async run(): Promise<ReencryptionReport> {
    // A ring that cannot read the key check cannot read the secrets either: stop before writing anything.
    await this.keyCheck.verifyStored();
    const report: ReencryptionReport = {
      scanned: 0,
      reencrypted: 0,
      alreadyCurrent: 0,
      snapshotsRepublished: 0,
      unreadable: [],
      leftBehind: [],
      keyCheck: 'kept',
    };
    for await (const batch of this.batches()) {
      for (const endpoint of batch) await this.rotate(endpoint, report);
      this.logger.info({ scanned: report.scanned, reencrypted: report.reencrypted, unreadable: report.unreadable.length }, 're-encrypting stored secrets');
    }
    if (report.unreadable.length > 0) return report;
    // Only what a process without the new key wrote during the pass can be found here.
    for await (const batch of this.batches()) {
      for (const endpoint of batch) if (!(await this.isCurrentEverywhere(endpoint))) report.leftBehind.push(endpoint._id);
    }
    if (report.leftBehind.length === 0) report.keyCheck = await this.keyCheck.markSecretsCurrent();
    return report;
  }

  /** Every endpoint, `batchSize` at a time, from one cursor. */
  private async *batches(): AsyncGenerator<EndpointDocument[]> {
    let batch: EndpointDocument[] = [];
    for await (const endpoint of this.endpoints.all()) {
      batch.push(endpoint);
      if (batch.length >= this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  private async rotate(scanned: EndpointDocument, report: ReencryptionReport): Promise<void> {
    report.scanned += 1;
    let endpoint: EndpointDocument | null = scanned;
    for (let attempt = 1; endpoint; attempt += 1) {
      if (encryptedFieldsOf(endpoint).every(([, value]) => this.secretBox.isCurrent(value))) {
        report.alreadyCurrent += 1;
        break;
      }
      const next = this.reencrypted(endpoint, report);
      if (!next) return;
      if (await this.endpoints.replace(next, endpoint.revision)) {
        report.reencrypted += 1;
        endpoint = next;
        break;
      }
      if (attempt >= RACE_ATTEMPTS) {
        // The closing check finds it and the key check stays as it is.
        this.logger.warn({ webhookId: scanned._id }, 'a webhook kept changing while its secrets were re-encrypted; run the command again');
        return;
      }
      endpoint = await this.endpoints.findById(scanned.tenantId, scanned._id);
    }
    if (endpoint && (await this.republish(endpoint))) report.snapshotsRepublished += 1;
  }

  /** The endpoint with every value under the current key and a new revision; undefined (and recorded) when one cannot be read. */
  private reencrypted(endpoint: EndpointDocument, report: ReencryptionReport): EndpointDocument | undefined {
    const unreadable: UnreadableSecret[] = [];
    const again = (field: string, value: string): string => {
      try {
        return this.secretBox.reencrypt(value);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        unreadable.push({ tenantId: endpoint.tenantId, webhookId: endpoint._id, field, reason: error.message });
        return value;
      }
    };
    const next: EndpointDocument = {
      ...endpoint,
      secrets: endpoint.secrets.map((secret, index) => ({ ...secret, encrypted: again(`secrets[${index}]`, secret.encrypted) })),
      auth: endpoint.auth ? { ...endpoint.auth, encryptedValue: again('auth', endpoint.auth.encryptedValue) } : null,
      encryptedHeaders: Object.fromEntries(Object.entries(endpoint.encryptedHeaders).map(([name, value]) => [name, again(`headers.${name}`, value)])),
      tlsClient: endpoint.tlsClient
        ? {
            ...endpoint.tlsClient,
            encryptedCertificate: again('tls_client.certificate', endpoint.tlsClient.encryptedCertificate),
            encryptedPrivateKey: again('tls_client.private_key', endpoint.tlsClient.encryptedPrivateKey),
          }
        : (endpoint.tlsClient ?? null),
      proxy: endpoint.proxy ? { ...endpoint.proxy, encryptedUrl: again('proxy_url', endpoint.proxy.encryptedUrl) } : (endpoint.proxy ?? null),
      revision: endpoint.revision + 1,
    };
    if (unreadable.length === 0) return next;
    for (const problem of unreadable) this.logger.error({ webhookId: problem.webhookId, tenantId: problem.tenantId, field: problem.field }, problem.reason);
    report.unreadable.push(...unreadable);
    return undefined;
  }

  /**
   * Writes the endpoint's snapshot unless the bucket already holds it under the current key, or
   * holds a newer revision (config-api published a later change). True when written.
   */
  private async republish(endpoint: EndpointDocument): Promise<boolean> {
    const key = endpointConfigKey(endpoint.tenantId, endpoint._id);
    for (let attempt = 1; attempt <= RACE_ATTEMPTS; attempt += 1) {
      const entry = await this.bucket.get(key);
      // No copy (or a deleted one) is not this command's to make: config-api's replication owns the keys.
      if (!entry || entry.operation !== 'PUT') return false;
      const stored = storedSnapshotOf(entry.value);
      if (stored && stored.revision > endpoint.revision) return false;
      if (stored && stored.revision === endpoint.revision && stored.encrypted.every((value) => this.secretBox.isCurrent(value))) return false;
      try {
        await this.bucket.update(key, snapshotBytesOf(endpoint), entry.revision);
        return true;
      } catch (error) {
        // Lost to another writer: look again. Anything else is a failure of its own.
        if ((await this.bucket.get(key))?.revision === entry.revision) throw error;
      }
    }
    return false;
  }

  private async isCurrentEverywhere(endpoint: EndpointDocument): Promise<boolean> {
    if (!encryptedFieldsOf(endpoint).every(([, value]) => this.secretBox.isCurrent(value))) return false;
    const entry = await this.bucket.get(endpointConfigKey(endpoint.tenantId, endpoint._id));
    if (!entry || entry.operation !== 'PUT') return true;
    const stored = storedSnapshotOf(entry.value);
    return stored !== undefined && stored.encrypted.every((value) => this.secretBox.isCurrent(value));
  }
}
