import 'reflect-metadata';
import { migrateMain } from '@wirehook/mongo';
import { CONFIG_API_COLLECTIONS } from './collections';

// `node dist/apps/config-api/src/migrate.js`: the indexes of config-api's collections (npm run migrate runs every app's).
migrateMain('config-api', CONFIG_API_COLLECTIONS);
