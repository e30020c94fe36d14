import { AppConfig, withMongo } from '@wirehook/config';

/** Environment of retention-cron. */
export class RetentionCronConfig extends withMongo(AppConfig) {
  override PORT = 3003;
}
