import 'reflect-metadata';
import { runKeyRotationCommand } from './secrets/rotate-encryption-key-command';

// `npm run rotate-encryption-key`, or `node dist/apps/config-api/src/rotate-encryption-key.js` in
// the container image: re-encrypts the stored secrets with the current CONFIG_ENCRYPTION_KEY.
runKeyRotationCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`config-api rotate-encryption-key failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
