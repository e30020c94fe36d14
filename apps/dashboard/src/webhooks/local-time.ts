/** An instant as the value of a datetime-local input (the reader's time, to the minute). */
export function toLocalInput(at: Date): string {
  if (Number.isNaN(at.getTime())) return '';
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value as an ISO instant; `endOfMinute` makes "to 14:30" take in all of 14:30. Undefined when empty or invalid. */
export function fromLocalInput(value: string, endOfMinute = false): string | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return undefined;
  return new Date(at.getTime() + (endOfMinute ? 59_999 : 0)).toISOString();
}
