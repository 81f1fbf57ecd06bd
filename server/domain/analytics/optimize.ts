// Derivative-free and quasi-Newton minimisers for the maximum-likelihood fits. The models work in
// log-parameter space (every parameter is > 0), so these minimise over unconstrained R^n.

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Norm of the (numeric) gradient at x, after the polishing step. */
  gradientNorm: number;
  /** Coordinates that ended on the search box's wall (|x| = bound): the optimum lies beyond it. */
  atBound: number[];
  starts: number;
  method: string;
}

type Fn = (x: number[]) => number;

/** Guards a target so NaN / infinities become +Infinity (a wall the simplex steps back from). */
function safe(f: Fn): Fn {
  return (x) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
}

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Hard cap on function evaluations. */
  maxEvaluations?: number;
  /** Stop when the simplex's function values and its vertices agree to these tolerances. */
  fTol?: number;
  xTol?: number;
  step?: number;
}

/** Nelder–Mead with the standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½). */
export function nelderMead(f0: Fn, start: number[], opts: NelderMeadOptions = {}) {
  const f = safe(f0);
  const n = start.length;
  const maxIt = opts.maxIterations ?? 5000 * n;
  const fTol = opts.fTol ?? 1e-12;
  const xTol = opts.xTol ?? 1e-10;
  const step = opts.step ?? 0.5;
  const maxEval = opts.maxEvaluations ?? Infinity;
  let simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + step;
    simplex.push(p);
  }
  let values = simplex.map(f);
  let evaluations = n + 1;
  let it = 0;
  let converged = false;
  for (; it < maxIt && evaluations < maxEval; it++) {
    const order = values.map((v, i) => i).sort((i, j) => values[i]! - values[j]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const best = values[0]!;
    const worst = values[n]!;
    let size = 0;
    for (let i = 1; i <= n; i++) for (let k = 0; k < n; k++) size = Math.max(size, Math.abs(simplex[i]![k]! - simplex[0]![k]!));
    if (Math.abs(worst - best) <= fTol * (Math.abs(best) + 1e-30) + 1e-300 && size <= xTol) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) centroid[k]! += simplex[i]![k]! / n;
    const along = (t: number) => centroid.map((c, k) => c + t * (simplex[n]![k]! - c));
    const xr = along(-1);
    const fr = f(xr);
    evaluations++;
    if (fr < best) {
      const xe = along(-2);
      const fe = f(xe);
      evaluations++;
      if (fe < fr) {
        simplex[n] = xe;
        values[n] = fe;
      } else {
        simplex[n] = xr;
        values[n] = fr;
      }
    } else if (fr < values[n - 1]!) {
      simplex[n] = xr;
      values[n] = fr;
    } else {
      const outside = fr < worst;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = f(xc);
      evaluations++;
      if (fc < (outside ? fr : worst)) {
        simplex[n] = xc;
        values[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, k) => simplex[0]![k]! + 0.5 * (v - simplex[0]![k]!));
          values[i] = f(simplex[i]!);
          evaluations++;
        }
      }
    }
  }
  const bi = values.indexOf(Math.min(...values));
  return { x: simplex[bi]!, value: values[bi]!, iterations: it, evaluations, converged };
}

