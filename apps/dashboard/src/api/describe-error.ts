import { ApiError } from './client';

/** What a person should read for an error: plain words, and what they can do about it. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong in the dashboard. Reload the page and try again.';
  switch (error.status) {
    case 0:
      return error.message;
    case 401:
      return 'Your API key is no longer accepted. Sign in again.';
    case 403:
      return 'Your API key may only look, not change things. Ask an admin of your team.';
    case 404:
      return 'This no longer exists, or it belongs to another team.';
    case 429:
      return `Too many searches at once. Try again in ${error.retryAfterSeconds ?? 1} s.`;
    case 503:
      return 'A part of wirehook is not answering right now. Try again in a moment.';
    default:
      return error.status >= 500 ? `The server failed (${error.status}). Try again; if it keeps failing, tell your operator.` : error.message;
  }
}
