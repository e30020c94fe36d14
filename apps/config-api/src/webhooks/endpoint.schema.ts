import { Schema } from 'mongoose';

/** A webhook endpoint. Secret values (signing secrets, auth value, custom header values) are encrypted. */
export interface EndpointDocument {
  _id: string;
  tenantId: string;
  url: string;
  description: string;
  events: string[];
  active: boolean;
  secrets: Array<{ encrypted: string; createdAt: Date; expiresAt: Date | null }>;
  /** `encryptedValue` is the bearer token, the header value or the OAuth2 client secret. */
  auth: EndpointAuthDocument | null;
  encryptedHeaders: Record<string, string>;
  /** Client certificate and key for mutual TLS (encrypted), with what the API shows of the certificate; absent or null: none. */
  tlsClient?: EndpointTlsClientDocument | null;
  /** Per-endpoint proxy URL, encrypted (it may hold credentials), and the same URL with its password masked; absent or null: none. */
  proxy?: { encryptedUrl: string; maskedUrl: string } | null;
  timeoutMs: number;
  retryScheduleMs: number[] | null;
  /** The preset `retryScheduleMs` came from (`quick`, `none`), shown back to the tenant; null for the default or a custom schedule. */
  retryPolicy?: 'quick' | 'none' | null;
  maxConcurrency: number;
  rateLimitPerSecond: number | null;
  tenantField: 'tenantId' | 'companyId';
  /** Why the dispatcher disabled the endpoint (410 Gone, or failing for too long); null otherwise. */
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Grows with every change; replicated so readers can drop stale values. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointAuthDocument {
  type: 'bearer' | 'header' | 'oauth2';
  headerName: string | null;
  encryptedValue: string;
  /** OAuth2 client credentials (type `oauth2` only). */
  tokenUrl?: string;
  clientId?: string;
  scope?: string | null;
  audience?: string | null;
}

export interface EndpointTlsClientDocument {
  encryptedCertificate: string;
  encryptedPrivateKey: string;
  /** Of the leaf certificate, as `X509Certificate` gives them. */
  subject: string;
  issuer: string;
  notAfter: Date;
  /** SHA-256 fingerprint of the leaf certificate, colon-separated hex. */
  fingerprint256: string;
}

export const ENDPOINTS_COLLECTION = 'endpoints';

export const endpointSchema = new Schema<EndpointDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    url: { type: String, required: true },
    description: { type: String, default: '' },
    events: { type: [String], required: true },
    active: { type: Boolean, required: true },
    secrets: { type: Schema.Types.Mixed, required: true },
    auth: { type: Schema.Types.Mixed, default: null },
    encryptedHeaders: { type: Schema.Types.Mixed, default: {} },
    tlsClient: { type: Schema.Types.Mixed, default: null },
    proxy: { type: Schema.Types.Mixed, default: null },
    timeoutMs: { type: Number, required: true },
    retryScheduleMs: { type: [Number], default: null },
    retryPolicy: { type: String, default: null },
    maxConcurrency: { type: Number, required: true },
    rateLimitPerSecond: { type: Number, default: null },
    tenantField: { type: String, required: true },
    disabledReason: { type: String, default: null },
    disabledAt: { type: Date, default: null },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: ENDPOINTS_COLLECTION, versionKey: false, autoCreate: false, autoIndex: false, minimize: false },
);

// Listing and counting a tenant's endpoints, newest first.
endpointSchema.index({ tenantId: 1, createdAt: -1 }, { name: 'tenant_time' });
