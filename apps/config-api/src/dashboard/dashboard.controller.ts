import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../auth/access.decorator';
import { NotFoundError } from '../errors/domain.error';

/**
 * The page may load only its own script and style sheet and talk only to this origin: API
 * data (webhook responses, payloads) is attacker-controlled text, so even a rendering slip
 * must not be able to run script or send data elsewhere.
 */
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** The files the dashboard consists of, by the name they are served under, with their types. */
const ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js.map': 'application/json; charset=utf-8',
};
const PAGE = 'index.html';

/**
 * The web dashboard: one static page, its script and its style sheet, served without
 * authentication. The page asks for an API key and sends it to the public REST API itself.
 */
@ApiExcludeController()
@Access('public')
@Controller()
export class DashboardController {
  /** Files are read once, on first request; they ship next to this file (swc --copy-files). */
  private readonly files = new Map<string, Promise<Buffer>>();

  @Get()
  async page(@Res() response: Response): Promise<void> {
    const content = await this.read(PAGE);
    response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    response.setHeader('Referrer-Policy', 'no-referrer');
    this.send(response, content, 'text/html; charset=utf-8');
  }

  @Get('dashboard/:file')
  async asset(@Param('file') file: string, @Res() response: Response): Promise<void> {
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) throw new NotFoundError('dashboard_file', file);
    this.send(response, await this.read(file), type);
  }

  private send(response: Response, content: Buffer, type: string): void {
    response.setHeader('Content-Type', type);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // Names carry no version: browsers must revalidate (the ETag makes that a 304).
    response.setHeader('Cache-Control', 'no-cache');
    response.send(content);
  }

  private read(name: string): Promise<Buffer> {
    let content = this.files.get(name);
    if (!content) {
      content = readFile(join(__dirname, name)).catch((error: unknown) => {
        this.files.delete(name);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('dashboard_file', name);
        throw error;
      });
      this.files.set(name, content);
    }
    return content;
  }
}
