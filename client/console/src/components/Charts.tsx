import { Empty, Space, Typography } from "antd";
import type { ReactNode } from "react";

/** Plain SVG charts for reports: no charting library, scales with its container. */

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** one value per label; null = no value (a gap) */
  values: (number | null)[];
}

interface ChartProps {
  /** the x axis (periods, stations, channels) */
  labels: string[];
  /** a unique key per label (the report row's key) */
  keys: string[];
  series: ChartSeries[];
  /** how a value is shown on the axis and in the tooltips */
  format: (v: number) => string;
  /** the top of the y axis; default: a round number above the largest value */
  max?: number;
  title: string;
  className?: string;
}

const W = 820;
const H = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 44 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

/** A round axis top above `v`: 1, 2, 5 × 10ⁿ. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function scale(props: ChartProps) {
  const all = props.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = props.max ?? niceMax(Math.max(0, ...all));
  const y = (v: number) => PAD.top + PLOT_H - (Math.min(v, max) / max) * PLOT_H;
  return { max, y };
}

/** Horizontal grid lines with their values, and the x labels (thinned out when there are many). */
function Axes({
  labels,
  keys,
  max,
  y,
  format,
  slot,
}: {
  labels: string[];
  keys: string[];
  max: number;
  y: (v: number) => number;
  format: (v: number) => string;
  slot: (i: number) => number;
}) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const every = Math.max(1, Math.ceil(labels.length / 12));
  return (
    <g fontSize={11} fill="rgba(0,0,0,0.55)">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#f0f0f0" />
          <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#d9d9d9" />
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text key={keys[i]} x={slot(i)} y={H - PAD.bottom + 16} textAnchor="middle">
            {l.length > 10 ? `${l.slice(0, 9)}…` : l}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Legend({ series }: { series: ChartSeries[] }) {
  return (
    <Space size="middle" wrap className="chart-legend">
      {series.map((s) => (
        <Space key={s.key} size={4}>
          <span style={{ display: "inline-block", width: 12, height: 12, background: s.color, borderRadius: 2 }} />
          <Typography.Text>{s.name}</Typography.Text>
        </Space>
      ))}
    </Space>
  );
}

function Frame({
  title,
  className,
  children,
  empty,
  series,
}: {
  title: string;
  className?: string;
  children: ReactNode;
  empty: boolean;
  series: ChartSeries[];
}) {
  return (
    <figure className={className} style={{ margin: 0 }}>
      <Typography.Text strong>{title}</Typography.Text>
      {empty ? (
        <Empty description="暂无数据" image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={title} style={{ display: "block" }}>
            {children}
          </svg>
          <Legend series={series} />
        </>
      )}
    </figure>
  );
}

/** Values over time, one line per series; a null leaves a gap. */
export function LineChart(props: ChartProps) {
  const { labels, keys, series, format, title, className } = props;
  const { max, y } = scale(props);
  const step = labels.length > 1 ? PLOT_W / (labels.length - 1) : 0;
  const x = (i: number) => (labels.length > 1 ? PAD.left + i * step : PAD.left + PLOT_W / 2);
  return (
    <Frame title={title} className={className} empty={labels.length === 0} series={series}>
      <Axes labels={labels} keys={keys} max={max} y={y} format={format} slot={x} />
      {series.map((s) => {
        // one path, broken where a value is missing
        let d = "";
        let pen = false;
        s.values.forEach((v, i) => {
          if (v === null) {
            pen = false;
            return;
          }
          d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
          pen = true;
        });
        return (
          <g key={s.key} data-series={s.key}>
            <path d={d} fill="none" stroke={s.color} strokeWidth={2} />
            {s.values.map((v, i) =>
              v === null ? null : (
                <circle key={`${s.key}-${keys[i]}`} cx={x(i)} cy={y(v)} r={3} fill={s.color}>
                  <title>{`${labels[i]} ${s.name}：${format(v)}`}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
    </Frame>
  );
}

/** Grouped bars: one group per label, one bar per series. */
export function BarChart(props: ChartProps) {
  const { labels, keys, series, format, title, className } = props;
  const { max, y } = scale(props);
  const slotW = labels.length > 0 ? PLOT_W / labels.length : PLOT_W;
  const groupW = slotW * 0.7;
  const barW = series.length > 0 ? groupW / series.length : groupW;
  const slot = (i: number) => PAD.left + slotW * i + slotW / 2;
  return (
    <Frame title={title} className={className} empty={labels.length === 0} series={series}>
      <Axes labels={labels} keys={keys} max={max} y={y} format={format} slot={slot} />
      {labels.map((l, i) => (
        <g key={keys[i]} data-label={l}>
          {series.map((s, j) => {
            const v = s.values[i];
            if (v === null || v === undefined) return null;
            const top = y(v);
            return (
              <rect
                key={s.key}
                x={slot(i) - groupW / 2 + j * barW}
                y={top}
                width={Math.max(1, barW - 2)}
                height={Math.max(0, y(0) - top)}
                fill={s.color}
              >
                <title>{`${l} ${s.name}：${format(v)}`}</title>
              </rect>
            );
          })}
        </g>
      ))}
    </Frame>
  );
}
