import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document of the REST API, from the routes' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('wirehook API')
      .setDescription('Webhook endpoints, events, delivery logs and operator routes. Authenticate with Authorization: Bearer <key>.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}
