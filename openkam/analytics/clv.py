"""Customer lifetime value: BG/NBD purchase model and Gamma-Gamma spend model.

Implemented on NumPy/SciPy only (no Django, no third-party CLV library):

- BG/NBD: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative
  to the Pareto/NBD Model", Marketing Science 24(2). While alive, a customer buys as a Poisson
  process with rate ``lambda ~ Gamma(r, alpha)``; after every purchase the customer becomes
  inactive with probability ``p ~ Beta(a, b)``.
- Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value". The value
  of each transaction is ``Gamma(p, nu)``, ``nu ~ Gamma(q, v)`` across customers. It assumes
  that spend per transaction is independent of purchase frequency (check
  :attr:`GammaGammaFit.frequency_value_correlation`).

Inputs follow the usual "RFM" summary (see :func:`rfm_summary`):

- ``frequency`` ``x``: number of *repeat* purchase periods (the first purchase is not counted);
- ``recency`` ``t_x``: time between the first and the last purchase (0 when ``x == 0``);
- ``T``: time between the first purchase and the end of the observation period;
- ``monetary_value``: mean value of the repeat purchase periods (0 when ``x == 0``).

All times are in one unit (days or weeks), the unit of the summary the models are fitted on.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import optimize, special

__all__ = [
    "DAYS_PER_MONTH",
    "BGNBDFit",
    "GammaGammaFit",
    "customer_lifetime_value",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "probability_alive",
    "rfm_summary",
]

TimeUnit = Literal["D", "W"]

#: Mean length of a calendar month in days (365.25 / 12), used to convert the CLV horizon.
DAYS_PER_MONTH = 365.25 / 12
_DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}
_EPOCH = dt.date(1970, 1, 1)
# Bounds of the log-parameters during optimisation: parameters stay within [e^-20, e^20].
_LOG_BOUND = 20.0


# ---------------------------------------------------------------------------------------------
# RFM summary
# ---------------------------------------------------------------------------------------------


def rfm_summary(
    transactions: Any,
    *,
    customer_col: str,
    date_col: str,
    value_col: str,
    observation_end: dt.date,
    time_unit: TimeUnit = "W",
) -> pa.Table:
    """Summarise a transaction log into frequency, recency, T and monetary value per customer.

    ``transactions`` is a :class:`pyarrow.Table`, or anything :func:`pyarrow.table` accepts
    (a pandas DataFrame, a dict of columns). ``date_col`` holds dates or timestamps; a timestamp
    counts on its (local, for time-zone aware columns) calendar date. Transactions after
    ``observation_end`` are ignored, so the summary is "as of" that date (a ``datetime`` is
    reduced to its date).

    Transactions are aggregated per period: per calendar day (``time_unit="D"``) or per
    ISO calendar week, Monday to Sunday (``"W"``); several purchases in one period count as one
    purchase whose value is their sum. Per customer, in periods:

    - ``frequency``: number of periods with a purchase, minus one (the first purchase);
    - ``recency``: last purchase period minus first purchase period;
    - ``T``: period of ``observation_end`` minus first purchase period;
    - ``monetary_value``: mean value of the repeat purchase periods, the first one excluded;
      0.0 for customers with ``frequency == 0``.

    Returns a table sorted by customer with the columns ``customer_col``, ``frequency``
    (int64), ``recency``, ``T`` and ``monetary_value`` (float64). Customers whose first
    purchase is after ``observation_end`` do not appear.

    Raises ``ValueError`` for a missing column, null customers/dates/values, a non-temporal
    date column, negative values, or an unknown ``time_unit``; ``TypeError`` when
    ``transactions`` cannot be read as a table.
    """
    if time_unit not in _DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'D' or 'W', not {time_unit!r}")
    table = transactions if isinstance(transactions, pa.Table) else pa.table(transactions)
    for col in (customer_col, date_col, value_col):
        if col not in table.column_names:
            raise ValueError(f"transactions have no column {col!r} (columns: {table.column_names})")
        if table.column(col).null_count:
            raise ValueError(f"column {col!r} contains nulls")
    if isinstance(observation_end, dt.datetime):
        observation_end = observation_end.date()
    if not isinstance(observation_end, dt.date):
        raise ValueError(f"observation_end must be a date, not {type(observation_end).__name__}")

    dates = table.column(date_col)
    if pa.types.is_timestamp(dates.type):
        dates = pc.cast(dates, pa.date32(), safe=False)
    elif pa.types.is_date(dates.type):
        dates = pc.cast(dates, pa.date32())
    else:
        raise ValueError(f"column {date_col!r} must hold dates or timestamps, not {dates.type}")
    days = pc.cast(dates, pa.int32()).to_numpy().astype(np.int64)
    values = pc.cast(table.column(value_col), pa.float64()).to_numpy()
    if not np.all(np.isfinite(values)):
        raise ValueError(f"column {value_col!r} contains non-finite values")
    if np.any(values < 0):
        raise ValueError(f"column {value_col!r} contains negative values (returns are not supported)")

    end_day = (observation_end - _EPOCH).days
    keep = days <= end_day
    periods = _period_index(days[keep], time_unit)
    end_period = int(_period_index(np.array([end_day]), time_unit)[0])

    per_period = (
        pa.table(
            {
                "customer": table.column(customer_col).filter(pa.array(keep)),
                "period": pa.array(periods),
                "value": pa.array(values[keep]),
            }
        )
        .group_by(["customer", "period"])
        .aggregate([("value", "sum")])
        .sort_by([("customer", "ascending"), ("period", "ascending")])
    )
    n_rows = per_period.num_rows
    customers = per_period.column("customer")
    period = per_period.column("period").to_numpy()
    value = per_period.column("value_sum").to_numpy()
    if n_rows:
        new_customer = np.ones(n_rows, dtype=bool)
        if n_rows > 1:
            new_customer[1:] = ~pc.equal(customers[1:], customers[:-1]).to_numpy(zero_copy_only=False)
        starts = np.flatnonzero(new_customer)
    else:
        starts = np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], n_rows).astype(np.int64) - 1 if n_rows else starts
    frequency = (ends - starts).astype(np.int64)
    first = period[starts]
    recency = (period[ends] - first).astype(np.float64)
    age = (end_period - first).astype(np.float64)
    repeat_total = np.add.reduceat(value, starts) - value[starts] if n_rows else np.zeros(0)
    monetary = np.divide(repeat_total, frequency, out=np.zeros(len(starts)), where=frequency > 0)
    return pa.table(
        {
            customer_col: customers.take(pa.array(starts)),
            "frequency": pa.array(frequency, pa.int64()),
            "recency": pa.array(recency),
            "T": pa.array(age),
            "monetary_value": pa.array(monetary),
        }
    )


def _period_index(days: np.ndarray, time_unit: str) -> np.ndarray:
    """Day numbers (since 1970-01-01) to period numbers; weeks start on Monday (ISO)."""
    if time_unit == "D":
        return days.astype(np.int64)
    # 1970-01-01 was a Thursday: day -3 (1969-12-29) is the Monday starting week 0.
    return np.floor_divide(days.astype(np.int64) + 3, 7)


# ---------------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------------


def _as_1d(name: str, values: Any) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr < 0):
        raise ValueError(f"{name} contains negative values")
    return arr


def _check_rfm(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _as_1d("frequency", frequency)
    t_x = _as_1d("recency", recency)
    age = _as_1d("T", T)
    if not (len(x) == len(t_x) == len(age)):
        raise ValueError("frequency, recency and T must have the same length")
    if np.any(x != np.round(x)):
        raise ValueError("frequency must hold whole numbers (counts of repeat purchase periods)")
    if np.any(t_x > age):
        n = int(np.sum(t_x > age))
        raise ValueError(f"recency is greater than T for {n} customer(s); recency must be <= T")
    # Recency is undefined without a repeat purchase; by convention it is 0 there.
    t_x = np.where(x > 0, t_x, 0.0)
    return x, t_x, age


# ---------------------------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD model: parameters, log-likelihood and optimiser diagnostics.

    ``r``/``alpha``: shape/rate of the Gamma distribution of purchase rates (time unit of the
    data); ``a``/``b``: Beta distribution of the drop-out probability after a purchase.
    ``log_likelihood`` is the full log-likelihood of Fader, Hardie & Lee (2005), eq. (6),
    summed over customers, directly comparable with published values.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool
    method: str
    iterations: int
    message: str

    @property
    def params(self) -> dict[str, float]:
        """The four parameters by name, for display."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """See :func:`probability_alive`."""
        return probability_alive(self, frequency, recency, T)

    def expected_purchases(self, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """See :func:`expected_purchases`."""
        return expected_purchases(self, t, frequency, recency, T)


def _bgnbd_terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, age: np.ndarray):
    r, alpha, a, b = np.exp(log_params)
    has_repeat = x > 0
    log_alpha_T = np.log(alpha + age)
    log_alpha_tx = np.log(alpha + t_x)
    # ln A1 + ln A2: gamma and beta functions in log form.
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    base += special.betaln(a, b + x) - special.betaln(a, b)
    # ln(A3 + delta * A4) computed as a log-sum-exp: no overflow/underflow for large x or T.
    l3 = -(r + x) * log_alpha_T
    bx1 = np.where(has_repeat, b + x - 1.0, 1.0)
    l4 = np.where(has_repeat, np.log(a) - np.log(bx1) - (r + x) * log_alpha_tx, -np.inf)
    lse = np.logaddexp(l3, l4)
    return r, alpha, a, b, base + lse, l4 - lse, log_alpha_T, log_alpha_tx, bx1


def _bgnbd_negll_and_grad(
    log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray, scale: float
) -> tuple[float, np.ndarray]:
    r, alpha, a, b, ll, log_w, log_alpha_T, log_alpha_tx, bx1 = _bgnbd_terms(log_params, x, t_x, age)
    w = np.exp(log_w)  # share of the "dropped out after the last purchase" branch, 0 for x == 0
    one_w = 1.0 - w
    d_r = special.digamma(r + x) - special.digamma(r) + np.log(alpha) - one_w * log_alpha_T - w * log_alpha_tx
    d_alpha = r / alpha - (r + x) * (one_w / (alpha + age) + w / (alpha + t_x))
    dg_abx = special.digamma(a + b + x)
    dg_ab = special.digamma(a + b)
    d_a = dg_ab - dg_abx + w / a
    d_b = special.digamma(b + x) - dg_abx - special.digamma(b) + dg_ab - w / bx1
    grad = np.array([weights @ d_r * r, weights @ d_alpha * alpha, weights @ d_a * a, weights @ d_b * b])
    return -float(weights @ ll) / scale, -grad / scale


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Unique rows with counts: customers with identical summaries share one likelihood term."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    if len(unique) > 0.8 * len(stacked):  # not worth it (continuous times)
        return list(columns), np.ones(len(stacked))
    return [unique[:, i].copy() for i in range(unique.shape[1])], counts.astype(np.float64)


def _minimise(fun, x0: np.ndarray, args: tuple) -> tuple[optimize.OptimizeResult, str]:
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(x0)
    result = optimize.minimize(
        fun,
        x0,
        args=args,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-13},
    )
    if result.success and np.all(np.isfinite(result.x)):
        return result, "L-BFGS-B"
    # Fallback: derivative-free, started from the L-BFGS-B point when that one is usable.
    start = result.x if np.all(np.isfinite(result.x)) and np.isfinite(result.fun) else x0
    fallback = optimize.minimize(
        lambda p, *a: fun(p, *a)[0],
        np.clip(start, -_LOG_BOUND, _LOG_BOUND),
        args=args,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxiter": 20000, "xatol": 1e-10, "fatol": 1e-12},
    )
    return fallback, "Nelder-Mead"


def _outcome(result, method: str) -> dict[str, Any]:
    """Convergence fields shared by both fits. A log-parameter at its bound means the optimum
    lies outside the searched range, so such a fit is not reported as converged."""
    at_bound = bool(np.any(np.abs(result.x) >= _LOG_BOUND - 1e-6))
    return {
        "converged": bool(result.success) and not at_bound,
        "method": method,
        "iterations": int(result.nit),
        "message": str(result.message) + ("; a parameter is at its bound" if at_bound else ""),
    }


def fit_bgnbd(frequency: Any, recency: Any, T: Any) -> BGNBDFit:
    """Fit the BG/NBD model by maximum likelihood.

    Maximises the log-likelihood of Fader, Hardie & Lee (2005), eq. (6), over
    ``(log r, log alpha, log a, log b)`` with L-BFGS-B and the analytic gradient (falling back
    to Nelder-Mead if L-BFGS-B reports failure). Starting values: ``r = a = b = 1`` and
    ``alpha = 1 / mean purchase rate``. Log-parameters are bounded to ``[-20, 20]``; a
    parameter at a bound means the data do not identify it (see ``converged``/``message``).

    Assumes ``frequency`` counts repeat purchase periods (whole numbers), ``0 <= recency <= T``
    and one time unit for ``recency`` and ``T``; ``recency`` is ignored where ``frequency == 0``.

    Raises ``ValueError`` for empty, non-finite, negative or non-integer frequencies, arrays of
    different length, or ``recency > T``.
    """
    x, t_x, age = _check_rfm(frequency, recency, T)
    n = len(x)
    if n == 0:
        raise ValueError("cannot fit the BG/NBD model on zero customers")
    if np.all(age == 0):
        raise ValueError("all customers have T == 0: there is no observation time to fit on")
    (cx, ct_x, cage), weights = _compress(x, t_x, age)
    rate = max(float(x.sum()) / float(age.sum()), 1e-6)
    x0 = np.log(np.array([1.0, 1.0 / rate, 1.0, 1.0]))
    x0 = np.clip(x0, -_LOG_BOUND + 1, _LOG_BOUND - 1)
    result, method = _minimise(_bgnbd_negll_and_grad, x0, (cx, ct_x, cage, weights, float(n)))
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    ll = float(weights @ _bgnbd_terms(result.x, cx, ct_x, cage)[4])
    return BGNBDFit(r=r, alpha=alpha, a=a, b=b, log_likelihood=ll, n_customers=n, **_outcome(result, method))


def probability_alive(fit: BGNBDFit, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T) under the BG/NBD model (FHL 2005, eq. (A2)).

    ``1 / (1 + [x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))``,
    computed as a logistic function of the log-ratio (stable for large ``x``). Equals 1 for
    customers without repeat purchases (the model lets customers drop out only right after a
    purchase). Raises ``ValueError`` for invalid inputs as :func:`fit_bgnbd`.
    """
    x, t_x, age = _check_rfm(frequency, recency, T)
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    has_repeat = x > 0
    bx1 = np.where(has_repeat, b + x - 1.0, 1.0)
    log_ratio = np.log(a) - np.log(bx1) + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
    return np.where(has_repeat, special.expit(-log_ratio), 1.0)


