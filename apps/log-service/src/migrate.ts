import 'reflect-metadata';
import { migrateMain } from '@wirehook/mongo';
import { LOG_SERVICE_COLLECTIONS } from './collections';

// `node dist/apps/log-service/src/migrate.js`: the indexes of the delivery logs (npm run migrate runs every app's).
migrateMain('log-service', LOG_SERVICE_COLLECTIONS);
