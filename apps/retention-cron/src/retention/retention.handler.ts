import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRetentionPolicyRequestMessage,
  InvalidMessageError,
  ResetRetentionPolicyRequestMessage,
  RetentionRpcPatterns,
  RpcErrorCode,
  RunRetentionRequestMessage,
  SetRetentionPolicyRequestMessage,
  validatePlain,
  type RetentionPolicyView,
  type RunRetentionReply,
} from '@wirehook/contracts';
import { RetentionPolicyService } from '../policies/retention-policy.service';
import { RetentionRunner } from './retention-runner.service';

function validated<T extends object>(type: new () => T, payload: unknown): T {
  try {
    return validatePlain(type, payload);
  } catch (error) {
    if (error instanceof InvalidMessageError) throw new RpcException({ code: RpcErrorCode.invalidRequest, message: error.message });
    throw error;
  }
}

/** Answers config-api over NATS request/reply (queue group `retention-cron`): policies, and runs on demand. */
@Controller()
export class RetentionHandler {
  constructor(
    private readonly policies: RetentionPolicyService,
    private readonly runner: RetentionRunner,
  ) {}

  @MessagePattern(RetentionRpcPatterns.getPolicy)
  async getPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    return this.policies.effective(validated(GetRetentionPolicyRequestMessage, payload).tenantId);
  }

  @MessagePattern(RetentionRpcPatterns.setPolicy)
  async setPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    const request = validated(SetRetentionPolicyRequestMessage, payload);
    return this.policies.set(request.tenantId, { successDays: request.successDays, failedDays: request.failedDays });
  }

  @MessagePattern(RetentionRpcPatterns.resetPolicy)
  async resetPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    return this.policies.reset(validated(ResetRetentionPolicyRequestMessage, payload).tenantId);
  }

  /**
   * Starts a run and waits up to `waitMs` for it. A run over a large backlog outlasts any
   * request: then the reply says it is running, and its summary is logged and published when
   * it ends.
   */
  @MessagePattern(RetentionRpcPatterns.run)
  async run(@Payload() payload: unknown): Promise<RunRetentionReply> {
    const request = validated(RunRetentionRequestMessage, payload);
    const started = await this.runner.start({ dryRun: request.dryRun, trigger: 'rpc' });
    const waited = new AbortController();
    const outcome = await Promise.race([
      started.finished,
      sleep(request.waitMs, undefined, { signal: waited.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
    waited.abort();
    if (outcome) return { state: 'finished', summary: outcome };
    return { state: 'running', runId: started.runId, dryRun: started.dryRun, startedAt: started.startedAt.toISOString() };
  }
}
