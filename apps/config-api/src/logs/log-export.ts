import type { AttemptLogView } from '@wirehook/contracts';

/** Columns of a CSV export, in order. */
export const CSV_COLUMNS = [
  'id',
  'created_at',
  'webhook_id',
  'webhook_name',
  'url',
  'event',
  'event_id',
  'delivery_id',
  'attempt',
  'trigger',
  'status',
  'http_status',
  'duration_ms',
  'error_code',
  'error',
] as const;

/**
 * One CSV field: quoted when needed, and with a leading quote mark when it starts like a
 * formula, so a spreadsheet never runs text from a webhook response.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(row: AttemptLogView): string {
  return `${CSV_COLUMNS.map((column) => csvField(row[column])).join(',')}\r\n`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}
