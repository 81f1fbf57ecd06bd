// SLA business time: weekends, holidays, daylight-saving changes, multi-interval days, long spans,
// and the validation of the stored configuration.
import { describe, expect, it } from "vitest";
import { addBusinessMinutes, businessMinutesBetween, defaultSlaConfig, slaConfigProblems, type BusinessSchedule, type Weekday } from "../../server/domain/support/sla.ts";

const nineToFive = [{ start: "09:00", end: "17:00" }];
function schedule(timeZone: string, opts: { holidays?: string[]; weekly?: Partial<Record<Weekday, { start: string; end: string }[]>> } = {}): BusinessSchedule {
  return {
    timeZone,
    weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [], ...opts.weekly },
    holidays: opts.holidays ?? [],
  };
}
const utc = schedule("UTC");
const london = schedule("Europe/London");
const newYork = schedule("America/New_York");
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe("addBusinessMinutes", () => {
  it("counts within one business day", () => {
    expect(iso(addBusinessMinutes(at("2026-11-23T10:00:00Z"), 60, utc))).toBe("2026-11-23T11:00:00.000Z"); // Monday
  });

  it("returns the start unchanged for zero minutes, even outside hours", () => {
    expect(iso(addBusinessMinutes(at("2026-11-23T10:00:00Z"), 0, utc))).toBe("2026-11-23T10:00:00.000Z");
    expect(iso(addBusinessMinutes(at("2026-11-22T03:00:00Z"), 0, utc))).toBe("2026-11-22T03:00:00.000Z");
  });

  it("starts counting at the next opening when started outside hours", () => {
    expect(iso(addBusinessMinutes(at("2026-11-23T06:30:00Z"), 30, utc))).toBe("2026-11-23T09:30:00.000Z"); // before opening
    expect(iso(addBusinessMinutes(at("2026-11-23T18:00:00Z"), 30, utc))).toBe("2026-11-24T09:30:00.000Z"); // after closing
  });

  it("ends exactly at closing time when the target fills the day", () => {
    expect(iso(addBusinessMinutes(at("2026-11-23T09:00:00Z"), 480, utc))).toBe("2026-11-23T17:00:00.000Z");
  });

  it("skips the weekend", () => {
    // Friday 16:00 + 2 h = Monday 10:00
    expect(iso(addBusinessMinutes(at("2026-11-27T16:00:00Z"), 120, utc))).toBe("2026-11-30T10:00:00.000Z");
    // Saturday noon + 1 h = Monday 10:00
    expect(iso(addBusinessMinutes(at("2026-11-28T12:00:00Z"), 60, utc))).toBe("2026-11-30T10:00:00.000Z");
  });

  it("skips holidays (dates local to the schedule's zone)", () => {
    const xmas = schedule("UTC", { holidays: ["2026-12-25", "2026-12-28"] });
    // Thursday 24 Dec 16:00 + 2 h: Fri 25th and Mon 28th are holidays → Tuesday 29th 10:00
    expect(iso(addBusinessMinutes(at("2026-12-24T16:00:00Z"), 120, xmas))).toBe("2026-12-29T10:00:00.000Z");
    // A holiday in Shanghai is the Shanghai calendar day, not the UTC one.
    const sh = schedule("Asia/Shanghai", { holidays: ["2026-10-01"] });
    // Wed 30 Sep 16:30 CST (08:30Z) + 60 min → 30 min that day, then Fri 2 Oct 09:30 CST (01:30Z)
    expect(iso(addBusinessMinutes(at("2026-09-30T08:30:00Z"), 60, sh))).toBe("2026-10-02T01:30:00.000Z");
  });

  it("keeps local opening hours across the spring daylight-saving change (Europe/London)", () => {
    // Fri 27 Mar 2026 16:00 GMT; clocks go forward Sun 29 Mar. Monday 09:00 BST = 08:00Z.
    expect(iso(addBusinessMinutes(at("2026-03-27T16:00:00Z"), 120, london))).toBe("2026-03-30T09:00:00.000Z");
  });

  it("keeps local opening hours across the autumn daylight-saving change (America/New_York)", () => {
    // Fri 30 Oct 2026 16:00 EDT (20:00Z); clocks go back Sun 1 Nov. Monday 10:00 EST = 15:00Z.
    expect(iso(addBusinessMinutes(at("2026-10-30T20:00:00Z"), 120, newYork))).toBe("2026-11-02T15:00:00.000Z");
  });

  it("gives a round-the-clock day across a daylight-saving change its real length", () => {
    const sundays = schedule("Europe/London", { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sun: [{ start: "00:00", end: "24:00" }] } });
    // 29 Mar 2026 has 23 hours in London: 23 h from its start ends at its end (Mon 00:00 BST = Sun 23:00Z).
    expect(iso(addBusinessMinutes(at("2026-03-29T00:00:00Z"), 23 * 60, sundays))).toBe("2026-03-29T23:00:00.000Z");
    // 25 Oct 2026 has 25 hours: 24 h from its start is still that day (Sun 23:00 GMT).
    expect(iso(addBusinessMinutes(at("2026-10-24T23:00:00Z"), 24 * 60, sundays))).toBe("2026-10-25T23:00:00.000Z");
  });

  it("uses every interval of a day with a lunch break", () => {
    const split = schedule("UTC", { weekly: { mon: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }] } });
    // Monday 11:00 + 2 h = 1 h before lunch, 1 h after → 14:00
    expect(iso(addBusinessMinutes(at("2026-11-23T11:00:00Z"), 120, split))).toBe("2026-11-23T14:00:00.000Z");
    // Starting during lunch counts from 13:00
    expect(iso(addBusinessMinutes(at("2026-11-23T12:30:00Z"), 30, split))).toBe("2026-11-23T13:30:00.000Z");
  });

  it("handles long spans (five business weeks)", () => {
    // 120 business hours from Monday 09:00 = 15 business days → Friday of week 3, 17:00.
    expect(iso(addBusinessMinutes(at("2026-11-23T09:00:00Z"), 120 * 60, utc))).toBe("2026-12-11T17:00:00.000Z");
    // 25 working days = 200 h
    expect(iso(addBusinessMinutes(at("2026-11-23T09:00:00Z"), 200 * 60, utc))).toBe("2026-12-25T17:00:00.000Z");
  });

  it("refuses a schedule without any opening hours instead of looping", () => {
    const closed = schedule("UTC", { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [] } });
    expect(() => addBusinessMinutes(at("2026-11-23T09:00:00Z"), 60, closed)).toThrow(/no opening hours/);
  });
});

