import 'reflect-metadata';
import { migrateMain } from '@wirehook/mongo';
import { RETENTION_CRON_COLLECTIONS } from './collections';

// `node dist/apps/retention-cron/src/migrate.js`: the indexes of retention-cron's collections (npm run migrate runs every app's).
migrateMain('retention-cron', RETENTION_CRON_COLLECTIONS);
