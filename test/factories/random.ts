// Deterministic randomness and unique values for the factories and the demo seed.
//
// A FactoryContext bundles a seedable PRNG (mulberry32), a "now" that all generated timestamps
// stay at or before, and a counter for unique emails / order numbers. Factories take an optional
// context as their last argument; without one they use the process-wide default context, which
// is seeded randomly (and uses a random tag in emails) so that tests sharing one database can call
// factories again and again without unique-constraint collisions. Call `seedFactories(seed)` for
// a reproducible sequence (then run against a fresh database, e.g. the demo seed does this).

/** mulberry32: a tiny, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  /** Float in [0, 1). */
  float(): number {
    return this.next();
  }
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick: empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Pick by weight: `weighted([["a", 3], ["b", 1]])` returns "a" three times as often. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
  /** Up to `n` distinct items, in random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }
  /** A Date uniformly between `from` and `to`. */
  dateBetween(from: Date, to: Date): Date {
    const a = from.getTime();
    const b = Math.max(a, to.getTime());
    return new Date(a + Math.floor(this.next() * (b - a)));
  }
  /** Lowercase base-36 string of the given length. */
  token(length: number): string {
    let s = "";
    while (s.length < length) s += Math.floor(this.next() * 36).toString(36);
    return s;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function addMs(d: Date, ms: number): Date {
  return new Date(d.getTime() + ms);
}
export function minDate(...dates: Date[]): Date {
  return new Date(Math.min(...dates.map((d) => d.getTime())));
}
export function maxDate(...dates: Date[]): Date {
  return new Date(Math.max(...dates.map((d) => d.getTime())));
}

export interface FactoryContextOptions {
  /** Seed for the PRNG. Omit for a random seed (and a random tag in generated emails). */
  seed?: number;
  /** Generated timestamps never go past this. Default: the real clock at each call. */
  now?: Date;
  /** First order number (R-<n>). Default 100000 when seeded, a random 7-9 digit base otherwise. */
  orderNumberStart?: number;
}

export class FactoryContext {
  readonly rng: Rng;
  /** Goes into generated emails: stable for a seeded context, random otherwise. */
  readonly tag: string;
  readonly seeded: boolean;
  private counter = 0;
  private orderCounter: number;
  private readonly fixedNow: Date | undefined;

  constructor(opts: FactoryContextOptions = {}) {
    this.seeded = opts.seed !== undefined;
    const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.rng = new Rng(seed);
    this.tag = this.seeded ? `s${(seed >>> 0).toString(36)}` : new Rng(seed ^ 0x5bd1e995).token(6);
    this.fixedNow = opts.now;
    this.orderCounter = opts.orderNumberStart ?? (this.seeded ? 100_000 : 1_000_000 + Math.floor(Math.random() * 899_000) * 1000);
  }

  get now(): Date {
    return this.fixedNow ? new Date(this.fixedNow) : new Date();
  }
  /** 1, 2, 3, ... (per context). */
  seq(): number {
    return ++this.counter;
  }
  /** A string unique to this context and, for unseeded contexts, practically unique across runs. */
  unique(prefix = ""): string {
    return `${prefix}${this.tag}-${this.seq()}`;
  }
  uniqueEmail(localPart = "user", domain = "test.rapport.test"): string {
    return `${localPart}-${this.unique()}@${domain}`.toLowerCase();
  }
  nextOrderNumber(): string {
    return `R-${++this.orderCounter}`;
  }
}

let current: FactoryContext | undefined;

/** The process-wide default context (random seed unless seedFactories() was called). */
export function factoryContext(): FactoryContext {
  current ??= new FactoryContext();
  return current;
}

/** Replace the default context with a seeded one (reproducible values). Returns it. */
export function seedFactories(seed: number, opts: Omit<FactoryContextOptions, "seed"> = {}): FactoryContext {
  current = new FactoryContext({ ...opts, seed });
  return current;
}

/** Back to a fresh, randomly seeded default context. */
export function resetFactories(): FactoryContext {
  current = new FactoryContext();
  return current;
}
