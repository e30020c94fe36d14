import { Injectable } from '@nestjs/common';
import {
  RetentionRpcPatterns,
  type GetRetentionPolicyRequestMessage,
  type ResetRetentionPolicyRequestMessage,
  type RetentionPolicyView,
  type RunRetentionReply,
  type RunRetentionRequestMessage,
  type SetRetentionPolicyRequestMessage,
} from '@wirehook/contracts';
import { NatsRpcClient } from '@wirehook/nats';
import { ConfigApiConfig } from '../config/config-api.config';
import { callService } from '../rpc/rpc-call';

/** Share of the RPC timeout a run request waits for the run; the rest carries the reply back. */
const RUN_WAIT_SHARE = 0.8;

/** Asks retention-cron over NATS request/reply; its errors come back as domain errors (see callService). */
@Injectable()
export class RetentionClient {
  constructor(
    private readonly client: NatsRpcClient,
    private readonly config: ConfigApiConfig,
  ) {}

  async getPolicy(tenantId: string): Promise<RetentionPolicyView> {
    const request: GetRetentionPolicyRequestMessage = { tenantId };
    return this.ask(RetentionRpcPatterns.getPolicy, request);
  }

  async setPolicy(tenantId: string, successDays: number, failedDays: number): Promise<RetentionPolicyView> {
    const request: SetRetentionPolicyRequestMessage = { tenantId, successDays, failedDays };
    return this.ask(RetentionRpcPatterns.setPolicy, request);
  }

  async resetPolicy(tenantId: string): Promise<RetentionPolicyView> {
    const request: ResetRetentionPolicyRequestMessage = { tenantId };
    return this.ask(RetentionRpcPatterns.resetPolicy, request);
  }

  /** Starts a run; the reply holds its summary if it ended within most of the RPC timeout. */
  async run(dryRun: boolean): Promise<RunRetentionReply> {
    const request: RunRetentionRequestMessage = { dryRun, waitMs: Math.floor(this.config.RPC_TIMEOUT_MS * RUN_WAIT_SHARE) };
    return this.ask(RetentionRpcPatterns.run, request);
  }

  private ask<T>(pattern: string, payload: object): Promise<T> {
    return callService(this.client, pattern, payload, this.config.RPC_TIMEOUT_MS, 'retention-service');
  }
}
