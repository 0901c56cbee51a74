"""One CLV fit as a whole process: ``python -m bench.clv.fit [--customers N] [--seed S]``.

Simulates customers from the BG/NBD and Gamma-Gamma generative processes with known
parameters (seeded), fits both models with :mod:`openkam.analytics.clv` and prints one JSON
line: the seconds of each step, the fitted and true parameters, the log-likelihoods and, for
judging the recovery, the standard error of each fitted log-parameter (from the observed
information, the inverse Hessian of the negative log-likelihood at the optimum).
"""

from __future__ import annotations

import argparse
import json
import time

_started = time.perf_counter()

import numpy as np  # noqa: E402 (the imports are part of the process measured)

from openkam.analytics import clv  # noqa: E402

# Fader, Hardie & Lee (2005) and Fader & Hardie (2013) on CDNOW, in weeks: realistic values.
TRUE_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
# Customers arrive evenly over one year and are observed until the end of the second.
FIRST_WEEK, LAST_WEEK = 52.0, 104.0


def simulate(customers: int, seed: int) -> dict[str, np.ndarray]:
    """RFM summaries drawn from the models' generative processes (continuous time, weeks).

    BG/NBD: purchase rate ``lambda ~ Gamma(r, 1/alpha)``, drop-out probability ``p ~ Beta(a, b)``;
    while alive a customer buys as a Poisson process and may drop out right after each repeat
    purchase. Gamma-Gamma: ``nu ~ Gamma(q, 1/v)``, each repeat purchase is worth
    ``Gamma(p, 1/nu)``, so the mean of ``x`` of them is ``Gamma(x p, 1/nu) / x``.
    """
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUE_BGNBD.values()
    rate = rng.gamma(r, 1 / alpha, customers)
    dropout = rng.beta(a, b, customers)
    age = FIRST_WEEK + (LAST_WEEK - FIRST_WEEK) * rng.random(customers)
    x, t_x, now = np.zeros(customers), np.zeros(customers), np.zeros(customers)
    alive = np.ones(customers, dtype=bool)
    while alive.any():
        now[alive] += rng.exponential(1 / rate[alive])
        alive &= now <= age
        x[alive] += 1
        t_x[alive] = now[alive]
        alive &= rng.random(customers) >= dropout
    p, q, v = TRUE_GAMMA_GAMMA.values()
    nu = rng.gamma(q, 1 / v, customers)
    repeat = x > 0
    value = np.zeros(customers)
    value[repeat] = rng.gamma(x[repeat] * p, 1 / nu[repeat]) / x[repeat]
    return {"frequency": x, "recency": t_x, "T": age, "monetary_value": value}


def standard_errors(function, log_params: np.ndarray, args: tuple) -> np.ndarray:
    """Standard errors of the log-parameters: the inverse Hessian of the total negative
    log-likelihood, by central differences of its analytic gradient."""
    n = len(log_params)
    hessian = np.empty((n, n))
    for j in range(n):
        step = np.zeros(n)
        step[j] = 1e-5
        hessian[:, j] = (function(log_params + step, *args)[1] - function(log_params - step, *args)[1]) / 2e-5
    hessian = (hessian + hessian.T) / 2
    return np.sqrt(np.diag(np.linalg.inv(hessian)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    imported = time.perf_counter()

    data = simulate(args.customers, args.seed)
    simulated = time.perf_counter()
    bgnbd = clv.fit_bgnbd(data["frequency"], data["recency"], data["T"])
    fitted_bgnbd = time.perf_counter()
    gamma_gamma = clv.fit_gamma_gamma(data["frequency"], data["monetary_value"])
    fitted = time.perf_counter()

    # Not part of the fit: the uncertainty of the estimates, to judge whether they recover the truth.
    x, t_x, age = data["frequency"], data["recency"], data["T"]
    ones = np.ones(len(x))
    se_bgnbd = standard_errors(
        clv._bgnbd_negll_and_grad,
        np.log(list(bgnbd.params.values())),
        (x, np.where(x > 0, t_x, 0.0), age, ones, 1.0),
    )
    repeat = x > 0
    se_gg = standard_errors(
        clv._gg_negll_and_grad,
        np.log(list(gamma_gamma.params.values())),
        (x[repeat], data["monetary_value"][repeat], ones[repeat], 1.0),
    )
    parameters = {}
    for fit, truth, errors in ((bgnbd, TRUE_BGNBD, se_bgnbd), (gamma_gamma, TRUE_GAMMA_GAMMA, se_gg)):
        for (name, value), se in zip(fit.params.items(), errors, strict=True):
            parameters[name] = {
                "true": truth[name],
                "fitted": value,
                "relative_error": value / truth[name] - 1,
                "se_log": float(se),
                "z": float((np.log(value) - np.log(truth[name])) / se),
            }
    print(
        json.dumps(
            {
                "customers": args.customers,
                "seed": args.seed,
                "repeat_buyers": int(repeat.sum()),
                "timings": {
                    "imports": imported - _started,
                    "simulate": simulated - imported,
                    "fit_bgnbd": fitted_bgnbd - simulated,
                    "fit_gamma_gamma": fitted - fitted_bgnbd,
                    "fit": fitted - simulated,
                },
                "bgnbd": {
                    "log_likelihood": bgnbd.log_likelihood,
                    "converged": bgnbd.converged,
                    "iterations": bgnbd.iterations,
                    "method": bgnbd.method,
                },
                "gamma_gamma": {
                    "log_likelihood": gamma_gamma.log_likelihood,
                    "converged": gamma_gamma.converged,
                    "iterations": gamma_gamma.iterations,
                    "method": gamma_gamma.method,
                    "frequency_value_correlation": gamma_gamma.frequency_value_correlation,
                },
                "parameters": parameters,
            }
        )
    )


if __name__ == "__main__":
    main()