describe("businessMinutesBetween", () => {
  it("is zero for an empty or reversed range and outside hours", () => {
    expect(businessMinutesBetween(at("2026-11-23T10:00:00Z"), at("2026-11-23T10:00:00Z"), utc)).toBe(0);
    expect(businessMinutesBetween(at("2026-11-23T12:00:00Z"), at("2026-11-23T10:00:00Z"), utc)).toBe(0);
    expect(businessMinutesBetween(at("2026-11-28T09:00:00Z"), at("2026-11-29T18:00:00Z"), utc)).toBe(0); // weekend
  });

  it("counts only opening hours across nights and weekends", () => {
    // Friday 15:00 → Monday 11:00 = 2 h + 2 h
    expect(businessMinutesBetween(at("2026-11-27T15:00:00Z"), at("2026-11-30T11:00:00Z"), utc)).toBe(240);
    // A whole week
    expect(businessMinutesBetween(at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"), utc)).toBe(5 * 480);
  });

  it("leaves out holidays", () => {
    const h = schedule("UTC", { holidays: ["2026-11-24"] });
    expect(businessMinutesBetween(at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"), h)).toBe(4 * 480);
  });

  it("measures a week across a daylight-saving change in local hours", () => {
    // The London week around 29 Mar 2026 still has exactly 5 × 8 business hours.
    expect(businessMinutesBetween(at("2026-03-23T00:00:00Z"), at("2026-04-03T23:00:00Z"), london)).toBe(10 * 480);
    // Monday 30 Mar 09:00–17:00 BST is 08:00Z–16:00Z: a UTC-naive calculation would miss the first hour.
    expect(businessMinutesBetween(at("2026-03-30T08:00:00Z"), at("2026-03-30T09:00:00Z"), london)).toBe(60);
    expect(businessMinutesBetween(at("2026-03-30T16:00:00Z"), at("2026-03-30T17:00:00Z"), london)).toBe(0);
    // A round-the-clock schedule sees the 23-hour and 25-hour days.
    const always = schedule("America/New_York", { weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ start: "00:00", end: "24:00" }]])) });
    expect(businessMinutesBetween(at("2026-03-08T05:00:00Z"), at("2026-03-09T04:00:00Z"), always)).toBe(23 * 60); // 8 Mar 2026, spring forward
    expect(businessMinutesBetween(at("2026-11-01T04:00:00Z"), at("2026-11-02T05:00:00Z"), always)).toBe(25 * 60); // 1 Nov 2026, fall back
  });

  it("counts whole minutes (rounded), so the result fits an Int column", () => {
    expect(businessMinutesBetween(at("2026-11-23T10:00:00Z"), at("2026-11-23T10:00:29Z"), utc)).toBe(0);
    expect(businessMinutesBetween(at("2026-11-23T10:00:00Z"), at("2026-11-23T10:01:31Z"), utc)).toBe(2);
    expect(Number.isInteger(businessMinutesBetween(at("2026-11-23T10:00:00.123Z"), at("2026-11-27T16:59:59.987Z"), london))).toBe(true);
  });

  it("is the inverse of addBusinessMinutes", () => {
    const from = at("2026-03-26T14:17:00Z");
    for (const minutes of [1, 59, 480, 1000, 4321]) {
      const due = addBusinessMinutes(from, minutes, london);
      expect(businessMinutesBetween(from, due, london)).toBe(minutes);
    }
  });

  it("treats an opening time inside the spring-forward gap as the moment clocks reach it", () => {
    const gap = schedule("Europe/London", { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sun: [{ start: "01:30", end: "03:00" }] } });
    // On 29 Mar 2026 London jumps from 01:00 GMT to 02:00 BST: 01:30 does not exist and is read as
    // 02:30 BST (01:30Z, shifted by the gap), so 02:30–03:00 BST counts: 30 minutes.
    expect(businessMinutesBetween(at("2026-03-29T00:00:00Z"), at("2026-03-30T00:00:00Z"), gap)).toBe(30);
  });
});