/** Central-difference gradient with a step scaled to each coordinate. */
export function numericGradient(f: Fn, x: number[], h = 1e-5): number[] {
  return x.map((xi, i) => {
    const step = h * Math.max(1, Math.abs(xi));
    const up = x.slice();
    const down = x.slice();
    up[i] = xi + step;
    down[i] = xi - step;
    return (f(up) - f(down)) / (2 * step);
  });
}

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** BFGS with a backtracking (Armijo) line search and numeric gradients. */
export function bfgs(f0: Fn, start: number[], opts: { maxIterations?: number; gTol?: number; maxLineSteps?: number } = {}) {
  const f = safe(f0);
  const n = start.length;
  const maxIt = opts.maxIterations ?? 200;
  const gTol = opts.gTol ?? 1e-8;
  let x = start.slice();
  let fx = f(x);
  let g = numericGradient(f, x);
  let H: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let it = 0;
  for (; it < maxIt && norm(g) > gTol; it++) {
    let d = H.map((row) => -dot(row, g));
    if (dot(d, g) >= 0) {
      // Not a descent direction: reset to steepest descent.
      H = H.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      d = g.map((v) => -v);
    }
    let t = 1;
    let xn = x;
    let fn = fx;
    let ok = false;
    for (let k = 0; k < (opts.maxLineSteps ?? 60); k++) {
      xn = x.map((v, i) => v + t * d[i]!);
      fn = f(xn);
      if (fn <= fx + 1e-4 * t * dot(g, d)) {
        ok = true;
        break;
      }
      t *= 0.5;
    }
    if (!ok) break;
    const gn = numericGradient(f, xn);
    const s = xn.map((v, i) => v - x[i]!);
    const y = gn.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    x = xn;
    const fPrev = fx;
    fx = fn;
    g = gn;
    if (sy > 1e-14) {
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      H = H.map((row, i) =>
        row.map((v, j) => v + ((sy + yHy) * s[i]! * s[j]!) / (sy * sy) - (Hy[i]! * s[j]! + s[i]! * Hy[j]!) / sy),
      );
    }
    if (Math.abs(fPrev - fx) <= 1e-15 * Math.abs(fx) && norm(s) < 1e-12) break;
  }
  return { x, value: fx, iterations: it, gradient: g };
}

/**
 * Minimise f from several starting points: Nelder–Mead (restarted from its own best point until
 * it stops improving), then BFGS polishing from the best result. The search stays inside the box
 * |x_i| ≤ bound (in log-parameter space: parameters between e^−bound and e^bound); when the
 * likelihood keeps rising towards a wall (e.g. BG/NBD's a, b → ∞ for a homogeneous dropout rate)
 * the answer is reported on the wall with converged = false. Converged means the simplex
 * collapsed, nothing is on a wall and the gradient is small relative to the scale of f.
 */
export function minimize(f0: Fn, starts: number[][], opts: { gradientTolerance?: number; bound?: number; maxEvaluations?: number } = {}): MinimizeResult {
  const bound = opts.bound ?? 15;
  const f: Fn = (x) => (x.every((v) => Math.abs(v) <= bound) ? f0(x) : Infinity);
  // Bounds the work on flat ridges; a well-posed fit needs a fraction of it (CDNOW: ~2 000).
  const budget = opts.maxEvaluations ?? 5_000;
  let best: { x: number[]; value: number } | null = null;
  let iterations = 0;
  let evaluations = 0;
  let nmConverged = false;
  const results: number[] = [];
  for (const s of starts) {
    // Two starts that agree are enough: skip the rest.
    if (results.length >= 2 && Math.abs(results[0]! - results[1]!) <= 1e-9 * Math.abs(results[0]!)) break;
    let x = s.map((v) => Math.max(-bound + 0.5, Math.min(bound - 0.5, v)));
    let prev = Infinity;
    for (let round = 0; round < 6 && evaluations < budget; round++) {
      const r = nelderMead(f, x, { step: round === 0 ? 0.5 : 0.1, maxIterations: 2000 * s.length, maxEvaluations: budget - evaluations });
      iterations += r.iterations;
      evaluations += r.evaluations;
      x = r.x;
      const improved = prev - r.value;
      prev = r.value;
      if (!best || r.value < best.value) {
        best = { x: r.x, value: r.value };
        nmConverged = r.converged;
      }
      if (round > 0 && improved <= 1e-10 * Math.abs(r.value)) break;
    }
    results.push(prev);
    // The likelihood rises towards a wall: a property of the data, not of the start.
    if (best && best.x.some((v) => Math.abs(v) >= bound - 0.01)) break;
  }
  if (!best || !Number.isFinite(best.value)) {
    return { x: starts[0]!, value: Infinity, iterations, evaluations, converged: false, gradientNorm: NaN, atBound: [], starts: results.length, method: "nelder-mead+bfgs" };
  }
  const polished = bfgs(f, best.x, { maxIterations: 60, maxLineSteps: 40 });
  iterations += polished.iterations;
  const final = polished.value <= best.value ? { x: polished.x, value: polished.value } : best;
  const atBound = final.x.map((v, i) => (Math.abs(v) >= bound - 0.01 ? i : -1)).filter((i) => i >= 0);
  const gradientNorm = norm(numericGradient(safe(f), final.x));
  const tol = opts.gradientTolerance ?? Math.max(1e-3, 1e-7 * Math.abs(final.value));
  return {
    x: final.x,
    value: final.value,
    iterations,
    evaluations,
    converged: nmConverged && atBound.length === 0 && Number.isFinite(gradientNorm) && gradientNorm <= tol,
    gradientNorm,
    atBound,
    starts: results.length,
    method: "nelder-mead+bfgs",
  };
}

