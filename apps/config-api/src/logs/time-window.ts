import { ApiErrorCode } from '@wirehook/contracts';
import { DomainError } from '../errors/domain.error';

/** A calendar date without a time, as a date picker sends it. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where a window given as `from` starts: a date alone is the start of that day (UTC), like
 * the delivery-log filters read it.
 */
export function windowStart(from: string): Date {
  return new Date(from);
}

/**
 * Where a window given as `to` ends, inclusive: a date alone stands for the whole day (its last
 * millisecond, UTC), so `from=D&to=D` is the day D everywhere a window is asked for.
 */
export function windowEnd(to: string): Date {
  return DATE_ONLY.test(to) ? new Date(Date.parse(to) + DAY_MS - 1) : new Date(to);
}

/** A refusal of a window's bound `field`, `invalid_window` unless a more precise code is given. */
export function invalidWindow(field: 'from' | 'to', message: string, code: ApiErrorCode = ApiErrorCode.invalidWindow): DomainError {
  return new DomainError('invalid', code, message, { [field]: [message] });
}

function unreadableDate(field: 'from' | 'to'): DomainError {
  return invalidWindow(field, `${field} must be a calendar date or date-time such as 2026-03-01T12:00:00Z`);
}

/**
 * The bounds of a window as instants ({@link windowStart}, {@link windowEnd}), each only when
 * given, checked for what a DTO's ISO-8601 check lets through but a query cannot use: a date
 * JavaScript cannot read (ISO week and ordinal dates) and a window that ends before it starts.
 * Every route that takes a window (log filters, statistics, recover, replay) refuses with these
 * same codes and messages.
 */
export function checkedWindow(window: { from: string; to: string }): { from: Date; to: Date };
export function checkedWindow(window: { from?: string; to?: string }): { from?: Date; to?: Date };
export function checkedWindow(window: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = window.from === undefined ? undefined : windowStart(window.from);
  const to = window.to === undefined ? undefined : windowEnd(window.to);
  if (from && Number.isNaN(from.getTime())) throw unreadableDate('from');
  if (to && Number.isNaN(to.getTime())) throw unreadableDate('to');
  if (from && to && from.getTime() > to.getTime()) throw invalidWindow('from', 'from must not be after to');
  return { from, to };
}
