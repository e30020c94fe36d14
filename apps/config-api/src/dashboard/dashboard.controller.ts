import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorCode } from '@wirehook/contracts';
import { Access } from '../auth/access.decorator';
import { DomainError, NotFoundError } from '../errors/domain.error';

/**
 * The page may load only its own scripts and style sheets and talk only to this origin: API
 * data (webhook responses, payloads) is attacker-controlled text, so even a rendering slip
 * must not be able to run script or send data elsewhere.
 */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/**
 * Where `vite build` puts the dashboard (apps/dashboard): `dist/dashboard`. This file runs from
 * `dist/apps/config-api/src/dashboard` when built and from `apps/config-api/src/dashboard` under
 * the test runner; four levels up is `dist` in the first case and the repository in the second.
 */
export function builtDashboardDir(): string {
  const up = resolve(__dirname, '../../../..');
  return join(basename(up) === 'dist' ? up : join(up, 'dist'), 'dashboard');
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};
/** The names vite gives built files: name, dash, content hash, extension. */
const ASSET_NAME = /^[A-Za-z0-9_-]+-[A-Za-z0-9_-]{8}\.(js|css|svg|woff2)$/;

/** The built dashboard's files, read once each, on first request. */
export class DashboardFiles {
  private readonly files = new Map<string, Promise<Buffer>>();

  constructor(private readonly dir: string = builtDashboardDir()) {}

  read(name: string): Promise<Buffer> {
    let content = this.files.get(name);
    if (!content) {
      content = readFile(join(this.dir, name)).catch((error: unknown) => {
        this.files.delete(name);
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        if (name === 'index.html') throw new DomainError('unavailable', ApiErrorCode.dashboardNotBuilt, 'the dashboard is not built; run npm run build');
        throw new NotFoundError(ApiErrorCode.dashboardFileNotFound, name);
      });
      this.files.set(name, content);
    }
    return content;
  }
}

/**
 * The web dashboard, served without authentication: the page asks for an API key and sends it
 * to the REST API itself. Files under /assets carry a content hash in their names, so they are
 * cached for good; the page itself is revalidated on every visit, so a new version shows at once.
 */
@ApiExcludeController()
@Access('public')
@Controller()
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  async page(@Res() response: Response): Promise<void> {
    const content = await this.files.read('index.html');
    response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    response.setHeader('Referrer-Policy', 'no-referrer');
    this.send(response, content, 'text/html; charset=utf-8', 'no-cache');
  }

  @Get('favicon.svg')
  async icon(@Res() response: Response): Promise<void> {
    this.send(response, await this.files.read('favicon.svg'), TYPES['.svg'], 'public, max-age=86400');
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() response: Response): Promise<void> {
    const type = ASSET_NAME.test(file) ? TYPES[file.slice(file.lastIndexOf('.'))] : undefined;
    if (!type) throw new NotFoundError(ApiErrorCode.dashboardFileNotFound, file);
    this.send(response, await this.files.read(join('assets', file)), type, 'public, max-age=31536000, immutable');
  }

  private send(response: Response, content: Buffer, type: string, cacheControl: string): void {
    response.setHeader('Content-Type', type);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', cacheControl);
    response.send(content);
  }
}
