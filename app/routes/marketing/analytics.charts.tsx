// Server-rendered SVG charts for the analytics dashboards. Each chart is a <figure> with a titled,
// described SVG (role="img") and the same numbers as a table behind a <details> disclosure, so
// screen-reader and keyboard users get the data without the picture.
import { useId, type ReactNode } from "react";
import { useT } from "#app/lib/i18n.ts";

const SVG_STYLE = { width: "100%", height: "auto" } as const;

export const PALETTE = ["#1f6f5c", "#2f80c4", "#c4702f", "#8a3fb5", "#c43f5a", "#5a8a1f", "#b59a1f", "#1fa5b5", "#6b6b6b", "#3f4fb5", "#a55a2f"];

function ChartFigure({ title, desc, children, table }: { title: string; desc: string; children: (ids: { title: string; desc: string }) => ReactNode; table: ReactNode }) {
  const id = useId();
  const t = useT();
  const ids = { title: `${id}-t`, desc: `${id}-d` };
  return (
    <figure className="panel" style={{ margin: 0, minWidth: 0 }}>
      <figcaption>
        <h3>{title}</h3>
        <p className="hint">{desc}</p>
      </figcaption>
      {children(ids)}
      <details>
        <summary>{t("analytics.showTable")}</summary>
        <div className="table-wrap">{table}</div>
      </details>
    </figure>
  );
}

export interface BarDatum {
  label: string;
  value: number;
}

