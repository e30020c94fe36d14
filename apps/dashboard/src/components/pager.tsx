import { formatCount } from './format';

interface PagerProps {
  /** 1-based position of the first row shown, and how many rows are shown. */
  first: number;
  shown: number;
  total: number;
  /** false when `total` is a lower bound: shown as "10,000+". */
  totalExact?: boolean;
  noun: string;
  onPrevious?: () => void;
  onNext?: () => void;
}

/** "26–50 of 10,000+ attempts" with Previous and Next (absent ends are disabled). */
export function Pager({ first, shown, total, totalExact = true, noun, onPrevious, onNext }: PagerProps) {
  if (total === 0 && shown === 0) return null;
  const range = shown ? `${formatCount(first)}–${formatCount(first + shown - 1)}` : '0';
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <span className="pager-range">
        {range} of {formatCount(total, totalExact)} {noun}
      </span>
      <button type="button" className="button button-small" onClick={onPrevious} disabled={!onPrevious}>
        Previous
      </button>
      <button type="button" className="button button-small" onClick={onNext} disabled={!onNext}>
        Next
      </button>
    </nav>
  );
}
