import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-docs/api-responses';
import { Access } from '../auth/access.decorator';

class ReceivedWebhookView {
  @ApiProperty({ example: true })
  received!: boolean;

  @ApiProperty({ example: 'Webhook received successfully' })
  message!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body received' })
  payload!: Record<string, unknown>;
}

/** The test receiver of the product notes: it accepts any JSON and echoes it back. */
@ApiTags('testing')
@Access('public')
@Controller('api/v1/webhook-receiver')
export class WebhookReceiverController {
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Test receiver: echoes { received, message, payload }' })
  @ApiOkResponse({ type: ReceivedWebhookView, description: 'The body, echoed' })
  @ApiErrors(400, 413)
  receive(@Body() payload: Record<string, unknown>): ReceivedWebhookView {
    return { received: true, message: 'Webhook received successfully', payload };
  }
}