/** Vertical bars with value labels. */
export function BarChart({ title, desc, data, format, valueHeader, labelHeader }: { title: string; desc: string; data: BarDatum[]; format: (v: number) => string; valueHeader: string; labelHeader: string }) {
  const W = 640;
  const H = 240;
  const pad = { l: 8, r: 8, t: 20, b: 40 };
  const max = Math.max(1e-9, ...data.map((d) => d.value));
  const bw = (W - pad.l - pad.r) / Math.max(1, data.length);
  const HW = 440;
  return (
    <ChartFigure
      title={title}
      desc={desc}
      table={
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{valueHeader}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.label}>
                <th scope="row">{d.label}</th>
                <td>{format(d.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {(ids) =>
        data.length > 6 ? (
          // Many categories (RFM segments): horizontal bars, so long labels stay readable.
          <svg viewBox={`0 0 ${HW} ${data.length * 24 + 8}`} role="img" aria-labelledby={`${ids.title} ${ids.desc}`} style={SVG_STYLE}>
            <title id={ids.title}>{title}</title>
            <desc id={ids.desc}>{data.map((d) => `${d.label}: ${format(d.value)}`).join("; ")}</desc>
            {data.map((d, i) => {
              const lw = 130;
              const w = ((HW - lw - 80) * Math.max(0, d.value)) / max;
              const y = 4 + i * 24;
              return (
                <g key={d.label}>
                  <text x={lw - 6} y={y + 15} textAnchor="end" fontSize="12">
                    {d.label}
                  </text>
                  <rect x={lw} y={y + 3} width={w} height={16} fill={PALETTE[0]} />
                  <text x={lw + w + 6} y={y + 15} fontSize="12">
                    {format(d.value)}
                  </text>
                </g>
              );
            })}
          </svg>
        ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${ids.title} ${ids.desc}`} style={SVG_STYLE}>
          <title id={ids.title}>{title}</title>
          <desc id={ids.desc}>{data.map((d) => `${d.label}: ${format(d.value)}`).join("; ")}</desc>
          {data.map((d, i) => {
            const h = ((H - pad.t - pad.b) * Math.max(0, d.value)) / max;
            const x = pad.l + i * bw + bw * 0.1;
            const y = H - pad.b - h;
            return (
              <g key={d.label}>
                <rect x={x} y={y} width={bw * 0.8} height={h} fill={PALETTE[0]} />
                <text x={x + bw * 0.4} y={y - 4} textAnchor="middle" fontSize="11">
                  {format(d.value)}
                </text>
                <text x={x + bw * 0.4} y={H - pad.b + 14} textAnchor="middle" fontSize="11">
                  {d.label}
                </text>
              </g>
            );
          })}
          <line x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} stroke="#888" />
        </svg>
        )
      }
    </ChartFigure>
  );
}

export interface Series {
  name: string;
  values: (number | null)[];
}

/** Lines over categorical x labels (months, dates), with a legend. */
export function LineChart({ title, desc, xLabels, series, format, xHeader, yMin }: { title: string; desc: string; xLabels: string[]; series: Series[]; format: (v: number) => string; xHeader: string; yMin?: number }) {
  const W = 640;
  const H = 260;
  const pad = { l: 48, r: 12, t: 12, b: 36 };
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const lo = Math.min(yMin ?? 0, ...all);
  const hi = Math.max(lo + 1e-9, ...all);
  const x = (i: number) => pad.l + (xLabels.length <= 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (xLabels.length - 1));
  const y = (v: number) => H - pad.b - ((v - lo) * (H - pad.t - pad.b)) / (hi - lo);
  const step = Math.max(1, Math.ceil(xLabels.length / 8));
  return (
    <ChartFigure
      title={title}
      desc={desc}
      table={
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{xHeader}</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xLabels.map((l, i) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] === null || s.values[i] === undefined ? "–" : format(s.values[i]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {(ids) => (
        <>
          <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${ids.title} ${ids.desc}`} style={SVG_STYLE}>
            <title id={ids.title}>{title}</title>
            <desc id={ids.desc}>{desc}</desc>
            {[lo, (lo + hi) / 2, hi].map((v) => (
              <g key={v}>
                <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} stroke="#ddd" />
                <text x={pad.l - 4} y={y(v) + 4} textAnchor="end" fontSize="11">
                  {format(v)}
                </text>
              </g>
            ))}
            {xLabels.map((l, i) =>
              i % step === 0 ? (
                <text key={l} x={x(i)} y={H - pad.b + 16} textAnchor="middle" fontSize="11">
                  {l}
                </text>
              ) : null,
            )}
            {series.map((s, si) => {
              const pts = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
              return (
                <g key={s.name}>
                  <polyline points={pts.join(" ")} fill="none" stroke={PALETTE[si % PALETTE.length]} strokeWidth="2" />
                  {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={PALETTE[si % PALETTE.length]} />))}
                </g>
              );
            })}
          </svg>
          {series.length > 1 ? (
            <ul className="plain-list" style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem" }}>
              {series.map((s, si) => (
                <li key={s.name}>
                  <span style={{ display: "inline-block", width: "0.8rem", height: "0.8rem", marginRight: "0.35rem", background: PALETTE[si % PALETTE.length] }} aria-hidden="true" />
                  {s.name}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </ChartFigure>
  );
}

/** A rows × columns heat map (RFM grid, cohort retention). */
export function HeatMap({ title, desc, rowLabels, colLabels, values, format, rowHeader, corner }: { title: string; desc: string; rowLabels: string[]; colLabels: string[]; values: (number | null)[][]; format: (v: number) => string; rowHeader: string; corner: string }) {
  const cw = 56;
  const ch = 28;
  const lw = 90;
  const W = lw + cw * colLabels.length;
  const H = 24 + ch * rowLabels.length;
  const max = Math.max(1e-9, ...values.flat().filter((v): v is number => v !== null));
  return (
    <ChartFigure
      title={title}
      desc={desc}
      table={
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{corner}</th>
              {colLabels.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rowLabels.map((r, i) => (
              <tr key={r}>
                <th scope="row">{r}</th>
                {colLabels.map((c, j) => (
                  <td key={c}>{values[i]?.[j] === null || values[i]?.[j] === undefined ? "–" : format(values[i]![j]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {(ids) => (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${ids.title} ${ids.desc}`} style={{ width: "100%", height: "auto", maxWidth: `${W * 1.4}px` }}>
          <title id={ids.title}>{title}</title>
          <desc id={ids.desc}>{`${desc} ${rowHeader}`}</desc>
          {colLabels.map((c, j) => (
            <text key={c} x={lw + j * cw + cw / 2} y={16} textAnchor="middle" fontSize="11">
              {c}
            </text>
          ))}
          {rowLabels.map((r, i) => (
            <g key={r}>
              <text x={lw - 6} y={24 + i * ch + ch / 2 + 4} textAnchor="end" fontSize="11">
                {r}
              </text>
              {colLabels.map((c, j) => {
                const v = values[i]?.[j];
                if (v === null || v === undefined) return null;
                const a = 0.08 + 0.92 * (v / max);
                return (
                  <g key={c}>
                    <rect x={lw + j * cw + 1} y={24 + i * ch + 1} width={cw - 2} height={ch - 2} fill={PALETTE[0]} fillOpacity={a} />
                    <text x={lw + j * cw + cw / 2} y={24 + i * ch + ch / 2 + 4} textAnchor="middle" fontSize="11" fill={a > 0.55 ? "#fff" : "#111"}>
                      {format(v)}
                    </text>
                  </g>
                );
              })}
            </g>
          ))}
        </svg>
      )}
    </ChartFigure>
  );
}
