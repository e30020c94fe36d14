import { useId } from 'react';
import { newHeaderRow, type HeaderRow } from './webhook-form-model';

interface HeadersEditorProps {
  rows: HeaderRow[];
  /** Editing a stored webhook: stored values are hidden and kept only while nothing here changes. */
  editing: boolean;
  problems: string[];
  onChange(rows: HeaderRow[]): void;
}

/** Custom headers sent with every delivery: name and value rows, added and removed by button. */
export function HeadersEditor({ rows, editing, problems, onChange }: HeadersEditorProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-errors`;
  const describedBy = problems.length ? `${hintId} ${errorId}` : hintId;
  const update = (key: number, change: Partial<HeaderRow>) => onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  return (
    <fieldset className="fieldset" aria-describedby={describedBy}>
      <legend>Custom headers</legend>
      <p className="hint" id={hintId}>
        {editing && rows.some((row) => row.stored)
          ? 'Values are stored encrypted and never shown. Changing, adding or removing a header sends the whole list: type the value of each header you keep.'
          : 'Sent with every delivery, at most 20 (not Authorization: set that under Authentication).'}
      </p>
      {rows.length > 0 && (
        <ul className="webhook-headers">
          {rows.map((row, index) => (
            <li key={row.key} className="webhook-header-row">
              <div className="field">
                <label htmlFor={`${id}-${row.key}-name`}>Header {index + 1} name</label>
                <input
                  id={`${id}-${row.key}-name`}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={100}
                  placeholder="X-Team"
                  value={row.name}
                  aria-invalid={problems.length ? true : undefined}
                  onChange={(event) => update(row.key, { name: event.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-${row.key}-value`}>Header {index + 1} value</label>
                <input
                  id={`${id}-${row.key}-value`}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={4096}
                  placeholder={row.stored ? 'Stored (hidden)' : ''}
                  value={row.value}
                  aria-invalid={problems.length ? true : undefined}
                  onChange={(event) => update(row.key, { value: event.target.value })}
                />
              </div>
              <button
                type="button"
                className="button button-small webhook-header-remove"
                onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
              >
                Remove<span className="visually-hidden"> header {index + 1}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <ul className="field-errors webhook-field-errors" id={errorId}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" className="button button-small" disabled={rows.length >= 20} onClick={() => onChange([...rows, newHeaderRow()])}>
          Add a header
        </button>
      </p>
    </fieldset>
  );
}
