import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { describeValidationErrors } from '@wirehook/contracts';
import { runApp } from '@wirehook/config';
import { ConfigApiModule } from './app.module';
import { ConfigApiConfig } from './config/config-api.config';
import { DomainError } from './errors/domain.error';
import { HttpExceptionFilter } from './errors/http-exception.filter';

/** Largest accepted request body. */
const BODY_LIMIT = '512kb';

void runApp({
  name: 'config-api',
  configType: ConfigApiConfig,
  module: (config, logger) => ConfigApiModule.forRoot(config, logger),
  configure: (app, _config, logger) => {
    (app as NestExpressApplication).useBodyParser('json', { limit: BODY_LIMIT });
    app.useGlobalFilters(new HttpExceptionFilter(logger));
    app.useGlobalPipes(
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
        .setDescription('Webhook endpoints, delivery logs and operator routes. Authenticate with Authorization: Bearer <key>.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  },
});
