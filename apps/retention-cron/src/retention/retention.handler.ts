import { setTimeout as sleep } from 'node:timers/promises';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  GetRetentionPolicyRequestMessage,
  ResetRetentionPolicyRequestMessage,
  RetentionRpcPatterns,
  RunRetentionRequestMessage,
  SetRetentionPolicyRequestMessage,
  type RetentionPolicyView,
  type RunRetentionReply,
} from '@wirehook/contracts';
import { validRpcPayload } from '@wirehook/nats';
import { RetentionPolicyService } from '../policies/retention-policy.service';
import { RetentionRunner } from './retention-runner.service';

/** Answers config-api over NATS request/reply (queue group `retention-cron`): policies, and runs on demand. */
@Controller()
export class RetentionHandler {
  constructor(
    private readonly policies: RetentionPolicyService,
    private readonly runner: RetentionRunner,
  ) {}

  @MessagePattern(RetentionRpcPatterns.getPolicy)
  async getPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    return this.policies.effective(validRpcPayload(GetRetentionPolicyRequestMessage, payload).tenantId);
  }

  @MessagePattern(RetentionRpcPatterns.setPolicy)
  async setPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    const request = validRpcPayload(SetRetentionPolicyRequestMessage, payload);
    return this.policies.set(request.tenantId, { successDays: request.successDays, failedDays: request.failedDays });
  }

  @MessagePattern(RetentionRpcPatterns.resetPolicy)
  async resetPolicy(@Payload() payload: unknown): Promise<RetentionPolicyView> {
    return this.policies.reset(validRpcPayload(ResetRetentionPolicyRequestMessage, payload).tenantId);
  }

  /**
   * Starts a run and waits up to `waitMs` for it. A run over a large backlog outlasts any
   * request: then the reply says it is running, and its summary is logged and published when
   * it ends.
   */
  @MessagePattern(RetentionRpcPatterns.run)
  async run(@Payload() payload: unknown): Promise<RunRetentionReply> {
    const request = validRpcPayload(RunRetentionRequestMessage, payload);
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
