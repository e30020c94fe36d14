import { DomainError } from '../../src/errors/domain.error';

/** The domain error `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the call was accepted');
}
