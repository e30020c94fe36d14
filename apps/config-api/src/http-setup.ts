import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { MetricsRegistry } from '@wirehook/metrics';
import { ApiErrorCode, describeValidationErrors } from '@wirehook/contracts';
import { serveAsyncApiDocument } from './api-docs/asyncapi-document';
import { buildOpenApiDocument } from './api-docs/openapi-document';
import { DomainError } from './errors/domain.error';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { JsonObjectBodyPipe } from './errors/json-object-body.pipe';
import { assertJsonNesting } from './errors/json-nesting';
import { httpMetricsMiddleware } from './metrics/http.metrics';

/** Largest accepted request body. */
const BODY_LIMIT = '512kb';

export const API_DOCS_PATH = 'api/docs';

/**
 * Swagger UI loads only its own scripts (no inline script) and talks only to this origin. Its
 * page carries inline `<style>` blocks and style attributes, hence `'unsafe-inline'` for
 * styles only; images include the data: URIs of its style sheet. It may not be framed.
 */
export const API_DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Headers of every answer under /api/docs (the OpenAPI UI and its assets). */
function apiDocsHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Content-Security-Policy', API_DOCS_CSP);
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

/**
 * The HTTP edge of config-api: body limit and nesting limit, validation of every input
 * (unknown fields refused, each problem named once), one error format, no framework banner
 * (`X-Powered-By`), the OpenAPI document at /api/docs under its own CSP, and the AsyncAPI
 * document of the NATS side at /api/asyncapi.yaml and .json; every request counted in the
 * HTTP metrics.
 */
export function configureHttp(app: INestApplication, logger: Logger): void {
  const express = app as NestExpressApplication;
  // First of all, so that it sees every answer: body-parser errors, guards' and unknown paths' too.
  express.use(httpMetricsMiddleware(app.get(MetricsRegistry)));
  express.disable('x-powered-by');
  // Checked on the raw bytes, before JSON.parse: deep bodies never reach code that recurses.
  const jsonOptions = { limit: BODY_LIMIT, verify: (_request: IncomingMessage, _response: ServerResponse, bytes: Buffer) => assertJsonNesting(bytes) };
  express.useBodyParser('json', jsonOptions);
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
        return new DomainError('invalid', ApiErrorCode.validationFailed, problems.join('; '), fields);
      },
    }),
  );
  express.use(`/${API_DOCS_PATH}`, apiDocsHeaders);
  const document = buildOpenApiDocument(app);
  // No validator badge: it would load an image from validator.swagger.io.
  SwaggerModule.setup(API_DOCS_PATH, app, document, { jsonDocumentUrl: 'api/docs-json', swaggerOptions: { validatorUrl: null } });
  serveAsyncApiDocument(app);
}