def expected_purchases(fit: BGNBDFit, t: float, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Expected number of purchases in the next ``t`` periods, E[Y(t) | x, t_x, T] (FHL 2005, eq. (10)).

    ``(a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))**(r+x) * 2F1(r+x, b+x; a+b+x-1; z)]
    * P(alive)``, ``z = t / (alpha+T+t)``. The hypergeometric term uses Euler's transformation
    ``(1-z)**(r+x) * 2F1(r+x, b+x; c; z) = (1-z)**(a-1) * 2F1(a+b-1-r, a-1; c; z)``, whose
    parameters do not grow with ``x`` (stable for heavy buyers). ``a == 1`` is a removable
    singularity, evaluated at ``a = 1 + 1e-7``. ``t`` is in the time unit of the data.

    Raises ``ValueError`` for negative or non-finite ``t`` and for invalid inputs as
    :func:`fit_bgnbd`.
    """
    if not (math.isfinite(t) and t >= 0):
        raise ValueError(f"t must be a finite number >= 0, not {t!r}")
    x, t_x, age = _check_rfm(frequency, recency, T)
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    if abs(a - 1.0) < 1e-7:
        a = 1.0 + 1e-7
    c = a + b + x - 1.0
    z = t / (alpha + age + t)
    tail = np.power(1.0 - z, a - 1.0) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
    expected_if_alive = c / (a - 1.0) * (1.0 - tail)
    return expected_if_alive * probability_alive(fit, x, t_x, age)


# ---------------------------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma spend model (Fader & Hardie 2013).

    Transaction values are ``Gamma(p, nu)`` per customer and ``nu ~ Gamma(q, v)``. The mean
    spend in the population is ``p * v / (q - 1)`` (finite only for ``q > 1``).
    ``log_likelihood`` is that of the observed per-customer *mean* values (the density of the
    mean of ``x`` Gamma values), summed over the customers used. ``frequency_value_correlation``
    is the Pearson correlation of frequency and mean value in the data: the model assumes it
    is close to 0.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int
    converged: bool
    method: str
    iterations: int
    message: str
    frequency_value_correlation: float = field(default=float("nan"))

    @property
    def params(self) -> dict[str, float]:
        """The three parameters by name, for display."""
        return {"p": self.p, "q": self.q, "v": self.v}

    @property
    def population_mean_value(self) -> float:
        """Mean transaction value in the population, ``p v / (q - 1)``; ``inf`` if ``q <= 1``."""
        return self.p * self.v / (self.q - 1.0) if self.q > 1.0 else math.inf

    def expected_average_value(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """See :func:`expected_average_value`."""
        return expected_average_value(self, frequency, monetary_value)


def _gg_terms(log_params: np.ndarray, x: np.ndarray, m: np.ndarray):
    p, q, v = np.exp(log_params)
    px = p * x
    log_v_xm = np.log(v + x * m)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_v_xm
    )
    return p, q, v, px, log_v_xm, ll


def _gg_negll_and_grad(
    log_params: np.ndarray, x: np.ndarray, m: np.ndarray, weights: np.ndarray, scale: float
) -> tuple[float, np.ndarray]:
    p, q, v, px, log_v_xm, ll = _gg_terms(log_params, x, m)
    dg = special.digamma(px + q)
    d_p = x * (dg - special.digamma(px) + np.log(m) + np.log(x) - log_v_xm)
    d_q = dg - special.digamma(q) + np.log(v) - log_v_xm
    d_v = q / v - (px + q) / (v + x * m)
    grad = np.array([weights @ d_p * p, weights @ d_q * q, weights @ d_v * v])
    return -float(weights @ ll) / scale, -grad / scale


def _check_spend(frequency: Any, monetary_value: Any) -> tuple[np.ndarray, np.ndarray]:
    x = _as_1d("frequency", frequency)
    m = _as_1d("monetary_value", monetary_value)
    if len(x) != len(m):
        raise ValueError("frequency and monetary_value must have the same length")
    if np.any(x != np.round(x)):
        raise ValueError("frequency must hold whole numbers (counts of repeat purchase periods)")
    if np.any((x > 0) & (m <= 0)):
        raise ValueError("monetary_value must be > 0 for customers with frequency > 0")
    return x, m


def fit_gamma_gamma(frequency: Any, monetary_value: Any) -> GammaGammaFit:
    """Fit the Gamma-Gamma model of monetary value by maximum likelihood.

    Only customers with ``frequency > 0`` are used (the others have no repeat transaction
    value); their ``monetary_value`` is the mean value of their repeat transactions and must be
    > 0. Optimises ``(log p, log q, log v)`` with L-BFGS-B and the analytic gradient
    (Nelder-Mead fallback), starting at ``p = q = 2`` and ``v`` matching the mean value.
    Assumes spend per transaction is independent of purchase frequency.

    Raises ``ValueError`` for negative or non-finite inputs, arrays of different length,
    non-integer frequencies, a non-positive value of a repeat buyer, or no repeat buyers.
    """
    x_all, m_all = _check_spend(frequency, monetary_value)
    repeat = x_all > 0
    x, m = x_all[repeat], m_all[repeat]
    n = len(x)
    if n == 0:
        raise ValueError("cannot fit the Gamma-Gamma model: no customer has frequency > 0")
    corr = float(np.corrcoef(x, m)[0, 1]) if n > 1 and np.ptp(x) > 0 and np.ptp(m) > 0 else float("nan")
    (cx, cm), weights = _compress(x, m)
    # Start: p = q = 2, v so that the population mean p v / (q - 1) = mean observed value.
    x0 = np.clip(np.log(np.array([2.0, 2.0, float(np.mean(m)) / 2.0])), -_LOG_BOUND + 1, _LOG_BOUND - 1)
    result, method = _minimise(_gg_negll_and_grad, x0, (cx, cm, weights, float(n)))
    p, q, v = (float(val) for val in np.exp(result.x))
    ll = float(weights @ _gg_terms(result.x, cx, cm)[5])
    return GammaGammaFit(
        p=p,
        q=q,
        v=v,
        log_likelihood=ll,
        n_customers=n,
        frequency_value_correlation=corr,
        **_outcome(result, method),
    )


def expected_average_value(fit: GammaGammaFit, frequency: Any, monetary_value: Any) -> np.ndarray:
    """E[M | x, m_x]: expected mean transaction value of each customer (Fader & Hardie 2013, eq. (5)).

    ``p (v + x m_x) / (p x + q - 1)``: a weighted mean of the population mean ``p v / (q - 1)``
    and the customer's observed mean ``m_x``; customers with ``frequency == 0`` get the
    population mean. Raises ``ValueError`` if ``q <= 1`` (the population mean is infinite)
    or for invalid inputs as :func:`fit_gamma_gamma`.
    """
    if fit.q <= 1.0:
        raise ValueError(f"q = {fit.q:.4g} <= 1: the expected transaction value is infinite")
    x, m = _check_spend(frequency, monetary_value)
    m = np.where(x > 0, m, 0.0)
    return fit.p * (fit.v + x * m) / (fit.p * x + fit.q - 1.0)


# ---------------------------------------------------------------------------------------------
# CLV
# ---------------------------------------------------------------------------------------------


def customer_lifetime_value(
    bgnbd: BGNBDFit,
    gamma_gamma: GammaGammaFit,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    *,
    time_unit: TimeUnit = "W",
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> np.ndarray:
    """Discounted expected value of each customer's purchases over the next ``horizon_months``.

    ``CLV = sum_{k=1..H} (E[Y(k months)] - E[Y((k-1) months)]) / (1 + d)**k * E[M]``

    with ``E[Y(t)]`` the BG/NBD conditional expected purchases (:func:`expected_purchases`),
    ``E[M]`` the Gamma-Gamma expected average value (:func:`expected_average_value`), ``d`` the
    monthly discount rate and ``H`` the horizon. Purchases in month ``k`` are discounted as if
    they all happened at its end. A month is ``365.25 / 12`` days, converted to ``time_unit``,
    which must be the unit the summary (and the BG/NBD fit) uses. Values are in the currency
    of ``monetary_value``.

    Assumes the two models are fitted on the same summary and that spend is independent of
    purchase frequency. Raises ``ValueError`` for a negative discount rate, a horizon < 1, an
    unknown ``time_unit``, or invalid inputs as the functions used.
    """
    if time_unit not in _DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'D' or 'W', not {time_unit!r}")
    if not (isinstance(horizon_months, int) and horizon_months >= 1):
        raise ValueError(f"horizon_months must be an integer >= 1, not {horizon_months!r}")
    if not (math.isfinite(monthly_discount_rate) and monthly_discount_rate >= 0):
        raise ValueError(f"monthly_discount_rate must be >= 0, not {monthly_discount_rate!r}")
    value = expected_average_value(gamma_gamma, frequency, monetary_value)
    month = DAYS_PER_MONTH / _DAYS_PER_UNIT[time_unit]
    x, t_x, age = _check_rfm(frequency, recency, T)
    total = np.zeros(len(x))
    previous = np.zeros(len(x))
    for k in range(1, horizon_months + 1):
        cumulative = expected_purchases(bgnbd, k * month, x, t_x, age)
        total += (cumulative - previous) / (1.0 + monthly_discount_rate) ** k
        previous = cumulative
    return total * value
