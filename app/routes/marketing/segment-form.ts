// The segment rule builder as plain form fields (works without JavaScript), and back.
// Rows are the leaves of the rule tree in depth-first order: row N has rule.N.kind, rule.N.op,
// rule.N.value, rule.N.values (repeated), rule.N.days, rule.N.date, rule.N.channel and
// rule.N.group (0 = top level, K = top-level group K, whose combinator is group.K.combinator).
// `combinator` is the top level's and|or. rulesFromForm only builds the object: the procedures
// validate it with segmentRulesSchema (server/domain/campaigns/segment-rules.ts) and return
// errors keyed by these same field names. Client-safe: server modules are imported as types only.
import type { RuleKind, SegmentRules } from "#server/domain/campaigns/segment-rules.ts";

export type Field = "op" | "value" | "values" | "days" | "date" | "channel";
type ValueType = "number" | "string" | "boolean" | "none";

/** Per kind: its inputs, the default operator, and how `value`/`values` convert (mirrors KIND_FIELDS). */
export const KINDS = {
  tier: { fields: ["values"], ops: [], value: "none", values: "string" },
  rfmSegment: { fields: ["values"], ops: [], value: "none", values: "string" },
  lifecycle: { fields: ["values"], ops: [], value: "none", values: "string" },
  pAlive: { fields: ["op", "value"], ops: ["below", "above"], value: "number", values: "none" },
  clv: { fields: ["op", "value"], ops: ["below", "above"], value: "number", values: "none" },
  spend: { fields: ["op", "value", "days"], ops: ["atLeast", "below"], value: "number", values: "none" },
  orderCount: { fields: ["op", "value", "days"], ops: ["atLeast", "below"], value: "number", values: "none" },
  lastOrder: { fields: ["op", "days"], ops: ["moreThan", "fewerThan"], value: "none", values: "none" },
  points: { fields: ["op", "value"], ops: ["atLeast", "below"], value: "number", values: "none" },
  locale: { fields: ["value"], ops: [], value: "string", values: "none" },
  signedUp: { fields: ["op", "date"], ops: ["before", "after"], value: "none", values: "none" },
  birthdayMonth: { fields: ["values"], ops: [], value: "none", values: "number" },
  consent: { fields: ["channel", "value"], ops: [], value: "boolean", values: "none" },
  openTicket: { fields: ["value"], ops: [], value: "boolean", values: "none" },
  lastCsat: { fields: ["op", "value"], ops: ["atLeast", "below"], value: "number", values: "none" },
} as const satisfies Record<RuleKind, { fields: readonly Field[]; ops: readonly string[]; value: ValueType; values: ValueType }>;

export const KIND_NAMES = Object.keys(KINDS) as RuleKind[];
export const MAX_FORM_ROWS = 40;

export function isKind(k: string): k is RuleKind {
  return Object.prototype.hasOwnProperty.call(KINDS, k);
}

export interface RuleRow {
  kind: string;
  op: string;
  value: string;
  values: string[];
  days: string;
  date: string;
  channel: string;
  /** 0 = top level, K ≥ 1 = top-level group K. */
  group: number;
}

export interface RulesFormState {
  combinator: string;
  /** Combinator of group K at index K − 1. */
  groups: string[];
  rows: RuleRow[];
}

export const emptyRow = (group = 0): RuleRow => ({ kind: "", op: "", value: "", values: [], days: "", date: "", channel: "", group });

interface FormLike {
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
  keys(): Iterable<string>;
}

const str = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : "");

/** Reads the rows and groups from form fields, in canonical order (top level first, then group 1, 2, …). */
export function formStateFromData(form: FormLike): RulesFormState {
  const idx = new Set<number>();
  const groupIdx = new Set<number>();
  for (const key of form.keys()) {
    const m = /^rule\.(\d{1,3})\./.exec(key);
    if (m) idx.add(Number(m[1]));
    const g = /^group\.(\d{1,2})\.combinator$/.exec(key);
    if (g) groupIdx.add(Number(g[1]));
  }
  const rows = [...idx]
    .sort((a, b) => a - b)
    .slice(0, MAX_FORM_ROWS)
    .map((n): RuleRow => {
      const p = `rule.${n}.`;
      const group = Number.parseInt(str(form.get(`${p}group`)), 10);
      return {
        kind: str(form.get(`${p}kind`)),
        op: str(form.get(`${p}op`)),
        value: str(form.get(`${p}value`)),
        values: form.getAll(`${p}values`).filter((v): v is string => typeof v === "string"),
        days: str(form.get(`${p}days`)),
        date: str(form.get(`${p}date`)),
        channel: str(form.get(`${p}channel`)),
        group: Number.isFinite(group) && group > 0 && group < 100 ? group : 0,
      };
    });
  const groupCombinator = new Map<number, string>();
  for (const k of groupIdx) groupCombinator.set(k, str(form.get(`group.${k}.combinator`)));
  return canonical({ combinator: str(form.get("combinator")) || "and", groupCombinator, rows });
}

/** Top-level rows first, then the groups in number order renumbered 1, 2, …; empty groups dropped. */
function canonical(s: { combinator: string; groupCombinator: Map<number, string>; rows: RuleRow[] }): RulesFormState {
  const used = [...new Set(s.rows.filter((r) => r.group > 0).map((r) => r.group))].sort((a, b) => a - b);
  const renumber = new Map(used.map((g, i) => [g, i + 1]));
  const rows = [...s.rows.filter((r) => r.group === 0), ...used.flatMap((g) => s.rows.filter((r) => r.group === g))].map((r) => ({ ...r, group: renumber.get(r.group) ?? 0 }));
  return { combinator: s.combinator, groups: used.map((g) => s.groupCombinator.get(g) || "and"), rows };
}

