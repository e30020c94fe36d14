import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';

/** The test receiver of the product notes: it accepts any JSON and echoes it back. */
@ApiTags('testing')
@Access('public')
@Controller('api/v1/webhook-receiver')
export class WebhookReceiverController {
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Test receiver: echoes { received, message, payload }' })
  receive(@Body() payload: Record<string, unknown>) {
    return { received: true, message: 'Webhook received successfully', payload };
  }
}
