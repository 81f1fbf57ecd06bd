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