function numberOf(s: string): number | undefined {
  const t = s.trim();
  return t === "" ? undefined : Number(t);
}

/** One row as a rule object (unvalidated: the schema reports what is missing or wrong). */
export function ruleFromRow(row: RuleRow): Record<string, unknown> {
  if (!isKind(row.kind)) return { kind: row.kind };
  const spec = KINDS[row.kind];
  const out: Record<string, unknown> = { kind: row.kind };
  for (const f of spec.fields as readonly Field[]) {
    if (f === "op") out.op = row.op || spec.ops[0];
    else if (f === "days") out.days = numberOf(row.days);
    else if (f === "date") out.date = row.date.trim() || undefined;
    else if (f === "channel") out.channel = row.channel || undefined;
    else if (f === "values") out.values = spec.values === "number" ? row.values.map((v) => Number(v)) : row.values;
    else if (f === "value") out.value = spec.value === "number" ? numberOf(row.value) : spec.value === "boolean" ? (row.value === "true" ? true : row.value === "false" ? false : undefined) : row.value || undefined;
  }
  return out;
}

/** The rule tree for a form state (top-level rules, then the groups). */
export function rulesFromState(state: RulesFormState): unknown {
  const top = state.rows.filter((r) => r.group === 0).map(ruleFromRow);
  const groups = state.groups.map((combinator, i) => ({ kind: "group", combinator, rules: state.rows.filter((r) => r.group === i + 1).map(ruleFromRow) }));
  return { kind: "group", combinator: state.combinator, rules: [...top, ...groups] };
}

/** Builds the rule object from the builder's fields (or from `rulesJson`, the kept tree of a segment
 *  too deep for the form). Validation is the procedure's, with segmentRulesSchema. */
export function rulesFromForm(form: FormLike): unknown {
  const json = str(form.get("rulesJson"));
  if (json) {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return null;
    }
  }
  return rulesFromState(formStateFromData(form));
}

/** The form state for a saved tree, or null when it nests deeper than the form can show (root + one level). */
export function stateFromRules(rules: SegmentRules): RulesFormState | null {
  const rows: RuleRow[] = [];
  const groups: string[] = [];
  const rowOf = (r: Record<string, unknown>, group: number): RuleRow => ({
    kind: String(r.kind),
    op: typeof r.op === "string" ? r.op : "",
    value: r.value === undefined ? "" : String(r.value),
    values: Array.isArray(r.values) ? r.values.map(String) : [],
    days: r.days === undefined ? "" : String(r.days),
    date: typeof r.date === "string" ? r.date : "",
    channel: typeof r.channel === "string" ? r.channel : "",
    group,
  });
  for (const n of rules.rules) if (n.kind !== "group") rows.push(rowOf(n as unknown as Record<string, unknown>, 0));
  for (const n of rules.rules) {
    if (n.kind !== "group") continue;
    if (n.rules.some((c) => c.kind === "group")) return null;
    groups.push(n.combinator);
    for (const c of n.rules) rows.push(rowOf(c as unknown as Record<string, unknown>, groups.length));
  }
  return { combinator: rules.combinator, groups, rows };
}

/** The state as form fields (for the live count's query string). */
export function stateToSearchParams(state: RulesFormState): URLSearchParams {
  const p = new URLSearchParams();
  p.set("combinator", state.combinator);
  state.groups.forEach((c, i) => p.set(`group.${i + 1}.combinator`, c));
  state.rows.forEach((r, n) => {
    p.set(`rule.${n}.kind`, r.kind);
    p.set(`rule.${n}.group`, String(r.group));
    for (const f of ["op", "value", "days", "date", "channel"] as const) if (r[f]) p.set(`rule.${n}.${f}`, r[f]);
    for (const v of r.values) p.append(`rule.${n}.values`, v);
  });
  return p;
}

/** Applies an "add"/"remove" button of the builder (no-JS path; the page does the same in the browser). */
export function applyBuilderIntent(state: RulesFormState, intent: string): RulesFormState | null {
  if (intent === "add") return { ...state, rows: [...state.rows.filter((r) => r.group === 0), emptyRow(0), ...state.rows.filter((r) => r.group > 0)] };
  if (intent === "addGroup") return { ...state, groups: [...state.groups, "and"], rows: [...state.rows, emptyRow(state.groups.length + 1)] };
  const add = /^add:(\d+)$/.exec(intent);
  if (add) {
    const g = Number(add[1]);
    if (g < 1 || g > state.groups.length) return state;
    const last = state.rows.map((r) => r.group).lastIndexOf(g);
    const rows = [...state.rows];
    rows.splice(last + 1, 0, emptyRow(g));
    return { ...state, rows };
  }
  const rm = /^remove:(\d+)$/.exec(intent);
  if (rm) {
    const rows = state.rows.filter((_, i) => i !== Number(rm[1]));
    const map = new Map<number, string>(state.groups.map((c, i) => [i + 1, c]));
    return canonical({ combinator: state.combinator, groupCombinator: map, rows });
  }
  return null;
}