describe("SLA configuration", () => {
  it("accepts the defaults", () => {
    expect(slaConfigProblems(defaultSlaConfig())).toMatchObject({ fieldErrors: {} });
    expect(defaultSlaConfig().policies.URGENT).toEqual({ firstResponseMinutes: 60, resolutionMinutes: 480 });
  });

  it("names the field of each problem", () => {
    const c = defaultSlaConfig();
    c.schedule.timeZone = "Mars/Olympus";
    c.schedule.weekly.mon = [{ start: "17:00", end: "09:00" }];
    c.schedule.weekly.tue = [{ start: "09:00", end: "13:00" }, { start: "12:00", end: "17:00" }];
    c.schedule.holidays = ["2026-02-30"];
    c.policies.HIGH = { firstResponseMinutes: 600, resolutionMinutes: 60 };
    const { config, fieldErrors } = slaConfigProblems(c);
    expect(config).toBeNull();
    expect(fieldErrors).toEqual({
      timeZone: { key: "sla.errUnknownZone", params: { zone: "Mars/Olympus" } },
      "hours.mon": { key: "sla.errEndBeforeStart", params: { start: "17:00", end: "09:00" } },
      "hours.tue": "sla.errOverlap",
      holidays: { key: "sla.errHolidayDate", params: { date: "2026-02-30" } },
      "HIGH.resolutionMinutes": "sla.errResolutionBeforeResponse",
    });
  });

  it("rejects malformed times, targets and an empty week", () => {
    const c = defaultSlaConfig() as unknown as { schedule: { weekly: Record<string, unknown> }; policies: Record<string, Record<string, unknown>> };
    c.schedule.weekly.wed = [{ start: "9am", end: "17:00" }];
    c.policies.LOW!.firstResponseMinutes = Number.NaN;
    c.policies.NORMAL!.resolutionMinutes = 0;
    expect(slaConfigProblems(c).fieldErrors).toEqual({ "hours.wed": "sla.errTime", "LOW.firstResponseMinutes": "sla.errTarget", "NORMAL.resolutionMinutes": "sla.errTarget" });
    const closed = defaultSlaConfig();
    for (const d of ["mon", "tue", "wed", "thu", "fri"] as const) closed.schedule.weekly[d] = [];
    expect(slaConfigProblems(closed).fieldErrors).toEqual({ "hours.mon": "sla.errNoHours" });
    expect(slaConfigProblems({}).config).toBeNull();
  });
});
