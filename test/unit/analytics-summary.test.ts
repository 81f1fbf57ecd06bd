import { describe, expect, it } from "vitest";
import { parseAsOf, summarizeTransactions, type Transaction } from "../../server/domain/analytics/summary.ts";
import { quintileScores, rfmScores, rfmSegment, RFM_SEGMENTS } from "../../server/domain/analytics/rfm.ts";
import { lifecycleStage } from "../../server/domain/analytics/lifecycle.ts";

const t = (customerId: string, iso: string, value: number): Transaction => ({ customerId, at: new Date(iso), value });

describe("transaction summaries", () => {
  const asOf = parseAsOf("2024-03-31")!;
  const txs = [
    // a: first purchase Jan 1 (two orders the same UTC day → one transaction of 30), repeats Jan 15
    // and Mar 1 (two orders at 00:00 and 23:59 UTC → one of 25); an order after as-of is ignored.
    t("a", "2024-01-01T08:00:00Z", 10),
    t("a", "2024-01-01T20:00:00Z", 20),
    t("a", "2024-01-15T12:00:00Z", 40),
    t("a", "2024-03-01T00:00:00Z", 5),
    t("a", "2024-03-01T23:59:59Z", 20),
    t("a", "2024-04-01T00:00:00Z", 1000),
    // b: one purchase only, on the as-of day itself (counted: as-of is inclusive).
    t("b", "2024-03-31T23:00:00Z", 50),
    // c: first purchase after as-of → left out.
    t("c", "2024-04-02T10:00:00Z", 70),
    // d: all purchases on one day → x = 0.
    t("d", "2024-02-10T01:00:00Z", 5),
    t("d", "2024-02-10T02:00:00Z", 6),
  ];

  it("follows the summary rules (weeks)", () => {
    const s = summarizeTransactions(txs, asOf, "week");
    expect(s.map((r) => r.customerId)).toEqual(["a", "b", "d"]);
    const a = s[0]!;
    expect(a.x).toBe(2);
    // Jan 1 → Mar 1 2024 = 60 days; Jan 1 → Mar 31 = 90 days (fractional weeks).
    expect(a.tx).toBeCloseTo(60 / 7, 12);
    expect(a.T).toBeCloseTo(90 / 7, 12);
    expect(a.total).toBe(95);
    expect(a.mx).toBe((40 + 25) / 2);
    expect(a.recencyDays).toBe(30);
    const b = s[1]!;
    expect([b.x, b.tx, b.T, b.recencyDays, b.total, b.mx]).toEqual([0, 0, 0, 0, 50, 0]);
    const d = s[2]!;
    expect([d.x, d.tx, d.total]).toEqual([0, 0, 11]);
    expect(d.T).toBeCloseTo(50 / 7, 12);
  });

  it("uses days and months as units", () => {
    const a = summarizeTransactions(txs, asOf, "day")[0]!;
    expect([a.tx, a.T]).toEqual([60, 90]);
    const m = summarizeTransactions(txs, asOf, "month")[0]!;
    expect(m.T).toBeCloseTo(90 / 30.4375, 12);
  });

  it("parses only real calendar dates", () => {
    expect(parseAsOf("2024-02-30")).toBeNull();
    expect(parseAsOf("2024-2-3")).toBeNull();
    expect(parseAsOf("1970-01-02")).toBe(1);
  });
});

describe("RFM", () => {
  it("gives tied values the same quintile score", () => {
    const f = quintileScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9], true);
    expect([...f]).toEqual([1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    const r = quintileScores([0, 10, 20, 30, 40], false); // fewer days is better
    expect([...r]).toEqual([5, 4, 3, 2, 1]);
  });

  it("maps every R × FM cell to one of the eleven named segments", () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) seen.add(rfmSegment(r, f, m));
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(rfmSegment(5, 5, 5)).toBe("Champions");
    expect(rfmSegment(5, 1, 1)).toBe("New");
    expect(rfmSegment(4, 1, 1)).toBe("Promising");
    expect(rfmSegment(3, 3, 3)).toBe("Need attention");
    expect(rfmSegment(1, 5, 5)).toBe("Can't lose them");
    expect(rfmSegment(2, 4, 3)).toBe("At risk");
    expect(rfmSegment(2, 1, 1)).toBe("Hibernating");
    expect(rfmSegment(1, 1, 2)).toBe("Lost");
    expect(rfmSegment(3, 5, 4)).toBe("Loyal");
    expect(rfmSegment(5, 2, 3)).toBe("Potential loyalist");
    expect(rfmSegment(3, 1, 2)).toBe("About to sleep");
  });

  it("scores customers as of a date", () => {
    const s = rfmScores([
      { recencyDays: 1, frequency: 10, monetary: 1000 },
      { recencyDays: 400, frequency: 1, monetary: 5 },
      { recencyDays: 50, frequency: 3, monetary: 100 },
      { recencyDays: 100, frequency: 2, monetary: 50 },
      { recencyDays: 200, frequency: 2, monetary: 20 },
    ]);
    expect(s[0]).toEqual({ r: 5, f: 5, m: 5, segment: "Champions" });
    expect(s[1]).toEqual({ r: 1, f: 1, m: 1, segment: "Lost" });
    expect(s[4]!.f).toBe(s[3]!.f); // tied frequency, tied score
  });
});

describe("lifecycle", () => {
  it("follows the documented rules", () => {
    expect(lifecycleStage(0, 30, 1)).toBe("exploration");
    expect(lifecycleStage(0, 200, 1)).toBe("decline");
    expect(lifecycleStage(2, 10, 0.9)).toBe("formation");
    expect(lifecycleStage(5, 10, 0.9)).toBe("stability");
    expect(lifecycleStage(5, 300, 0.2)).toBe("decline");
  });
});
