import { useState } from 'react';
import type { LogPage } from './use-log-list';

const NONE: ReadonlySet<string> = new Set();

/** The rows a live update brought (absent from the previous answer for the same filters), to mark and announce them. */
export function useFreshRows(page: LogPage | undefined): ReadonlySet<string> {
  const [seen, setSeen] = useState<{ page?: LogPage; fresh: ReadonlySet<string> }>({ fresh: NONE });
  if (page !== seen.page) {
    const before = seen.page;
    const known = new Set(before?.rows.map((row) => row.id));
    const fresh = page && before && before.key === page.key ? new Set(page.rows.filter((row) => !known.has(row.id)).map((row) => row.id)) : NONE;
    setSeen({ page, fresh });
  }
  return seen.fresh;
}
