import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiErrorCode } from '@wirehook/contracts';
import { LOGGER } from '@wirehook/logging';
import { SecretBox } from '@wirehook/secret-box';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError, NotFoundError } from '../errors/domain.error';
import { ConfigReplicator } from '../replication/config-replicator.service';
import { EndpointRepository } from './endpoint.repository';
import type { EndpointDocument } from './endpoint.schema';
import { EndpointUrlValidator } from './endpoint-url.validator';
import { checkTlsClientCertificate } from './tls-client-certificate';
import type { CreateWebhookDto, UpdateWebhookDto, WebhookSettingsDto } from './webhook.dto';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONCURRENCY = 10;
/** Previous secrets that may still sign during their grace periods. */
export const MAX_PREVIOUS_SECRETS = 10;
const NAMED_SCHEDULES: Record<'quick' | 'none', number[]> = { quick: [200, 400, 800], none: [] };

/** A new `whsec_` signing secret: base64 of 32 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid', ApiErrorCode.invalidField, message, { [field]: [message] });
}

/** Webhook endpoints of a tenant: validation, secrets, limits, and replication to the dispatcher. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly config: ConfigApiConfig,
    private readonly endpoints: EndpointRepository,
    private readonly urls: EndpointUrlValidator,
    private readonly secretBox: SecretBox,
    private readonly replicator: ConfigReplicator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(tenantId: string, input: CreateWebhookDto): Promise<EndpointDocument> {
    const limit = this.config.MAX_WEBHOOKS_PER_TENANT;
    if ((await this.endpoints.countForTenant(tenantId)) >= limit) {
      this.logger.info({ tenantId, limit }, 'refused a webhook over the limit of the tenant (MAX_WEBHOOKS_PER_TENANT)');
      throw new DomainError(
        'conflict',
        ApiErrorCode.webhookLimitReached,
        `this tenant already has the maximum of ${limit} webhooks; delete one, or ask your operator to raise the limit`,
      );
    }
    const now = new Date();
    const endpoint: EndpointDocument = {
      _id: `ep_${randomBytes(12).toString('hex')}`,
      tenantId,
      url: input.url.trim(),
      description: '',
      events: input.events,
      active: true,
      secrets: [{ encrypted: this.secretBox.encrypt(input.secret ?? generateSecret()), createdAt: now, expiresAt: null }],
      auth: null,
      encryptedHeaders: {},
      tlsClient: null,
      proxy: null,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retryScheduleMs: null,
      retryPolicy: null,
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
      rateLimitPerSecond: null,
      tenantField: 'tenantId',
      disabledReason: null,
      disabledAt: null,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    this.applySettings(endpoint, input);
    // The URL checks may resolve DNS; the local checks above answer first.
    endpoint.url = await this.urls.normalize(input.url);
    await this.checkConnectionUrls(endpoint, input);
    this.replicator.assertDeliverable(endpoint);
    await this.endpoints.insert(endpoint);
    await this.replicator.publishEndpoint(endpoint);
    return endpoint;
  }

  async get(tenantId: string, id: string): Promise<EndpointDocument> {
    const endpoint = await this.endpoints.findById(tenantId, id);
    if (!endpoint) throw new NotFoundError(ApiErrorCode.webhookNotFound, id);
    return endpoint;
  }

  /** Ids of at most `limit` of the tenant's webhooks whose description or URL contains `text`, ignoring case. */
  async matchingText(tenantId: string, text: string, limit: number): Promise<string[]> {
    const lower = text.toLowerCase();
    const { rows } = await this.endpoints.list(tenantId, 0, this.config.MAX_WEBHOOKS_PER_TENANT);
    return rows
      .filter((endpoint) => endpoint.description.toLowerCase().includes(lower) || endpoint.url.toLowerCase().includes(lower))
      .slice(0, limit)
      .map((endpoint) => endpoint._id);
  }

  async list(tenantId: string, page: number, perPage: number) {
    return this.endpoints.list(tenantId, (page - 1) * perPage, perPage);
  }

  async update(tenantId: string, id: string, input: UpdateWebhookDto): Promise<EndpointDocument> {
    const current = await this.get(tenantId, id);
    const next: EndpointDocument = { ...current, revision: current.revision + 1, updatedAt: new Date() };
    if (input.events !== undefined) next.events = input.events;
    this.applySettings(next, input);
    if (input.url !== undefined) next.url = await this.urls.normalize(input.url);
    await this.checkConnectionUrls(next, input);
    // Nothing is stored that the dispatcher would refuse to apply.
    this.replicator.assertDeliverable(next);
    const reEnabled = input.active === true && !current.active;
    if (reEnabled) {
      next.disabledReason = null;
      next.disabledAt = null;
    }
    if (!(await this.endpoints.replace(next, current.revision))) {
      throw new DomainError('conflict', ApiErrorCode.concurrentUpdate, `webhook '${id}' was changed by another request; read it again and retry`);
    }
    // A re-enabled endpoint starts with a clean health record, so old failures cannot disable it again.
    if (reEnabled) await this.replicator.clearHealth(tenantId, id);
    await this.replicator.publishEndpoint(next);
    return next;
  }

  /**
   * Records that the dispatcher disabled an endpoint. A change made after the disabled
   * revision wins: the event then changes nothing.
   */
  async markDisabled(tenantId: string, id: string, revision: number, reason: string, at: Date): Promise<boolean> {
    const current = await this.endpoints.findById(tenantId, id);
    if (!current || current.revision !== revision || !current.active) return false;
    const next: EndpointDocument = { ...current, active: false, disabledReason: reason, disabledAt: at, revision: current.revision + 1, updatedAt: new Date() };
    if (!(await this.endpoints.replace(next, current.revision))) return false;
    await this.replicator.publishEndpoint(next);
    return true;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.endpoints.delete(tenantId, id))) throw new NotFoundError(ApiErrorCode.webhookNotFound, id);
    await this.replicator.removeEndpoint(tenantId, id);
  }

  /**
   * Makes a new current secret. The previous one keeps signing until the grace period ends,
   * so receivers can switch without refusing a delivery; at most {@link MAX_PREVIOUS_SECRETS}
   * previous secrets are kept and expired ones are dropped.
   */
  async rotateSecret(tenantId: string, id: string, graceSeconds: number, supplied?: string): Promise<{ endpoint: EndpointDocument; secret: string }> {
    const current = await this.get(tenantId, id);
    const now = new Date();
    const secret = supplied ?? generateSecret();
    const previous = current.secrets
      .map((entry, index) => (index === 0 ? { ...entry, expiresAt: new Date(now.getTime() + graceSeconds * 1000) } : entry))
      .filter((entry) => entry.expiresAt !== null && entry.expiresAt.getTime() > now.getTime())
      .slice(0, MAX_PREVIOUS_SECRETS);
    const next: EndpointDocument = {
      ...current,
      secrets: [{ encrypted: this.secretBox.encrypt(secret), createdAt: now, expiresAt: null }, ...previous],
      revision: current.revision + 1,
      updatedAt: now,
    };
    if (!(await this.endpoints.replace(next, current.revision))) {
      throw new DomainError('conflict', ApiErrorCode.concurrentUpdate, `webhook '${id}' was changed by another request; try again`);
    }
    await this.replicator.publishEndpoint(next);
    return { endpoint: next, secret };
  }

  /** The current signing secret, in clear (admin-only route). */
  async revealSecret(tenantId: string, id: string): Promise<string> {
    const endpoint = await this.get(tenantId, id);
    return this.secretBox.decrypt(endpoint.secrets[0].encrypted);
  }

  /**
   * Checks the URLs besides the endpoint's own that deliveries connect to, as endpoint URLs are
   * checked (scheme, address policy): the OAuth2 token URL and the per-endpoint proxy.
   */
  private async checkConnectionUrls(endpoint: EndpointDocument, input: WebhookSettingsDto): Promise<void> {
    if (input.auth?.type === 'oauth2' && endpoint.auth?.type === 'oauth2' && endpoint.auth.tokenUrl !== undefined) {
      endpoint.auth.tokenUrl = await this.urls.normalize(endpoint.auth.tokenUrl, 'auth.token_url');
    }
    if (input.proxy_url !== undefined) {
      if (input.proxy_url === null) {
        endpoint.proxy = null;
      } else {
        const proxy = await this.urls.normalizeProxy(input.proxy_url);
        endpoint.proxy = { encryptedUrl: this.secretBox.encrypt(proxy.url), maskedUrl: proxy.masked };
      }
    }
  }

  /** Applies the settings present in `input`; `null` clears an optional one (the DTO refuses it on the others). */
  private applySettings(endpoint: EndpointDocument, input: WebhookSettingsDto): void {
    if (input.description !== undefined) endpoint.description = input.description ?? '';
    if (input.active !== undefined) endpoint.active = input.active;
    if (input.timeout_ms !== undefined) endpoint.timeoutMs = input.timeout_ms;
    if (input.max_concurrency !== undefined) endpoint.maxConcurrency = input.max_concurrency;
    if (input.rate_limit !== undefined) endpoint.rateLimitPerSecond = input.rate_limit;
    if (input.tenant_field !== undefined) endpoint.tenantField = input.tenant_field;
    if (input.retry !== undefined) {
      const { policy, schedule_ms: schedule } = input.retry;
      if (policy && schedule) throw invalid('retry', 'retry takes either policy or schedule_ms, not both');
      const named = policy && policy !== 'default' ? policy : null;
      endpoint.retryScheduleMs = schedule ?? (named ? NAMED_SCHEDULES[named] : null);
      endpoint.retryPolicy = schedule ? null : named;
    }
    if (input.auth !== undefined) {
      const auth = input.auth;
      endpoint.auth =
        auth?.type === 'bearer'
          ? { type: 'bearer', headerName: null, encryptedValue: this.secretBox.encrypt(auth.token as string) }
          : auth?.type === 'header'
            ? { type: 'header', headerName: (auth.header_name as string).toLowerCase(), encryptedValue: this.secretBox.encrypt(auth.header_value as string) }
            : auth?.type === 'oauth2'
              ? {
                  type: 'oauth2',
                  headerName: null,
                  encryptedValue: this.secretBox.encrypt(auth.client_secret as string),
                  // Checked (and normalized) with the other URLs, in checkConnectionUrls.
                  tokenUrl: auth.token_url as string,
                  clientId: auth.client_id as string,
                  scope: auth.scope ?? null,
                  audience: auth.audience ?? null,
                }
              : null;
    }
    if (input.tls_client !== undefined) {
      const tls = input.tls_client;
      endpoint.tlsClient = tls
        ? {
            ...checkTlsClientCertificate(tls.certificate, tls.private_key),
            encryptedCertificate: this.secretBox.encrypt(tls.certificate),
            encryptedPrivateKey: this.secretBox.encrypt(tls.private_key),
          }
        : null;
    }
    if (input.headers !== undefined) {
      endpoint.encryptedHeaders = {};
      for (const [name, value] of Object.entries(input.headers ?? {})) endpoint.encryptedHeaders[name.toLowerCase()] = this.secretBox.encrypt(value);
    }
    const authHeader = endpoint.auth?.headerName;
    if (authHeader && Object.hasOwn(endpoint.encryptedHeaders, authHeader)) {
      throw invalid('headers', `headers: '${authHeader}' is already the auth header; set it in one place`);
    }
  }
}
