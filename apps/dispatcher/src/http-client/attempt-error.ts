import { AttemptErrorCode, type AttemptErrorRecord } from '@wirehook/contracts';

/** Longest raw detail kept after the sentence; the whole message must stay within the record's 2,000 characters. */
const MAX_DETAIL_CHARS = 1500;

/** The plain sentence an attempt error leads with, by stable code. */
const SENTENCES: Record<AttemptErrorCode, string> = {
  [AttemptErrorCode.httpStatus]: 'HTTP error: the endpoint answered with a status that is not a success',
  [AttemptErrorCode.timeout]: 'No answer in time: the endpoint did not answer within its timeout',
  [AttemptErrorCode.dns]: "DNS lookup failed: the endpoint's host name could not be resolved to an address",
  [AttemptErrorCode.connectionRefused]: "Connection refused: the endpoint's server did not accept the connection",
  [AttemptErrorCode.connectionReset]: 'Connection reset: the connection to the endpoint was closed before it answered',
  [AttemptErrorCode.tls]: 'TLS handshake failed: a secure connection to the endpoint could not be set up',
  [AttemptErrorCode.ssrfBlocked]: 'Address not allowed: wirehook does not send webhooks to this URL or address',
  [AttemptErrorCode.network]: 'Network error: the request to the endpoint failed before an answer came',
  [AttemptErrorCode.endpointUnavailable]: 'Endpoint unavailable: the endpoint could not be reached',
  [AttemptErrorCode.authToken]: "OAuth2 token request failed: wirehook could not get an access token from the endpoint's token URL",
};

/** TLS failures a user can act on, told apart by the code Node.js gives them. */
function tlsSentence(rawCode: string | undefined): string {
  if (rawCode === 'CERT_HAS_EXPIRED') return "TLS certificate expired: the endpoint's HTTPS certificate is past its end date";
  if (rawCode === 'CERT_NOT_YET_VALID') return "TLS certificate not yet valid: the endpoint's HTTPS certificate starts later";
  if (rawCode === 'ERR_TLS_CERT_ALTNAME_INVALID') return "TLS certificate for another host: the endpoint's HTTPS certificate does not name its host";
  if (
    rawCode &&
    /^(UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT|GET_ISSUER_CERT_LOCALLY)|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)$/.test(
      rawCode,
    )
  ) {
    return "TLS certificate not trusted: the endpoint's HTTPS certificate is not signed by an authority wirehook trusts";
  }
  return SENTENCES[AttemptErrorCode.tls];
}

/** `10 s`, `2.5 s`, `250 ms`. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

export interface AttemptErrorContext {
  /** The code of the underlying error (`ECONNREFUSED`, `CERT_HAS_EXPIRED`...), for a sharper sentence. */
  rawCode?: string;
  /** The attempt's timeout, named in a timeout's sentence. */
  timeoutMs?: number;
}

/**
 * An attempt error as users read it: the stable code, and a message that leads with a plain
 * sentence saying what happened (connection refused, DNS lookup failed, TLS certificate not
 * trusted, no answer within 10 s...) with the raw detail after it in parentheses, e.g.
 * "Connection refused: the endpoint's server did not accept the connection (connect
 * ECONNREFUSED 127.0.0.1:4999)".
 */
export function attemptError(code: AttemptErrorCode, detail: string, context: AttemptErrorContext = {}): AttemptErrorRecord {
  let sentence = code === AttemptErrorCode.tls ? tlsSentence(context.rawCode) : SENTENCES[code];
  if (code === AttemptErrorCode.timeout && context.timeoutMs !== undefined) {
    sentence = `No answer within ${duration(context.timeoutMs)}: the endpoint did not answer within its timeout`;
  }
  const raw = detail.trim();
  if (!raw) return { code, message: sentence };
  return { code, message: `${sentence} (${raw.length > MAX_DETAIL_CHARS ? `${raw.slice(0, MAX_DETAIL_CHARS)}…` : raw})` };
}
