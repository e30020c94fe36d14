import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { Access, TenantId } from '../auth/access.decorator';
import { DomainError } from '../errors/domain.error';
import { DeliveryCommandsService } from './delivery-commands.service';

export class RecoverDto {
  @ApiProperty({ example: '2026-03-01T00:00:00Z', description: 'Deliveries created at or after this time' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from!: string;

  @ApiProperty({ example: '2026-03-02T00:00:00Z', description: 'Deliveries created at or before this time' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to!: string;
}

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('api/v1')
export class DeliveryCommandsController {
  constructor(private readonly commands: DeliveryCommandsService) {}

  @Post('webhooks/:id/test')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a webhook.test event now and answer with the result; it is logged with trigger test' })
  async test(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.commands.test(tenantId, id) };
  }

  @Post('logs/:id/retry')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Attempt a delivery again now (same webhook-id, next attempt number, trigger manual)' })
  async retry(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.commands.retry(tenantId, id) };
  }

  @Post('webhooks/:id/recover')
  @Access('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-send every failed delivery of a webhook created in a time window (at most 1000)' })
  async recover(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: RecoverDto) {
    if (Date.parse(body.from) >= Date.parse(body.to)) throw new DomainError('invalid', 'invalid_window', 'from must be before to', { from: ['from must be before to'] });
    return { success: true, data: await this.commands.recover(tenantId, id, body.from, body.to) };
  }
}
