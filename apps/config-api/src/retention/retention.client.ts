import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import {
  RetentionRpcPatterns,
  RpcErrorCode,
  type GetRetentionPolicyRequestMessage,
  type ResetRetentionPolicyRequestMessage,
  type RetentionPolicyView,
  type RunRetentionReply,
  type RunRetentionRequestMessage,
  type SetRetentionPolicyRequestMessage,
} from '@wirehook/contracts';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';

export const RETENTION_CLIENT = 'RETENTION_CLIENT';

/** Share of the RPC timeout a run request waits for the run; the rest carries the reply back. */
const RUN_WAIT_SHARE = 0.8;

/** Asks retention-cron over NATS request/reply; its errors come back as domain errors. */
@Injectable()
export class RetentionClient {
  constructor(
    @Inject(RETENTION_CLIENT) private readonly client: ClientProxy,
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

  private async ask<T>(pattern: string, payload: object): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(pattern, payload).pipe(timeout(this.config.RPC_TIMEOUT_MS)));
    } catch (error) {
      const rpc = error as { code?: string; message?: string };
      if (rpc.code === RpcErrorCode.invalidRequest) throw new DomainError('invalid', 'invalid_retention_request', rpc.message ?? 'invalid retention request');
      throw new DomainError('unavailable', 'retention_service_unavailable', 'the retention service did not answer; try again shortly');
    }
  }
}
