import { useState } from 'react';
import { saveFile } from '../components/save-file';

/** Bodies longer than this show their beginning first: a browser slows down on megabytes of text. */
export const SHOWN_CHARS = 20_000;

/** JSON re-indented for reading; any other text as it is. Never markup: it is rendered as text. */
export function prettyBody(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

function sizeOf(text: string): string {
  const bytes = new Blob([text]).size;
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;
}

interface BodyViewProps {
  text: string;
  /** Names the region for screen readers ("Response body"). */
  label: string;
  /** File name of the download. */
  fileName: string;
  testId?: string;
}

/**
 * A payload or response body as text (pretty JSON when it is JSON), scrollable, with its
 * whole text a click away when it is long, and a download of it as it was.
 */
export function BodyView({ text, label, fileName, testId }: BodyViewProps) {
  const [whole, setWhole] = useState(false);
  const pretty = prettyBody(text);
  const cut = !whole && pretty.length > SHOWN_CHARS;
  const download = () => saveFile(new Blob([text], { type: 'text/plain;charset=utf-8' }), fileName);
  return (
    <div className="attempt-body">
      <pre className="code" tabIndex={0} role="region" aria-label={label} data-testid={testId}>
        {cut ? pretty.slice(0, SHOWN_CHARS) : pretty}
      </pre>
      <div className="attempt-body-actions">
        {cut && (
          <>
            <span className="hint">
              Showing the first {SHOWN_CHARS.toLocaleString()} characters of {pretty.length.toLocaleString()}.
            </span>
            <button type="button" className="button button-small" onClick={() => setWhole(true)}>
              Show the whole body
            </button>
          </>
        )}
        <button type="button" className="button button-small button-quiet" onClick={download}>
          Download ({sizeOf(text)})
        </button>
      </div>
    </div>
  );
}
