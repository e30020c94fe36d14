import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ApiErrorCode } from '@wirehook/contracts';
import { DomainError } from '../errors/domain.error';

/** Certificates a client chain may hold (leaf and intermediates). */
const MAX_CHAIN_CERTIFICATES = 10;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** Extended key usages that allow a certificate to authenticate a TLS client. */
const CLIENT_AUTH_USAGES = ['1.3.6.1.5.5.7.3.2', '2.5.29.37.0'];

/** What the API shows of a client certificate: never the certificate or the key. */
export interface TlsClientCertificateInfo {
  subject: string;
  issuer: string;
  notAfter: Date;
  /** SHA-256 of the leaf certificate, colon-separated hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid', ApiErrorCode.invalidField, message, { [field]: [message] });
}

/** `CN=client, O=Example`: the one-per-line form `X509Certificate` gives, on one line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/**
 * Checks a client certificate (PEM, leaf first, then any intermediates) and its private key as
 * the dispatcher will use them for mutual TLS: every certificate parses, the key parses without
 * a passphrase and belongs to the leaf, the leaf has not expired and may authenticate a client.
 * Throws a 400 naming `tls_client.certificate` or `tls_client.private_key`; the message never
 * repeats the PEM text.
 */
export function checkTlsClientCertificate(certificatePem: string, privateKeyPem: string, now = new Date()): TlsClientCertificateInfo {
  const certificateField = 'tls_client.certificate';
  const keyField = 'tls_client.private_key';
  const blocks = certificatePem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw invalid(certificateField, `${certificateField} must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)`);
  if (blocks.length > MAX_CHAIN_CERTIFICATES) throw invalid(certificateField, `${certificateField} may hold at most ${MAX_CHAIN_CERTIFICATES} certificates`);
  const chain = blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw invalid(certificateField, `${certificateField}: certificate ${index + 1} of the PEM text could not be read as an X.509 certificate`);
    }
  });
  const leaf = chain[0];
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (error) {
    const encrypted = /passphrase|encrypted/i.test(error instanceof Error ? error.message : '') || /ENCRYPTED/.test(privateKeyPem);
    throw invalid(
      keyField,
      encrypted
        ? `${keyField} is encrypted with a passphrase; give the key unencrypted (it is stored encrypted)`
        : `${keyField} must be a PEM private key (-----BEGIN PRIVATE KEY----- ...)`,
    );
  }
  if (!leaf.checkPrivateKey(key)) throw invalid(keyField, `${keyField} does not belong to the certificate (the first one of ${certificateField})`);
  const notAfter = new Date(leaf.validTo);
  if (!(notAfter.getTime() > now.getTime())) {
    throw invalid(certificateField, `${certificateField} expired on ${notAfter.toISOString()}; give a certificate that is still valid`);
  }
  const usages = leaf.keyUsage;
  if (Array.isArray(usages) && usages.length > 0 && !usages.some((usage) => CLIENT_AUTH_USAGES.includes(usage))) {
    throw invalid(certificateField, `${certificateField} may not authenticate a TLS client: its extended key usage lacks clientAuth`);
  }
  return { subject: oneLine(leaf.subject), issuer: oneLine(leaf.issuer), notAfter, fingerprint256: leaf.fingerprint256 };
}
