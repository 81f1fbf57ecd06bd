// RFM scores and named segments. Recency = days since the last purchase day, frequency = number
// of purchase days, monetary = total value, all as of the as-of date.
// Quintile scores 1–5 from the share of customers strictly worse: score = 1 + ⌊5 · share⌋ (max 5),
// so tied customers always get the same score (with many one-time buyers, F = 1 for all of them).
// Segments from R and FM = round((F + M) / 2) (the usual R × FM grid):
//   R 5    FM 4–5 Champions          | R 3–4 FM 4–5 Loyal
//   R 4–5  FM 2–3 Potential loyalist | R 5   FM 1   New          | R 4 FM 1 Promising
//   R 3    FM 3   Need attention     | R 3   FM 1–2 About to sleep
//   R 1–2  FM 3–4 At risk            | R 1–2 FM 5   Can't lose them
//   R 2    FM 1–2 Hibernating        | R 1   FM 1–2 Lost

export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalist",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Can't lose them",
  "Hibernating",
  "Lost",
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  const fm = Math.round((f + m) / 2);
  if (r === 5) return fm >= 4 ? "Champions" : fm >= 2 ? "Potential loyalist" : "New";
  if (r === 4) return fm >= 4 ? "Loyal" : fm >= 2 ? "Potential loyalist" : "Promising";
  if (r === 3) return fm >= 4 ? "Loyal" : fm === 3 ? "Need attention" : "About to sleep";
  if (fm === 5) return "Can't lose them";
  if (fm >= 3) return "At risk";
  return r === 2 ? "Hibernating" : "Lost";
}

/**
 * Quintile scores for one measure: for each value, 1 + ⌊5 · (number strictly worse) / n⌋.
 * higherIsBetter = false for recency (fewer days since the last purchase is better).
 */
export function quintileScores(values: ArrayLike<number>, higherIsBetter: boolean): Int8Array {
  const n = values.length;
  const out = new Int8Array(n);
  if (n === 0) return out;
  const sorted = Float64Array.from(values).sort();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    // Binary search: count of values < v (lower bound) or > v (n − upper bound).
    let lo = 0;
    let hi = n;
    if (higherIsBetter) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      out[i] = Math.min(5, 1 + Math.floor((5 * lo) / n));
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      out[i] = Math.min(5, 1 + Math.floor((5 * (n - lo)) / n));
    }
  }
  return out;
}

export interface RfmInput {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export function rfmScores(rows: RfmInput[]) {
  const r = quintileScores(rows.map((x) => x.recencyDays), false);
  const f = quintileScores(rows.map((x) => x.frequency), true);
  const m = quintileScores(rows.map((x) => x.monetary), true);
  return rows.map((_, i) => ({ r: r[i]!, f: f[i]!, m: m[i]!, segment: rfmSegment(r[i]!, f[i]!, m[i]!) }));
}

export function countSegments(segments: Iterable<RfmSegment>): Record<RfmSegment, number> {
  const out = Object.fromEntries(RFM_SEGMENTS.map((s) => [s, 0])) as Record<RfmSegment, number>;
  for (const s of segments) out[s]++;
  return out;
}
