// Pure query analysis for help search (unit-tested without a database): splits a query into CJK
// terms (overlapping bigrams, as the index does) and other words, builds tsquery text, and makes
// highlighted snippets for Chinese text (ts_headline's parser cannot see CJK word boundaries).

const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const CJK_ONE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

export function hasCjk(s: string): boolean {
  return CJK_ONE.test(s);
}

/** Overlapping bigrams of each CJK run; a run of one character stays a unigram. */
export function cjkTerms(s: string): string[] {
  const out: string[] = [];
  for (const run of s.match(CJK_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) out.push(chars[0]!);
    else for (let i = 0; i < chars.length - 1; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return Array.from(new Set(out));
}

/** Non-CJK words: letters and digits only (so they are safe inside tsquery text), lower case. */
export function latinWords(s: string): string[] {
  const words = s
    .replace(CJK_RUN, " ")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return Array.from(new Set((words ?? []).filter((w) => w.length <= 40))).slice(0, 12);
}

/**
 * Bigrams that cover each CJK run without overlapping (会员积分 → 会员, 积分): requiring all of
 * these finds the words even when they are not adjacent in the article, where requiring every
 * overlapping bigram (…员积…) would demand the exact phrase.
 */
export function cjkCover(s: string): string[] {
  const out: string[] = [];
  for (const run of s.match(CJK_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length <= 2) {
      out.push(chars.join(""));
      continue;
    }
    for (let i = 0; i + 1 < chars.length; i += 2) out.push(chars[i]! + chars[i + 1]!);
    if (chars.length % 2) out.push(chars[chars.length - 2]! + chars[chars.length - 1]!);
  }
  return Array.from(new Set(out));
}

export interface QueryTerms {
  /** Every overlapping CJK bigram (any-word matching, ranking, highlighting). */
  cjk: string[];
  /** Non-overlapping CJK bigrams (all-words matching). */
  cjkCover: string[];
  words: string[];
}

export function analyse(q: string): QueryTerms {
  const text = q.normalize("NFKC").slice(0, 200);
  return { cjk: cjkTerms(text).slice(0, 24), cjkCover: cjkCover(text).slice(0, 12), words: latinWords(text) };
}

/** Removes the spaces that stripped Markdown leaves between CJK characters and before punctuation. */
export function tidyPlain(s: string): string {
  return s
    .replace(/([\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])/g, "$1")
    .replace(/ +([.,;:!?，。；：！？、）])/g, "$1")
    .replace(/(^|\s)[-+] (?=\S)/g, "$1")
    .replace(/(^|\s)\d+\. (?=\S)/g, "$1");
}

export function isEmpty(t: QueryTerms) {
  return t.cjk.length === 0 && t.words.length === 0;
}

const quote = (lexeme: string) => `'${lexeme.replace(/['\\]/g, "")}'`;

/**
 * tsquery text. English words go through to_tsquery('english', …) for stemming; Chinese terms are
 * cast with ::tsquery as they are (they match the bigram lexemes of the index).
 * `prefix` makes the last word a prefix match (search as you type); a single CJK character is
 * always a prefix match (it matches every bigram that starts with it).
 */
export function tsqueryText(terms: string[], opts: { mode: "and" | "or"; prefix?: boolean }): string {
  const parts = terms.map((t, i) => {
    const single = Array.from(t).length === 1 && hasCjk(t);
    const last = i === terms.length - 1;
    return quote(t) + (single || (opts.prefix && last) ? ":*" : "");
  });
  return parts.join(opts.mode === "and" ? " & " : " | ");
}

export interface SnippetPart {
  text: string;
  mark: boolean;
}

/** Splits text marked with the private-use sentinels (ts_headline's StartSel/StopSel) into parts. */
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
export function partsFromMarked(marked: string): SnippetPart[] {
  const s = tidyPlain(marked);
  const out: SnippetPart[] = [];
  const re = new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, "g");
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index), mark: false });
    out.push({ text: m[1]!, mark: true });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ text: s.slice(last), mark: false });
  return out.map((p) => ({ ...p, text: p.text.replace(/[\uE000\uE001]/g, "") })).filter((p) => p.text);
}

/**
 * A snippet of `text` around the first occurrence of any needle, with every occurrence marked.
 * Works on code points, so it never cuts a character in half. Returned as parts (rendered as
 * text by React), never as HTML, so article text cannot inject markup.
 */
export function highlightSnippet(text: string, needles: string[], width = 80): SnippetPart[] {
  const chars = Array.from(tidyPlain(text));
  const lower = chars.map((c) => c.toLowerCase());
  const ns = needles.filter(Boolean).map((n) => Array.from(n.toLowerCase()));
  const marked = new Array<boolean>(chars.length).fill(false);
  let first = -1;
  for (const n of ns) {
    for (let i = 0; i + n.length <= lower.length; i++) {
      let ok = true;
      for (let j = 0; j < n.length; j++) if (lower[i + j] !== n[j]) { ok = false; break; }
      if (ok) {
        for (let j = 0; j < n.length; j++) marked[i + j] = true;
        if (first < 0 || i < first) first = i;
      }
    }
  }
  const start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 4));
  const end = Math.min(chars.length, start + width);
  const out: SnippetPart[] = [];
  if (start > 0) out.push({ text: "…", mark: false });
  for (let i = start; i < end; i++) {
    const prev = out.at(-1);
    if (prev && prev.mark === marked[i] && prev.text !== "…") prev.text += chars[i];
    else out.push({ text: chars[i]!, mark: marked[i]! });
  }
  if (end < chars.length) out.push({ text: "…", mark: false });
  return out;
}
