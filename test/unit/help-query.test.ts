// Query analysis for help search: CJK bigrams like the index builds, safe tsquery text, and
// highlighted snippets built as text parts (never HTML).
import { describe, expect, it } from "vitest";
import { analyse, cjkCover, cjkTerms, hasCjk, highlightSnippet, latinWords, partsFromMarked, tsqueryText } from "../../server/domain/help/query.ts";

describe("help query analysis", () => {
  it("splits Chinese into overlapping bigrams, one character into a unigram", () => {
    expect(cjkTerms("会员积分")).toEqual(["会员", "员积", "积分"]);
    expect(cjkTerms("退货")).toEqual(["退货"]);
    expect(cjkTerms("退")).toEqual(["退"]);
    expect(cjkTerms("退货 与 退款")).toEqual(["退货", "与", "退款"]);
  });

  it("covers a Chinese run with non-overlapping bigrams for all-words matching", () => {
    expect(cjkCover("会员积分")).toEqual(["会员", "积分"]);
    expect(cjkCover("怎么退款")).toEqual(["怎么", "退款"]);
    expect(cjkCover("退款呢")).toEqual(["退款", "款呢"]);
  });

  it("keeps non-CJK words, lower-cased, letters and digits only", () => {
    expect(latinWords("Refund for R-100123 via PayPal!")).toEqual(["refund", "for", "r", "100123", "via", "paypal"]);
    expect(latinWords("'; DROP TABLE x; --")).toEqual(["drop", "table", "x"]);
    expect(analyse("PayPal 退款").cjk).toEqual(["退款"]);
    expect(hasCjk("abc")).toBe(false);
    expect(hasCjk("abc退")).toBe(true);
  });

  it("builds tsquery text with quoted lexemes; prefix on the last word and on single characters", () => {
    expect(tsqueryText(["refund", "order"], { mode: "and" })).toBe("'refund' & 'order'");
    expect(tsqueryText(["refund", "ord"], { mode: "and", prefix: true })).toBe("'refund' & 'ord':*");
    expect(tsqueryText(["退货", "积"], { mode: "or" })).toBe("'退货' | '积':*");
    expect(tsqueryText(["it's"], { mode: "and" })).toBe("'its'");
  });

  it("highlights every occurrence in a snippet around the first match", () => {
    const parts = highlightSnippet("仓库收到退货后即办理退款，退款通常在 3 个工作日内完成。", ["退款"]);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(["退款", "退款"]);
    expect(parts.map((p) => p.text).join("")).toContain("仓库收到退货后即办理退款");
  });

  it("marks no HTML: markup in article text stays text", () => {
    const parts = highlightSnippet("<img src=x onerror=alert(1)> refund here", ["refund"], 200);
    expect(parts.map((p) => p.text).join("")).toContain("<img src=x onerror=alert(1)>");
    expect(parts.find((p) => p.mark)?.text).toBe("refund");
  });

  it("reads ts_headline output marked with private-use sentinels", () => {
    expect(partsFromMarked("we \uE000refund\uE001 it .")).toEqual([
      { text: "we ", mark: false },
      { text: "refund", mark: true },
      { text: " it.", mark: false },
    ]);
  });
});
