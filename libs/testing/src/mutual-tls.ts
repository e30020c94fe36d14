import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestCertificates } from './https-receiver';

/** A client certificate and its key, as PEM text. */
export interface ClientCertificatePem {
  certificate: string;
  privateKey: string;
}

/** The client certificate of `createTestCertificates()` (signed by its CA, clientAuth usage), as PEM text. */
export function testClientCertificate(certificates: TestCertificates): ClientCertificatePem {
  return { certificate: readFileSync(certificates.clientCertFile, 'utf8'), privateKey: readFileSync(certificates.clientKeyFile, 'utf8') };
}

/** A client certificate signed by the test CA that expired in 2020 (made with `openssl ca`, which can backdate). */
export function expiredClientCertificate(certificates: TestCertificates): ClientCertificatePem {
  const caDir = dirname(certificates.caFile);
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-expired-'));
  const file = (name: string) => join(dir, name);
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '01\n');
  writeFileSync(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${dir}`,
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    file('old.key'),
    '-out',
    file('old.csr'),
    '-subj',
    '/CN=expired client',
  );
  openssl(
    'ca',
    '-batch',
    '-config',
    file('ca.cnf'),
    '-cert',
    certificates.caFile,
    '-keyfile',
    join(caDir, 'ca.key'),
    '-in',
    file('old.csr'),
    '-out',
    file('old.pem'),
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  );
  return { certificate: readFileSync(file('old.pem'), 'utf8'), privateKey: readFileSync(file('old.key'), 'utf8') };
}

/**
 * An HTTPS receiver that requires a client certificate signed by the test CA (mutual TLS):
 * a client without one fails the handshake. Records the subject of each request's certificate.
 */
export class MutualTlsReceiver {
  readonly clientSubjects: string[] = [];
  private listeningPort = 0;

  private constructor(private readonly server: Server) {}

  static async start(certificates: TestCertificates): Promise<MutualTlsReceiver> {
    const server = createServer(
      { key: certificates.key, cert: certificates.cert, ca: certificates.ca, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        req.resume();
        req.on('end', () => {
          const peer = (req.socket as TLSSocket).getPeerCertificate();
          receiver.clientSubjects.push(String(peer?.subject?.CN ?? ''));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"received":true}');
        });
      },
    );
    const receiver = new MutualTlsReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('receiver did not bind');
    receiver.listeningPort = address.port;
    return receiver;
  }

  url(path = '/webhooks'): string {
    return `https://localhost:${this.listeningPort}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
