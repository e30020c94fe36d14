import type { Response } from 'express';
import type { Logger } from 'pino';
import type { AttemptLogView, ExportPageRequestMessage } from '@wirehook/contracts';
import { TooManyRequestsError } from '../errors/domain.error';
import type { WebhookService } from '../webhooks/webhook.service';
import type { LogServiceClient } from './log-service.client';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** A response that keeps what was written. */
function recordingResponse(): Response & { body: string; ended: boolean; destroyedEarly: boolean } {
  const response = {
    body: '',
    ended: false,
    destroyedEarly: false,
    destroyed: false,
    status: () => response,
    setHeader: () => response,
    write: (chunk: string) => {
      response.body += chunk;
      return true;
    },
    end: () => {
      response.ended = true;
    },
    destroy: () => {
      response.destroyedEarly = true;
    },
  };
  return response as unknown as Response & typeof response;
}

const row = (id: string) => ({ id }) as AttemptLogView;

describe('LogsController export', () => {
  beforeEach(() => jest.useFakeTimers({ advanceTimers: true }));
  afterEach(() => jest.useRealTimers());

  function controllerAnswering(pages: Array<() => Promise<{ data: AttemptLogView[]; next: string | null }>>) {
    const asked: ExportPageRequestMessage[] = [];
    const logs = {
      exportPage: (request: ExportPageRequestMessage) => {
        asked.push(request);
        const next = pages.shift();
        if (!next) throw new Error('no more pages');
        return next();
      },
    } as unknown as LogServiceClient;
    const logger = { error: jest.fn() } as unknown as Logger;
    return { controller: new LogsController(new LogsService(logs, {} as WebhookService), logger), asked, logger };
  }

  it('waits for a later page while log-service has no turn for it, instead of cutting the download', async () => {
    const busy = () => Promise.reject(new TooManyRequestsError('too_many_requests', 'busy', 1));
    const { controller, asked } = controllerAnswering([
      async () => ({ data: [row('a')], next: 'c1' }),
      busy,
      busy,
      async () => ({ data: [row('b')], next: null }),
    ]);
    const response = recordingResponse();
    await controller.export('acme', {}, response);
    expect(
      response.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual(['a', 'b']);
    expect(response.ended).toBe(true);
    expect(asked.map((request) => request.after)).toEqual([undefined, 'c1', 'c1', 'c1']);
  });

  it('cuts the download short when a later page fails otherwise', async () => {
    const { controller, logger } = controllerAnswering([
      async () => ({ data: [row('a')], next: 'c1' }),
      () => Promise.reject(new Error('log-service is gone')),
    ]);
    const response = recordingResponse();
    await controller.export('acme', {}, response);
    expect(response.destroyedEarly).toBe(true);
    expect(response.ended).toBe(false);
    expect(logger.error).toHaveBeenCalled();
  });

  it('logs how many data rows went out before the failure, the CSV header not counted', async () => {
    const { controller, logger } = controllerAnswering([
      async () => ({ data: [row('a'), row('b')], next: 'c1' }),
      () => Promise.reject(new Error('log-service is gone')),
    ]);
    await controller.export('acme', { format: 'csv' }, recordingResponse());
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ rows: 2 }), 'export failed midway; the transfer was cut short');
  });
});
