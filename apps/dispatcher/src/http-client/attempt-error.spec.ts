import { AttemptErrorCode } from '@wirehook/contracts';
import { attemptError } from './attempt-error';
import { classifySendError } from './webhook-sender';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });
/** undici wraps the socket's error as the cause of a `fetch failed`-like error. */
const wrapped = (cause: Error) => Object.assign(new Error('fetch failed'), { cause });

describe('attempt errors lead with the stable code and a plain sentence, the raw detail after it', () => {
  it('says a refused connection in words and keeps the raw error', () => {
    expect(classifySendError(wrapped(errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4999')))).toEqual({
      code: AttemptErrorCode.connectionRefused,
      message: "Connection refused: the endpoint's server did not accept the connection (connect ECONNREFUSED 127.0.0.1:4999)",
    });
  });

  it.each([
    [errno('ENOTFOUND', 'getaddrinfo ENOTFOUND hooks.example'), AttemptErrorCode.dns, /^DNS lookup failed: .*\(getaddrinfo ENOTFOUND hooks\.example\)$/],
    [errno('ECONNRESET', 'read ECONNRESET'), AttemptErrorCode.connectionReset, /^Connection reset: .*\(read ECONNRESET\)$/],
    [
      errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      AttemptErrorCode.tls,
      /^TLS certificate not trusted: .*\(unable to verify the first certificate\)$/,
    ],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), AttemptErrorCode.tls, /^TLS certificate not trusted: /],
    [errno('CERT_HAS_EXPIRED', 'certificate has expired'), AttemptErrorCode.tls, /^TLS certificate expired: .*\(certificate has expired\)$/],
    [errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), AttemptErrorCode.tls, /^TLS certificate for another host: /],
    [errno('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), AttemptErrorCode.tls, /^TLS handshake failed: .*\(wrong version number\)$/],
    [
      errno('ESSRFBLOCKED', 'refused to connect to internal.example: loopback address'),
      AttemptErrorCode.ssrfBlocked,
      /^Address not allowed: .*\(refused to connect to internal\.example: loopback address\)$/,
    ],
    [new Error('something odd'), AttemptErrorCode.network, /^Network error: .*\(fetch failed: something odd\)$/],
  ])('classifies %p', (error, code, message) => {
    const record = classifySendError(wrapped(error));
    expect(record.code).toBe(code);
    expect(record.message).toMatch(message);
  });

  it('names the timeout it waited for', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(classifySendError(timeout, 10_000)).toEqual({
      code: AttemptErrorCode.timeout,
      message: 'No answer within 10 s: the endpoint did not answer within its timeout (The operation was aborted due to timeout)',
    });
    expect(classifySendError(errno('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'), 2_500).message).toMatch(
      /^No answer within 2\.5 s: .*\(Headers Timeout Error\)$/,
    );
  });

  it('keeps a message within the 2,000 characters an attempt record allows', () => {
    const record = attemptError(AttemptErrorCode.network, 'x'.repeat(10_000));
    expect(record.message.length).toBeLessThanOrEqual(2000);
    expect(record.message).toMatch(/^Network error: .*x…\)$/);
    expect(attemptError(AttemptErrorCode.dns, '  ').message).toBe("DNS lookup failed: the endpoint's host name could not be resolved to an address");
  });
});
