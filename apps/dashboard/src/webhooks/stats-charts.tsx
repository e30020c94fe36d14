import { useId, type ReactNode } from 'react';
import type { LogStats } from '../api/client';
import { formatCount, formatDuration, formatPercent } from '../components/format';

type Bucket = LogStats['buckets'][number];

const WIDTH = 720;
const HEIGHT = 110;
const hourFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatHour(iso: string): string {
  return hourFormat.format(new Date(iso));
}

function rateOf(bucket: Bucket): number | null {
  return bucket.attempts === 0 ? null : bucket.success / bucket.attempts;
}

/**
 * A step line through the buckets that have a value (one flat step per bucket, so a lone hour
 * shows too), broken where a bucket has none. `y` maps a value to the SVG's y.
 */
function stepPath(values: Array<number | null>, slot: number, y: (value: number) => number): string {
  let path = '';
  let drawing = false;
  values.forEach((value, index) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const x = index * slot;
    path += `${drawing ? 'L' : 'M'}${x.toFixed(2)} ${y(value).toFixed(2)}H${(x + slot).toFixed(2)}`;
    drawing = true;
  });
  return path;
}

interface ChartProps {
  title: string;
  /** What the chart shows, for people who do not see it (the SVG's desc). */
  summary: string;
  buckets: Bucket[];
  /** The scale at the top of the chart, e.g. "100 %". */
  top: string;
  legend?: ReactNode;
  children: ReactNode;
}

function Chart({ title, summary, buckets, top, legend, children }: ChartProps) {
  const id = useId();
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return (
    <figure className="webhook-chart-figure">
      <div className="webhook-chart-head">
        <span className="webhook-chart-title">{title}</span>
        {legend}
        <span className="muted small">top: {top}</span>
      </div>
      <svg
        className="webhook-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line className="webhook-chart-grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} />
        <line className="webhook-chart-grid" x1={0} x2={WIDTH} y1={0.5} y2={0.5} />
        {children}
      </svg>
      <figcaption className="webhook-chart-axis">
        <span>{first ? formatHour(first.start) : ''}</span>
        <span>{last ? formatHour(last.start) : ''}</span>
      </figcaption>
    </figure>
  );
}

/** Attempts, success rate and p95 duration per hour, as SVG charts with text summaries and a table of the numbers. */
export function BucketCharts({ buckets }: { buckets: Bucket[] }) {
  const slot = WIDTH / Math.max(1, buckets.length);
  const barWidth = Math.max(0.5, slot - Math.min(2, slot * 0.2));
  const busiest = Math.max(1, ...buckets.map((bucket) => bucket.attempts));
  const total = buckets.reduce((sum, bucket) => sum + bucket.attempts, 0);
  const withAttempts = buckets.filter((bucket) => bucket.attempts > 0);
  const rates = buckets.map(rateOf);
  const known = (values: Array<number | null>) => values.filter((value): value is number => value !== null);
  const lowestRate = known(rates).length ? Math.min(...known(rates)) : null;
  const p95s = buckets.map((bucket) => bucket.p95_ms);
  const slowest = known(p95s).length ? Math.max(...known(p95s)) : null;
  const p95Top = Math.max(1, slowest ?? 1);
  const hours = buckets.length === 1 ? 'hour' : 'hours';

  return (
    <div className="webhook-charts">
      <Chart
        title="Attempts per hour"
        summary={
          total === 0
            ? `No attempts in these ${buckets.length} ${hours}.`
            : `${formatCount(total)} attempts over ${buckets.length} ${hours}, at most ${formatCount(busiest)} in one hour; ${withAttempts.length} ${withAttempts.length === 1 ? 'hour' : 'hours'} had attempts.`
        }
        buckets={buckets}
        top={formatCount(busiest)}
        legend={
          <span className="legend">
            <span className="legend-ok">Succeeded</span>
            <span className="legend-bad">Failed or retried</span>
          </span>
        }
      >
        {buckets.map((bucket, index) => {
          const okHeight = (bucket.success / busiest) * HEIGHT;
          const badHeight = ((bucket.attempts - bucket.success) / busiest) * HEIGHT;
          const x = index * slot;
          return (
            <g key={bucket.start}>
              <title>{`${formatHour(bucket.start)}: ${bucket.attempts} attempts, ${bucket.success} succeeded`}</title>
              <rect className="webhook-chart-hit" x={x} y={0} width={slot} height={HEIGHT} />
              {okHeight > 0 && <rect className="webhook-chart-ok" x={x} y={HEIGHT - okHeight} width={barWidth} height={okHeight} />}
              {badHeight > 0 && <rect className="webhook-chart-bad" x={x} y={HEIGHT - okHeight - badHeight} width={barWidth} height={badHeight} />}
            </g>
          );
        })}
      </Chart>
      <Chart
        title="Success rate per hour"
        summary={
          lowestRate === null
            ? 'No attempts, so no success rate.'
            : `Success rate of the hours with attempts: lowest ${formatPercent(lowestRate)}, latest ${formatPercent(rateOf(withAttempts[withAttempts.length - 1]))}.`
        }
        buckets={buckets}
        top="100 %"
      >
        <path className="webhook-chart-line webhook-chart-line-rate" d={stepPath(rates, slot, (rate) => 4 + (1 - rate) * (HEIGHT - 8))} />
      </Chart>
      <Chart
        title="p95 duration per hour"
        summary={
          slowest === null
            ? 'No attempts, so no durations.'
            : `95th percentile of the attempts' durations per hour: slowest hour ${formatDuration(slowest)}, latest ${formatDuration(withAttempts[withAttempts.length - 1]?.p95_ms)}.`
        }
        buckets={buckets}
        top={formatDuration(p95Top)}
      >
        <path className="webhook-chart-line webhook-chart-line-p95" d={stepPath(p95s, slot, (ms) => 4 + (1 - ms / p95Top) * (HEIGHT - 8))} />
      </Chart>
      <details className="webhook-chart-table">
        <summary>The numbers per hour, as a table</summary>
        {withAttempts.length === 0 ? (
          <p className="muted">No attempts in this window.</p>
        ) : (
          <div className="webhook-table-scroll">
            <table className="table table-compact">
              <caption className="visually-hidden">Attempts, success rate and p95 duration per hour (hours without attempts left out)</caption>
              <thead>
                <tr>
                  <th scope="col">Hour</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Succeeded</th>
                  <th scope="col">Success rate</th>
                  <th scope="col">p95</th>
                </tr>
              </thead>
              <tbody>
                {withAttempts.map((bucket) => (
                  <tr key={bucket.start}>
                    <th scope="row">{formatHour(bucket.start)}</th>
                    <td className="num">{formatCount(bucket.attempts)}</td>
                    <td className="num">{formatCount(bucket.success)}</td>
                    <td className="num">{formatPercent(rateOf(bucket))}</td>
                    <td className="num">{formatDuration(bucket.p95_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </div>
  );
}
