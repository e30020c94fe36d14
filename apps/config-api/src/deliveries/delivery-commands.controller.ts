import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { Access, TenantId } from '../auth/access.decorator';
import { checkedWindow } from '../logs/time-window';
import { DeliveryCommandsService } from './delivery-commands.service';
import { AttemptResultResponse, RecoverView } from './delivery.views';

export class RecoverDto {
  @ApiProperty({ example: '2026-03-01', description: 'Deliveries created at or after this time; a date alone starts at the beginning of that day (UTC)' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or date-time' })
  from!: string;

  @ApiProperty({ example: '2026-03-01', description: 'Deliveries created at or before this time; a date alone stands for the whole day (UTC)' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or date-time' })
  to!: string;
}

/** The window of a recover as instants: a date alone is the whole day, as in the log filters. */
function recoverWindow(body: RecoverDto): { from: string; to: string } {
  const { from, to } = checkedWindow(body);
  return { from: from.toISOString(), to: to.toISOString() };
}

@ApiTags('deliveries')
@ApiBearerAuth()
@ApiErrors(401, 403, 503)
@Controller('api/v1')
export class DeliveryCommandsController {
  constructor(private readonly commands: DeliveryCommandsService) {}

  @Post('webhooks/:id/test')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a webhook.test event now and answer with the result; it is logged with trigger test' })
  @ApiData(200, AttemptResultResponse, { description: 'The attempt was made (success tells whether the endpoint accepted it)' })
  @ApiErrors(404)
  async test(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.commands.test(tenantId, id) };
  }

  @Post('logs/:id/retry')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Attempt a delivery again now (same webhook-id, next attempt number, trigger manual)' })
  @ApiData(200, AttemptResultResponse, { description: 'The attempt was made (success tells whether the endpoint accepted it)' })
  @ApiErrors(404, 409)
  async retry(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.commands.retry(tenantId, id) };
  }

  @Post('webhooks/:id/recover')
  @Access('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-send every failed delivery of a webhook created in a time window (at most 1000)' })
  @ApiData(202, RecoverView, { description: 'Queued' })
  @ApiErrors(400, 404)
  async recover(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: RecoverDto) {
    const window = recoverWindow(body);
    return { success: true, data: await this.commands.recover(tenantId, id, window.from, window.to) };
  }
}
