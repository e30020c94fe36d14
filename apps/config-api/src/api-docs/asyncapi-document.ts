import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { load } from 'js-yaml';

/**
 * docs/asyncapi.yaml: the subjects, headers and bodies services publish and operators consume.
 * `npm run build` copies it to dist/docs, the same four levels up from the compiled file.
 */
export const ASYNCAPI_FILE = join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml');

/** Served as `<path>.yaml` and `<path>.json`, next to the OpenAPI document and, like it, without a key. */
export const ASYNCAPI_PATH = 'api/asyncapi';

function sender(contentType: string, body: string) {
  return (_request: Request, response: Response): void => {
    response.setHeader('Content-Type', contentType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.send(body);
  };
}

/**
 * Serves the AsyncAPI document as written (YAML) and as JSON. Read once at boot: a build
 * without it fails to start instead of answering 404 later.
 */
export function serveAsyncApiDocument(app: INestApplication, file = ASYNCAPI_FILE): void {
  const yaml = readFileSync(file, 'utf8');
  const json = JSON.stringify(load(yaml));
  const http = app.getHttpAdapter();
  http.get(`/${ASYNCAPI_PATH}.yaml`, sender('application/yaml; charset=utf-8', yaml));
  http.get(`/${ASYNCAPI_PATH}.json`, sender('application/json; charset=utf-8', json));
}
