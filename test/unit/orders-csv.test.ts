import { describe, expect, it } from "vitest";
import { csvRecords, currencyExponent, parseOrderedAt, toMinorUnits, validateRecord } from "../../server/domain/orders/csv-import.ts";
import { canTransition, hasPassed } from "../../server/domain/orders/lifecycle.ts";

async function records(input: string, chunk: number) {
  async function* gen() {
    for (let i = 0; i < input.length; i += chunk) yield input.slice(i, i + chunk);
  }
  const out: [number, string[]][] = [];
  for await (const r of csvRecords(gen())) out.push([r.line, r.fields]);
  return out;
}

describe("CSV records", () => {
  it("parses quotes, escaped quotes, CRLF and line breaks inside quotes, whatever the chunking", async () => {
    const input = '\uFEFFa,b,c\r\n1,"x, y",3\n2,"multi\nline ""q""",4\n3,,\n';
    const expected = [
      [1, ["a", "b", "c"]],
      [2, ["1", "x, y", "3"]],
      [3, ["2", 'multi\nline "q"', "4"]],
      [5, ["3", "", ""]],
    ];
    for (const chunk of [1, 2, 7, 1000]) expect(await records(input, chunk)).toEqual(expected);
  });
});

describe("CSV fields", () => {
  it("converts totals to minor units by the currency's exponent, exactly", () => {
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("BHD")).toBe(3);
    expect(toMinorUnits("12.5", 2)).toBe(1250);
    expect(toMinorUnits("0.29", 2)).toBe(29);
    expect(toMinorUnits("1200", 0)).toBe(1200);
    expect(toMinorUnits("1200.00", 0)).toBe(1200);
    expect(toMinorUnits("1200.5", 0)).toBeNull();
    expect(toMinorUnits("1.234", 2)).toBeNull();
    expect(toMinorUnits("-1", 2)).toBeNull();
    expect(toMinorUnits("1e3", 2)).toBeNull();
  });

  it("reads ISO dates and date-times, UTC without an offset", () => {
    expect(parseOrderedAt("2024-03-01")?.toISOString()).toBe("2024-03-01T00:00:00.000Z");
    expect(parseOrderedAt("2024-03-01T10:00")?.toISOString()).toBe("2024-03-01T10:00:00.000Z");
    expect(parseOrderedAt("2024-03-01T10:00:00+08:00")?.toISOString()).toBe("2024-03-01T02:00:00.000Z");
    expect(parseOrderedAt("2024-03-01 10:00:00.5Z")?.toISOString()).toBe("2024-03-01T10:00:00.500Z");
    expect(parseOrderedAt("2023-02-29")).toBeNull();
    expect(parseOrderedAt("03/01/2024")).toBeNull();
    expect(parseOrderedAt("2024-13-01")).toBeNull();
  });

  it("validates a row and names every bad column", () => {
    const ok = validateRecord(2, ["c1", "Ann@Example.com", "Ann", "R-1", "2024-01-01", "usd", "9.99", "Paid"]);
    expect(ok).toEqual({ row: expect.objectContaining({ email: "ann@example.com", currency: "USD", totalMinor: 999, status: "paid" }) });
    const bad = validateRecord(3, ["", "nope", "", "", "tomorrow", "XXX", "1", "lost"]);
    expect("errors" in bad && bad.errors.map((e) => e.split(":")[0])).toEqual(["email", "order_number", "ordered_at", "currency", "status"]);
    expect(validateRecord(4, ["a", "b"])).toEqual({ errors: ["expected 8 columns, found 2"] });
  });
});

describe("order transitions", () => {
  it("moves forward only; cancelling or refunding from the right states", () => {
    expect(canTransition("PLACED", "PAID")).toBe(true);
    expect(canTransition("PAID", "SHIPPED")).toBe(true);
    expect(canTransition("SHIPPED", "DELIVERED")).toBe(true);
    expect(canTransition("DELIVERED", "REFUNDED")).toBe(true);
    expect(canTransition("PAID", "PAID")).toBe(true);
    expect(canTransition("PLACED", "SHIPPED")).toBe(false);
    expect(canTransition("SHIPPED", "PAID")).toBe(false);
    expect(canTransition("SHIPPED", "CANCELLED")).toBe(false);
    expect(canTransition("CANCELLED", "PAID")).toBe(false);
    expect(canTransition("REFUNDED", "DELIVERED")).toBe(false);
    const o = { status: "REFUNDED" as const, paidAt: new Date(), shippedAt: null, deliveredAt: null, cancelledAt: null };
    expect(hasPassed(o, "PAID")).toBe(true);
    expect(hasPassed(o, "SHIPPED")).toBe(false);
  });
});
