import pino, { type Logger } from 'pino';
import { ConfigError, loadConfig } from '@wirehook/config';
import { SecretBox } from '@wirehook/secret-box';
import { connectMongo } from '@wirehook/mongo';
import { KvBucketNames } from '@wirehook/contracts';
import { connectNats, openBucket } from '@wirehook/nats';
import { EndpointRepository } from '../webhooks/endpoint.repository';
import { EncryptionKeyCheck, EncryptionKeyMismatchError } from './encryption-key-check.service';
import { KeyRotationConfig } from './key-rotation.config';
import { PlatformSettingsRepository } from './platform-settings.repository';
import { SecretReencryptionService, type ReencryptionReport } from './secret-reencryption.service';

/** Exit status of `rotate-encryption-key`. */
export const KeyRotationExitCode = { ok: 0, failed: 1, badArguments: 64, badConfiguration: 78 } as const;

const USAGE = `usage: npm run rotate-encryption-key
       node dist/apps/config-api/src/rotate-encryption-key.js

Encrypts every stored webhook secret (signing secrets, auth values, custom header values) that
is not under CONFIG_ENCRYPTION_KEY again with it, in MongoDB and in the endpoint copies the
dispatcher reads from NATS, reading the old values with CONFIG_ENCRYPTION_PREVIOUS_KEYS; then
records that the secrets are under the new key, after which the previous keys may be removed.
Runs with config-api's environment (MONGODB_URI, NATS_URL and NATS credentials, the two key
settings, LOG_LEVEL). Prints the counts as one JSON line on stdout (logs go to stderr). Safe to
run again and to interrupt: values already under the current key are left alone.

Exit status: 0 done, 1 failed (some secret could not be decrypted, or was written with an old
key while the command ran: nothing is lost, fix and run it again), 64 bad arguments, 78 bad
configuration.
`;

/**
 * Re-encrypts every stored secret with the current key of `config`'s ring (see
 * {@link SecretReencryptionService}) with connections of its own, closed at the end.
 */
export async function rotateEncryptionKey(config: KeyRotationConfig, logger: Logger): Promise<ReencryptionReport> {
  const secretBox = SecretBox.fromConfig(config);
  const connection = await connectMongo(config.MONGODB_URI, config.MONGODB_WRITE_CONCERN, { writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS });
  try {
    logger.info('connecting to NATS');
    const nc = await connectNats(config.natsClientSettings(), 'config-api-rotate-encryption-key');
    try {
      const bucket = await openBucket(nc, KvBucketNames.config, config.NATS_STREAM_REPLICAS);
      const keyCheck = new EncryptionKeyCheck(new PlatformSettingsRepository(connection), secretBox, nc, logger);
      return await new SecretReencryptionService(new EndpointRepository(connection), secretBox, bucket, keyCheck, logger).run();
    } finally {
      await nc.drain();
    }
  } finally {
    await connection.close();
  }
}

/** What went wrong in a report, for the operator; undefined when nothing did. Names webhooks and fields, never a value. */
export function reportProblem(report: ReencryptionReport): string | undefined {
  if (report.unreadable.length > 0) {
    const where = report.unreadable.map((problem) => `webhook ${problem.webhookId} (tenant ${problem.tenantId}) ${problem.field}`).join(', ');
    return (
      `${report.unreadable.length} stored secret(s) could not be decrypted with CONFIG_ENCRYPTION_KEY / CONFIG_ENCRYPTION_PREVIOUS_KEYS: ${where}. ` +
      'Add the key they were written with to CONFIG_ENCRYPTION_PREVIOUS_KEYS and run the command again (or replace those secrets through the API). ' +
      'Everything else readable was re-encrypted; the stored key check stays under the old key, so keep it in CONFIG_ENCRYPTION_PREVIOUS_KEYS.'
    );
  }
  if (report.leftBehind.length > 0) {
    return (
      `${report.leftBehind.length} webhook(s) were written with an older key while the command ran (${report.leftBehind.join(', ')}): ` +
      'is an app still running without the new CONFIG_ENCRYPTION_KEY? Roll every app out with it and run the command again; keep the old key in CONFIG_ENCRYPTION_PREVIOUS_KEYS until it succeeds.'
    );
  }
  return undefined;
}

/** The body of the `rotate-encryption-key` entry point; resolves to its exit status. */
export async function runKeyRotationCommand(args: string[], env?: Record<string, string | undefined>): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return KeyRotationExitCode.ok;
  }
  if (args.length > 0) {
    process.stderr.write(`unknown argument(s): ${args.join(' ')}\n\n${USAGE}`);
    return KeyRotationExitCode.badArguments;
  }
  let config: KeyRotationConfig;
  try {
    config = loadConfig(KeyRotationConfig, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`config-api rotate-encryption-key: ${error.message}\n`);
    return KeyRotationExitCode.badConfiguration;
  }
  // Logs on stderr, so stdout carries only the summary.
  const logger = pino(
    { level: config.LOG_LEVEL, base: { app: 'config-api', command: 'rotate-encryption-key' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 2, sync: true }),
  );
  let report: ReencryptionReport;
  try {
    report = await rotateEncryptionKey(config, logger);
  } catch (error) {
    if (error instanceof EncryptionKeyMismatchError) logger.error(error.message);
    else logger.error({ err: error }, `re-encryption failed: ${(error as Error).message}`);
    return KeyRotationExitCode.failed;
  }
  const { unreadable, leftBehind, ...counts } = report;
  process.stdout.write(
    `${JSON.stringify({ app: 'config-api', command: 'rotate-encryption-key', ...counts, unreadable: unreadable.map(({ reason: _reason, ...where }) => where), leftBehind })}\n`,
  );
  const problem = reportProblem(report);
  if (problem) {
    logger.error(problem);
    return KeyRotationExitCode.failed;
  }
  logger.info(counts, 'every stored secret is under CONFIG_ENCRYPTION_KEY: CONFIG_ENCRYPTION_PREVIOUS_KEYS may now be removed from every app');
  return KeyRotationExitCode.ok;
}
