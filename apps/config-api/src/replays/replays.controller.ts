import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { paginationOf } from '@wirehook/contracts';
import { ApiData, ApiErrors, PaginationView } from '../api-docs/api-responses';
import { Access, KeyId, TenantId } from '../auth/access.decorator';
import { ListQueryDto } from '../webhooks/webhook.dto';
import { CreateReplayDto } from './replay.dto';
import { ReplayService } from './replay.service';
import { ReplayView, replayView } from './replay.views';

@ApiTags('replays')
@ApiBearerAuth()
@ApiErrors(401, 403, 503)
@Controller('api/v1')
export class ReplaysController {
  constructor(private readonly replays: ReplayService) {}

  @Post('webhooks/:id/replay')
  @Access('admin')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Re-deliver the events of a time window (at most 7 days, inside what the events stream keeps) that the webhook is subscribed to now, under their original webhook-id',
  })
  @ApiData(202, ReplayView, { description: 'Queued; follow it with GET /api/v1/replays/:replayId' })
  @ApiErrors(400, 404, 409)
  async create(@TenantId() tenantId: string, @KeyId() keyId: string, @Param('id') id: string, @Body() body: CreateReplayDto) {
    return { success: true, data: replayView(await this.replays.create(tenantId, id, keyId, body)) };
  }

  @Get('webhooks/:id/replays')
  @Access('viewer')
  @ApiOperation({ summary: "A webhook's replays, newest first" })
  @ApiData(200, ReplayView, { list: true, pagination: PaginationView })
  @ApiErrors(400, 404)
  async list(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: ListQueryDto) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const { rows, total } = await this.replays.listForWebhook(tenantId, id, page, perPage);
    return { success: true, data: rows.map(replayView), pagination: paginationOf(page, perPage, total) };
  }

  @Get('replays/:replayId')
  @Access('viewer')
  @ApiOperation({ summary: 'A replay: its state, counts and how far it has got' })
  @ApiData(200, ReplayView)
  @ApiErrors(404)
  async get(@TenantId() tenantId: string, @Param('replayId') replayId: string) {
    return { success: true, data: replayView(await this.replays.get(tenantId, replayId)) };
  }

  @Post('replays/:replayId/cancel')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a queued or running replay; deliveries it queued already still go out' })
  @ApiData(200, ReplayView, { description: 'Cancelled' })
  @ApiErrors(404, 409)
  async cancel(@TenantId() tenantId: string, @Param('replayId') replayId: string) {
    return { success: true, data: replayView(await this.replays.cancel(tenantId, replayId)) };
  }
}
