import { ValidationPipe, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { describeValidationErrors } from '@wirehook/contracts';
import { DomainError } from './errors/domain.error';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { JsonObjectBodyPipe } from './errors/json-object-body.pipe';

/** Largest accepted request body. */
const BODY_LIMIT = '512kb';

/**
 * The HTTP edge of config-api: body limit, validation of every input (unknown fields refused,
 * each problem named), one error format, and the OpenAPI document at /api/docs.
 */
export function configureHttp(app: INestApplication, logger: Logger): void {
  (app as NestExpressApplication).useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.useGlobalPipes(
    new JsonObjectBodyPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const problems = describeValidationErrors(errors);
        const fields: Record<string, string[]> = {};
        for (const problem of problems) {
          const field = problem.split(/[: ]/)[0];
          (fields[field] ??= []).push(problem);
        }
        return new DomainError('invalid', 'validation_failed', problems.join('; '), fields);
      },
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('wirehook API')
      .setDescription('Webhook endpoints, events, delivery logs and operator routes. Authenticate with Authorization: Bearer <key>.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
