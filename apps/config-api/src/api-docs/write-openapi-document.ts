import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { SecretBox } from '@wirehook/secret-box';
import { loadConfig } from '@wirehook/config';
import { ConfigApiModule } from '../app.module';
import { ConfigApiConfig } from '../config/config-api.config';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The OpenAPI document without a server: Nest's preview mode reads the routes and creates no
 * provider, so nothing connects to NATS or MongoDB.
 */
export async function openApiDocumentText(): Promise<string> {
  const placeholders = {
    NATS_URL: 'nats://127.0.0.1:4222',
    MONGODB_URI: 'mongodb://127.0.0.1:27017/wirehook',
    ADMIN_API_KEY: 'openapi-document-placeholder-key',
    CONFIG_ENCRYPTION_KEY: SecretBox.generateKey(),
  };
  const config = loadConfig(ConfigApiConfig, placeholders);
  const app = await NestFactory.create(ConfigApiModule.forRoot(config, pino({ enabled: false })), { preview: true, logger: false });
  const text = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  return text;
}

/** Writes the document to the file named by the first argument (docs/openapi.json), stdout without one. */
async function main(): Promise<void> {
  const text = await openApiDocumentText();
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}

if (require.main === module) void main();
