// What each hardening test tried and what got through, for the table printed at the end of
// `npm run test:hardening` (test/hardening/global-setup.ts) and for hardening-results.json.
// A test records a row and asserts `failed === 0` itself; the report only summarises.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const REPORT_DIR = path.resolve(".data/hardening-report");

export type HardeningArea = "faults" | "payloads" | "probes" | "input" | "axe" | "requests";

export interface HardeningRow {
  area: HardeningArea;
  /** What was tried, e.g. "PostgreSQL restart under page + webhook load". */
  name: string;
  /** How many faults / payloads / probes / pages / requests were tried. */
  tried: number;
  /** How many got through: executed payloads, leaked probes, serious+critical violations, lost requests. */
  failed: number;
  detail?: string;
}

export function recordHardening(row: HardeningRow) {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORT_DIR, `${Date.now()}-${randomBytes(4).toString("hex")}.json`), JSON.stringify(row) + "\n");
}

export function readHardeningRows(): HardeningRow[] {
  if (!fs.existsSync(REPORT_DIR)) return [];
  return fs
    .readdirSync(REPORT_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(REPORT_DIR, f), "utf8")) as HardeningRow);
}

const FAILED_LABEL: Record<HardeningArea, string> = {
  faults: "not survived",
  payloads: "executed",
  probes: "leaked",
  input: "crashed / unclear",
  axe: "serious + critical",
  requests: "lost",
};

export function hardeningTable(rows: HardeningRow[]): string {
  const out = ["| area | check | tried | got through | detail |", "|---|---|---:|---|---|"];
  for (const r of rows) out.push(`| ${r.area} | ${r.name} | ${r.tried} | ${r.failed} ${FAILED_LABEL[r.area]} | ${r.detail ?? ""} |`);
  return out.join("\n");
}

const SUMMARY: Record<HardeningArea, string> = {
  faults: "faults tried / not survived",
  payloads: "XSS payload placements tried / executed",
  probes: "cross-customer probes tried / leaked",
  input: "malformed inputs tried / crashed or unclear",
  axe: "page checks (axe-core) / serious + critical violations",
  requests: "acknowledged requests under faults / lost",
};

/** One line per area: the sums of its rows (the README's hardening table). */
export function hardeningSummary(rows: HardeningRow[]): string {
  const out = ["| what | tried | got through |", "|---|---:|---:|"];
  for (const area of Object.keys(SUMMARY) as HardeningArea[]) {
    const mine = rows.filter((r) => r.area === area);
    if (!mine.length) continue;
    // A fault row counts the requests it sent; the summary counts the faults themselves.
    const tried = area === "faults" ? mine.length : mine.reduce((n, r) => n + r.tried, 0);
    const failed = area === "faults" ? mine.filter((r) => r.failed > 0).length : mine.reduce((n, r) => n + r.failed, 0);
    out.push(`| ${SUMMARY[area]} | ${tried.toLocaleString("en")} | ${failed} |`);
  }
  return out.join("\n");
}
