#!/usr/bin/env python3
"""Baseline for the BG/NBD + Gamma-Gamma fit row of `npm run bench` (issue #14).

Fits the same two log-likelihoods as server/domain/analytics (bgnbd.ts eq. 6 with the last term in
log-sum-exp form; gamma-gamma.ts with its Jacobian terms) with scipy.optimize.minimize, method
L-BFGS-B (the product uses L-BFGS with the same analytic gradients), in the same log-parameter
space, box [-15, 15], from the same first starting point and with the same stopping rules
(projected gradient <= 1e-9 |f(start)|, relative decrease per iteration <= 1e-13).

The likelihoods are numpy-vectorised over identical (x, t_x, T) summaries grouped with their
counts (as the product groups them), Gamma-Gamma over the repeat customers.

Input: a CSV with the header frequency,recency,T,monetary (one customer a row; written by
test/bench/analytics-fit.ts from its synthetic data set). Only the minimize() calls are timed
(reading and grouping are not). Each fit is repeated --repeat times; the median is reported.
Output: one JSON object on stdout.

Usage: python3 test/bench/bgnbd_scipy.py summaries.csv [--repeat 3]
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

BOUND = 15.0


def bgnbd_negll_grad(v, x, tx, T, n):
    r, alpha, a, b = np.exp(v)
    rx = r + x
    pos = x > 0
    ln_T = np.log(alpha + T)
    ln_tx = np.log(alpha + tx)
    a3 = -rx * ln_T
    bx1 = np.where(pos, b + x - 1, 1.0)
    a4 = np.where(pos, np.log(a) - np.log(bx1) - rx * ln_tx, -np.inf)
    last = np.logaddexp(a3, a4)
    w = np.exp(a4 - last)  # share of the "dropped out after t_x" branch; 0 when x = 0
    base = gammaln(rx) - gammaln(r) + r * np.log(alpha) + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    ll = np.sum(n * (base + last))
    psi_abx = digamma(a + b + x)
    g_r = np.sum(n * (digamma(rx) - digamma(r) + np.log(alpha) - (1 - w) * ln_T - w * ln_tx))
    g_alpha = np.sum(n * (r / alpha - rx * ((1 - w) / (alpha + T) + w / (alpha + tx))))
    g_a = np.sum(n * (digamma(a + b) - psi_abx + w / a))
    g_b = np.sum(n * (digamma(a + b) + digamma(b + x) - digamma(b) - psi_abx - np.where(pos, w / bx1, 0.0)))
    grad = np.array([r * g_r, alpha * g_alpha, a * g_a, b * g_b])
    return -ll, -grad


def gg_negll_grad(v, x, m):
    p, q, gamma = np.exp(v)
    px = p * x
    u = gamma + x * m
    ln_u = np.log(u)
    ln_m = np.log(m)
    ll = np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * ln_m + px * np.log(x) - (px + q) * ln_u)
    g_p = np.sum(x * (digamma(px + q) - digamma(px) + ln_m + np.log(x) - ln_u))
    g_q = np.sum(digamma(px + q) - digamma(q) + np.log(gamma) - ln_u)
    g_g = np.sum(q / gamma - (px + q) / u)
    return -ll, -np.array([p * g_p, q * g_q, gamma * g_g])


def fit(fun, start, args, repeat):
    times = []
    res = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        f0, _ = fun(start, *args)
        res = minimize(fun, start, args=args, jac=True, method="L-BFGS-B", bounds=[(-BOUND, BOUND)] * len(start),
                       options={"gtol": 1e-9 * abs(f0), "ftol": 1e-13, "maxiter": 500})
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return res, times


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    data = np.loadtxt(args[0], delimiter=",", skiprows=1, ndmin=2)
    freq, rec, T, mon = data[:, 0], data[:, 1], data[:, 2], data[:, 3]

    keys, counts = np.unique(np.stack([freq, rec, T], axis=1), axis=0, return_counts=True)
    gx, gtx, gT, gn = keys[:, 0], keys[:, 1], keys[:, 2], counts.astype(float)
    mean_T = max(np.sum(gn * gT) / np.sum(gn), 1e-3)
    bg_start = np.array([0.0, np.log(mean_T), 0.0, 0.0])
    bg, bg_times = fit(bgnbd_negll_grad, bg_start, (gx, gtx, gT, gn), repeat)

    keep = (freq >= 1) & (mon > 0)
    x, m = freq[keep], mon[keep]
    gg_start = np.array([0.0, 0.0, np.log(max(np.mean(m), 1e-6))])
    gg, gg_times = fit(gg_negll_grad, gg_start, (x, m), repeat)

    r, alpha, a, b = np.exp(bg.x)
    p, q, gamma = np.exp(gg.x)
    out = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "customers": int(len(freq)),
        "groups": int(len(gx)),
        "repeatCustomers": int(len(x)),
        "method": "L-BFGS-B (analytic gradient)",
        "repeat": repeat,
        "bgnbd": {"params": {"r": r, "alpha": alpha, "a": a, "b": b}, "logLikelihood": -bg.fun, "nit": int(bg.nit), "nfev": int(bg.nfev),
                  "success": bool(bg.success), "message": str(bg.message), "ms": bg_times[len(bg_times) // 2], "msAll": bg_times},
        "gammaGamma": {"params": {"p": p, "q": q, "gamma": gamma}, "logLikelihood": -gg.fun, "nit": int(gg.nit), "nfev": int(gg.nfev),
                       "success": bool(gg.success), "message": str(gg.message), "ms": gg_times[len(gg_times) // 2], "msAll": gg_times},
    }
    out["ms"] = out["bgnbd"]["ms"] + out["gammaGamma"]["ms"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
