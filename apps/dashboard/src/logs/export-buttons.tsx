import { useState } from 'react';
import { unwrap } from '../api/client';
import { describeError } from '../api/describe-error';
import { useSession } from '../app/session';
import { saveFile } from '../components/save-file';
import { useToast } from '../components/toasts';
import { exportQuery, type LogFilters } from './log-filters';

type Format = 'csv' | 'ndjson';

/** Export CSV / NDJSON: every attempt matching the filters (not just this page), oldest first. */
export function ExportButtons({ filters }: { filters: LogFilters }) {
  const { api } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState<Format>();

  async function download(format: Format) {
    setBusy(format);
    try {
      let disposition = '';
      const call = api.GET('/api/v1/deliveries/export', { params: { query: { ...exportQuery(filters), format } }, parseAs: 'blob' }).then((result) => {
        disposition = result.response.headers.get('content-disposition') ?? '';
        return result;
      });
      const blob = (await unwrap(call)) as Blob;
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `deliveries.${format}`;
      saveFile(blob, name);
      toast(`Export saved as ${name}.`);
    } catch (failure) {
      toast(`Export failed: ${describeError(failure)}`, 'bad');
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="actions logs-export" role="group" aria-label="Export the matching attempts">
      {(['csv', 'ndjson'] as const).map((format) => (
        <button key={format} type="button" className="button button-small" disabled={busy !== undefined} onClick={() => download(format)}>
          {busy === format ? 'Exporting…' : format === 'csv' ? 'Export CSV' : 'Export NDJSON'}
        </button>
      ))}
    </div>
  );
}