/**
 * A target that returns its value and writes its gradient into `grad` (same length as x). Used by
 * the model fits, whose log-likelihoods have closed-form gradients (issue #14: analytic gradients
 * with L-BFGS need tens of evaluations where Nelder–Mead needed thousands).
 */
export type FnGrad = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsResult {
  x: number[];
  value: number;
  gradient: number[];
  iterations: number;
  evaluations: number;
  /** Largest projected gradient component (free coordinates, and wall coordinates pushed inwards). */
  projectedGradient: number;
  /** Why it stopped: "gradient" (small projected gradient), "value" (no relative progress), "iterations", "line-search". */
  stop: "gradient" | "value" | "iterations" | "line-search";
}

/**
 * L-BFGS on the box |x_i| ≤ bound (projected: a coordinate on a wall whose gradient pushes it
 * outwards is held there; steps are cut at the wall), with a backtracking Armijo line search
 * (quadratic interpolation) and m = 10 correction pairs. Stops when the projected gradient's
 * largest component is ≤ gTol, when an iteration improves f by less than fTol relative, or after
 * maxIterations.
 */
export function lbfgs(fg: FnGrad, start: number[], opts: { bound?: number; gTol?: number; fTol?: number; maxIterations?: number; memory?: number } = {}): LbfgsResult {
  const n = start.length;
  const bound = opts.bound ?? 15;
  const maxIt = opts.maxIterations ?? 500;
  const fTol = opts.fTol ?? 1e-13;
  const m = opts.memory ?? 10;
  let x = Float64Array.from(start, (v) => Math.max(-bound, Math.min(bound, v)));
  let g = new Float64Array(n);
  let evaluations = 1;
  let f = fg(x, g);
  const gTol = opts.gTol ?? 1e-9 * Math.max(1, Math.abs(f));
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  const xn = new Float64Array(n);
  let gn = new Float64Array(n);
  let stop: LbfgsResult["stop"] = "iterations";
  let it = 0;
  const projected = (xv: Float64Array, gv: Float64Array) => {
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const atLow = xv[i]! <= -bound && gv[i]! > 0;
      const atHigh = xv[i]! >= bound && gv[i]! < 0;
      free[i] = atLow || atHigh ? 0 : 1;
      if (free[i]) worst = Math.max(worst, Math.abs(gv[i]!));
    }
    return worst;
  };
  let pg = projected(x, g);
  if (!Number.isFinite(f)) return { x: [...x], value: Infinity, gradient: [...g], iterations: 0, evaluations, projectedGradient: NaN, stop: "line-search" };
  for (; it < maxIt; it++) {
    if (pg <= gTol) {
      stop = "gradient";
      break;
    }
    // Two-loop recursion on the free coordinates.
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i]! : 0;
    const k = S.length;
    const alpha = new Array<number>(k);
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += S[j]![i]! * d[i]!;
      a *= rho[j]!;
      alpha[j] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] = d[i]! - a * Y[j]![i]!;
    }
    if (k > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k - 1]![i]! * Y[k - 1]![i]!;
        yy += Y[k - 1]![i]! * Y[k - 1]![i]!;
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += Y[j]![i]! * d[i]!;
      b *= rho[j]!;
      for (let i = 0; i < n; i++) if (free[i]) d[i] = d[i]! + S[j]![i]! * (alpha[j]! - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) slope += g[i]! * d[i]!;
    if (!(slope < 0)) {
      // Not a descent direction (stale curvature pairs): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      slope = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -g[i]! : 0;
        slope += g[i]! * d[i]!;
      }
    }
    // First step (no curvature yet): at most 1 in log-parameter space.
    let t = 1;
    if (S.length === 0) {
      let dn = 0;
      for (let i = 0; i < n; i++) dn = Math.max(dn, Math.abs(d[i]!));
      if (dn > 1) t = 1 / dn;
    }
    // Stay inside the box: cut the step at the nearest wall.
    let tMax = Infinity;
    for (let i = 0; i < n; i++) {
      if (d[i]! > 0) tMax = Math.min(tMax, (bound - x[i]!) / d[i]!);
      else if (d[i]! < 0) tMax = Math.min(tMax, (-bound - x[i]!) / d[i]!);
    }
    t = Math.min(t, tMax);
    let fNew = Infinity;
    let ok = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xn[i] = Math.max(-bound, Math.min(bound, x[i]! + t * d[i]!));
      fNew = fg(xn, gn);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * t * slope) {
        ok = true;
        break;
      }
      // Quadratic interpolation of f along d, kept within [0.1 t, 0.5 t].
      const tq = Number.isFinite(fNew) ? (-slope * t * t) / (2 * (fNew - f - slope * t)) : 0.1 * t;
      t = Math.max(0.1 * t, Math.min(0.5 * t, tq));
    }
    if (!ok) {
      stop = "line-search";
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    let yy = 0;
    for (let i = 0; i < n; i++) yy += y[i]! * y[i]!;
    if (sy > 1e-12 * yy) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const fPrev = f;
    const swap = g;
    g = gn;
    gn = swap;
    x = Float64Array.from(xn);
    f = fNew;
    pg = projected(x, g);
    if (fPrev - f <= fTol * Math.max(1, Math.abs(f))) {
      it++;
      stop = pg <= gTol ? "gradient" : "value";
      break;
    }
  }
  return { x: [...x], value: f, gradient: [...g], iterations: it, evaluations, projectedGradient: pg, stop };
}

