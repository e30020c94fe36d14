import { Injectable } from '@nestjs/common';
import {
  RpcPatterns,
  type AttemptResultView,
  type RecoverDeliveriesRequestMessage,
  type RetryDeliveryRequestMessage,
  type TestWebhookRequestMessage,
} from '@wirehook/contracts';
import { NatsRpcClient } from '@wirehook/nats';
import { ConfigApiConfig } from '../config/config-api.config';
import { callService } from '../rpc/rpc-call';

/** A request that makes a delivery waits for the endpoint's answer too (timeouts are at most 30 s). */
const DELIVERY_COMMAND_TIMEOUT_MS = 40_000;

/** Asks the dispatcher to deliver on request, over NATS request/reply. */
@Injectable()
export class DispatcherClient {
  constructor(
    private readonly client: NatsRpcClient,
    private readonly config: ConfigApiConfig,
  ) {}

  test(request: TestWebhookRequestMessage): Promise<AttemptResultView> {
    return callService(this.client, RpcPatterns.testWebhook, request, DELIVERY_COMMAND_TIMEOUT_MS, 'dispatcher');
  }

  retry(request: RetryDeliveryRequestMessage): Promise<AttemptResultView> {
    return callService(this.client, RpcPatterns.retryDelivery, request, DELIVERY_COMMAND_TIMEOUT_MS, 'dispatcher');
  }

  recover(request: RecoverDeliveriesRequestMessage): Promise<{ queued: number }> {
    return callService(this.client, RpcPatterns.recoverDeliveries, request, this.config.RPC_TIMEOUT_MS, 'dispatcher');
  }
}