/**
 * minimize() for smooth targets with analytic gradients: L-BFGS (box |x_i| ≤ bound) from the first
 * start; the other starts are tried only when that run does not converge (a wall, or no small
 * gradient), and the best result is kept. `converged` has the meaning of minimize(): nothing on the
 * box's wall and gradient norm ≤ max(1e-3, 1e-7·|f|) (here the analytic gradient).
 */
export function minimizeSmooth(fg: FnGrad, starts: number[][], opts: { gradientTolerance?: number; bound?: number; maxIterations?: number } = {}): MinimizeResult {
  const bound = opts.bound ?? 15;
  let best: LbfgsResult | null = null;
  let iterations = 0;
  let evaluations = 0;
  let used = 0;
  const judge = (r: LbfgsResult) => {
    const atBound = r.x.map((v, i) => (Math.abs(v) >= bound - 0.01 ? i : -1)).filter((i) => i >= 0);
    const gradientNorm = norm(r.gradient);
    const tol = opts.gradientTolerance ?? Math.max(1e-3, 1e-7 * Math.abs(r.value));
    return { atBound, gradientNorm, converged: atBound.length === 0 && Number.isFinite(r.value) && Number.isFinite(gradientNorm) && gradientNorm <= tol };
  };
  for (const s of starts) {
    used++;
    const r = lbfgs(fg, s.map((v) => Math.max(-bound + 0.5, Math.min(bound - 0.5, v))), { bound, maxIterations: opts.maxIterations });
    iterations += r.iterations;
    evaluations += r.evaluations;
    if (!best || r.value < best.value) best = r;
    if (judge(best).converged) break;
  }
  const j = judge(best!);
  return {
    x: best!.x,
    value: best!.value,
    iterations,
    evaluations,
    converged: j.converged,
    gradientNorm: j.gradientNorm,
    atBound: j.atBound,
    starts: used,
    method: "l-bfgs (analytic gradient)",
  };
}
