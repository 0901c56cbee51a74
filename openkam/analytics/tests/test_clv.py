"""Tests of the BG/NBD + Gamma-Gamma CLV model, including the published CDNOW reference results.

The CDNOW sample is not copied into this repository: it is read from the package data of the
test-only dependency ``lifetimes`` (only its CSV files; none of its model code is imported).
"""

import csv
import datetime as dt
import importlib.metadata

import numpy as np
import pyarrow as pa
import pytest
from scipy import optimize, special

from openkam.analytics import clv

CALIBRATION_END = dt.date(1997, 9, 30)


def _dataset(name: str):
    """A data file shipped by ``lifetimes``, located without importing the package."""
    return importlib.metadata.distribution("lifetimes").locate_file(f"lifetimes/datasets/{name}")


@pytest.fixture(scope="module")
def cdnow():
    """Per-customer summary (weeks): ID, x, t_x, T, zbar for 2,357 customers, 39-week calibration."""
    with _dataset("cdnow_customers_summary_with_transactions.csv").open() as f:
        rows = list(csv.DictReader(f))
    return {key: np.array([float(row[key]) for row in rows]) for key in ("ID", "x", "t_x", "T", "zbar")}


@pytest.fixture(scope="module")
def bgnbd(cdnow):
    return clv.fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


@pytest.fixture(scope="module")
def gamma_gamma(cdnow):
    return clv.fit_gamma_gamma(cdnow["x"], cdnow["zbar"])


# --- Reference results ------------------------------------------------------------------------


def test_cdnow_bgnbd_matches_fader_hardie_lee_2005(bgnbd, cdnow):
    assert len(cdnow["x"]) == 2357
    assert bgnbd.converged
    assert bgnbd.n_customers == 2357
    assert bgnbd.r == pytest.approx(0.243, abs=0.0015)
    assert bgnbd.alpha == pytest.approx(4.414, rel=2e-3)
    assert bgnbd.a == pytest.approx(0.793, rel=2e-3)
    assert bgnbd.b == pytest.approx(2.426, rel=2e-3)
    assert bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.5)
    assert bgnbd.params == {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b}


def test_cdnow_conditional_expectation_matches_paper(bgnbd):
    # FHL 2005, section 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks.
    assert bgnbd.expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=5e-4)


def test_cdnow_gamma_gamma_matches_fader_hardie_2013(gamma_gamma):
    assert gamma_gamma.converged
    assert gamma_gamma.n_customers == 946
    assert gamma_gamma.p == pytest.approx(6.25, abs=0.01)
    assert gamma_gamma.q == pytest.approx(3.74, abs=0.01)
    assert gamma_gamma.v == pytest.approx(15.44, abs=0.02)
    assert abs(gamma_gamma.frequency_value_correlation) < 0.2
    assert gamma_gamma.population_mean_value == pytest.approx(6.25 * 15.44 / 2.74, rel=3e-3)


def test_rfm_summary_reproduces_the_cdnow_summary(cdnow):
    rows = []
    with _dataset("CDNOW_sample.txt").open() as f:
        for line in f:
            customer, _, day, _, amount = line.split()
            rows.append((int(customer), dt.datetime.strptime(day, "%Y%m%d").date(), float(amount)))
    table = pa.table(
        {
            "customer": [r[0] for r in rows],
            "date": pa.array([r[1] for r in rows], pa.date32()),
            "value": [r[2] for r in rows],
        }
    )
    summary = clv.rfm_summary(
        table,
        customer_col="customer",
        date_col="date",
        value_col="value",
        observation_end=CALIBRATION_END,
        time_unit="D",
    )
    # The published summary renumbers the customers, so compare the sets of summary rows.
    assert summary.num_rows == 2357
    ours = np.column_stack(
        [
            summary.column("frequency").to_numpy(),
            np.round(summary.column("recency").to_numpy() / 7, 2),
            np.round(summary.column("T").to_numpy() / 7, 2),
            np.round(summary.column("monetary_value").to_numpy(), 2),
        ]
    )
    published = np.column_stack([cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"]])
    ours, published = ours[np.lexsort(ours.T[::-1])], published[np.lexsort(published.T[::-1])]
    np.testing.assert_array_equal(ours[:, 0], published[:, 0])
    np.testing.assert_allclose(ours[:, 1:], published[:, 1:], atol=0.011)


# --- rfm_summary ------------------------------------------------------------------------------


def _hand_made():
    # 2024-01-01 is a Monday.
    return pa.table(
        {
            "cust": ["A", "A", "A", "A", "B", "C", "C", "D"],
            "day": pa.array(
                [
                    dt.date(2024, 1, 1),  # A first purchase (week 0)
                    dt.date(2024, 1, 3),  # A same week, other day
                    dt.date(2024, 1, 3),  # A same day
                    dt.date(2024, 1, 15),  # A week 2
                    dt.date(2024, 1, 10),  # B single purchase
                    dt.date(2024, 1, 7),  # C Sunday of week 0
                    dt.date(2024, 1, 8),  # C Monday of week 1
                    dt.date(2024, 2, 1),  # D after observation_end: ignored
                ],
                pa.date32(),
            ),
            "amount": [10.0, 5.0, 7.0, 20.0, 3.0, 1.0, 4.0, 100.0],
        }
    )


def test_rfm_summary_daily_exact_values():
    summary = clv.rfm_summary(
        _hand_made(),
        customer_col="cust",
        date_col="day",
        value_col="amount",
        observation_end=dt.date(2024, 1, 21),
        time_unit="D",
    )
    assert summary.to_pydict() == {
        "cust": ["A", "B", "C"],
        "frequency": [2, 0, 1],
        "recency": [14.0, 0.0, 1.0],
        "T": [20.0, 11.0, 14.0],
        "monetary_value": [(12.0 + 20.0) / 2, 0.0, 4.0],
    }


def test_rfm_summary_weekly_exact_values():
    summary = clv.rfm_summary(
        _hand_made(),
        customer_col="cust",
        date_col="day",
        value_col="amount",
        observation_end=dt.datetime(2024, 1, 21, 18, 0),  # Sunday of week 2
    )
    assert summary.to_pydict() == {
        "cust": ["A", "B", "C"],
        "frequency": [1, 0, 1],
        "recency": [2.0, 0.0, 1.0],
        "T": [2.0, 1.0, 2.0],
        "monetary_value": [20.0, 0.0, 4.0],
    }


def test_rfm_summary_accepts_timestamps_and_a_dict():
    summary = clv.rfm_summary(
        {
            "c": [1, 1],
            "ts": pa.array([dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 2, 23)], pa.timestamp("s")),
            "v": [1, 2],
        },
        customer_col="c",
        date_col="ts",
        value_col="v",
        observation_end=dt.date(2024, 1, 2),
        time_unit="D",
    )
    assert summary.to_pydict() == {
        "c": [1],
        "frequency": [1],
        "recency": [1.0],
        "T": [1.0],
        "monetary_value": [2.0],
    }


def test_rfm_summary_empty_after_filter():
    summary = clv.rfm_summary(
        _hand_made(),
        customer_col="cust",
        date_col="day",
        value_col="amount",
        observation_end=dt.date(2023, 1, 1),
    )
    assert summary.num_rows == 0
    assert summary.column_names == ["cust", "frequency", "recency", "T", "monetary_value"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"customer_col": "nope"}, "no column 'nope'"),
        ({"time_unit": "M"}, "time_unit"),
        ({"date_col": "amount"}, "dates or timestamps"),
        ({"observation_end": "2024-01-01"}, "observation_end must be a date"),
    ],
)
def test_rfm_summary_rejects_bad_arguments(change, message):
    kwargs = {
        "customer_col": "cust",
        "date_col": "day",
        "value_col": "amount",
        "observation_end": dt.date(2024, 1, 21),
    }
    with pytest.raises(ValueError, match=message):
        clv.rfm_summary(_hand_made(), **{**kwargs, **change})


def test_rfm_summary_rejects_negative_and_null_values():
    table = _hand_made()
    negative = table.set_column(2, "amount", pa.array([1.0, -1.0, 1, 1, 1, 1, 1, 1]))
    with pytest.raises(ValueError, match="negative values"):
        clv.rfm_summary(
            negative,
            customer_col="cust",
            date_col="day",
            value_col="amount",
            observation_end=dt.date(2024, 2, 1),
        )
    null = table.set_column(2, "amount", pa.array([1.0, None, 1, 1, 1, 1, 1, 1]))
    with pytest.raises(ValueError, match="contains nulls"):
        clv.rfm_summary(
            null, customer_col="cust", date_col="day", value_col="amount", observation_end=dt.date(2024, 2, 1)
        )


# --- BG/NBD behaviour -------------------------------------------------------------------------


def test_probability_alive_is_one_without_repeat_purchases(bgnbd):
    np.testing.assert_array_equal(bgnbd.probability_alive([0, 0, 0], [0, 0, 0], [0, 5, 500]), [1.0, 1.0, 1.0])


def test_probability_alive_edge_cases(bgnbd):
    # Bought at the very end of the observation (recency == T): the second term is a/(b+x-1).
    p = bgnbd.probability_alive([1, 10], [20.0, 20.0], [20.0, 20.0])
    np.testing.assert_allclose(p, 1 / (1 + bgnbd.a / (bgnbd.b + np.array([0, 9]))))
    # Heavy buyers silent for long: tiny but finite, no overflow warnings.
    with np.errstate(all="raise"):
        heavy = bgnbd.probability_alive([5000], [1.0], [1000.0])
    assert 0 <= heavy[0] < 1e-12


def test_probability_alive_monotonic(bgnbd):
    recency = np.linspace(1, 38, 20)
    p_recency = bgnbd.probability_alive(np.full(20, 3), recency, np.full(20, 38.0))
    assert np.all(np.diff(p_recency) > 0)  # a more recent last purchase: more likely alive
    p_age = bgnbd.probability_alive(np.full(20, 3), np.full(20, 5.0), np.linspace(5, 80, 20))
    assert np.all(np.diff(p_age) < 0)  # longer silence: less likely alive


def test_expected_purchases_monotonic_and_zero_at_zero(bgnbd):
    t = np.linspace(0, 100, 11)
    values = np.array([bgnbd.expected_purchases(h, [2], [30.43], [38.86])[0] for h in t])
    assert values[0] == 0
    assert np.all(np.diff(values) > 0)
    by_frequency = bgnbd.expected_purchases(10, [1, 2, 4, 8], [38.0] * 4, [38.86] * 4)
    assert np.all(np.diff(by_frequency) > 0)


def test_expected_purchases_matches_the_untransformed_formula(bgnbd, cdnow):
    x, t_x, age, t = cdnow["x"], cdnow["t_x"], cdnow["T"], 39.0
    r, alpha, a, b = bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
    direct = (a + b + x - 1) / (a - 1) * (1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hyp)
    direct *= bgnbd.probability_alive(x, t_x, age)
    np.testing.assert_allclose(bgnbd.expected_purchases(t, x, t_x, age), direct, rtol=1e-9)


def test_bgnbd_gradient_matches_finite_differences(cdnow):
    x, t_x, age = cdnow["x"], cdnow["t_x"], cdnow["T"]
    weights = np.ones(len(x))
    point = np.log([0.5, 3.0, 1.2, 2.0])

    def fun(p):
        return clv._bgnbd_negll_and_grad(p, x, t_x, age, weights, 1.0)[0]

    def grad(p):
        return clv._bgnbd_negll_and_grad(p, x, t_x, age, weights, 1.0)[1]

    assert optimize.check_grad(fun, grad, point) < 1e-4 * np.linalg.norm(grad(point))


def test_gamma_gamma_gradient_matches_finite_differences(cdnow):
    repeat = cdnow["x"] > 0
    x, m = cdnow["x"][repeat], cdnow["zbar"][repeat]
    weights = np.ones(len(x))
    point = np.log([3.0, 2.0, 10.0])

    def fun(p):
        return clv._gg_negll_and_grad(p, x, m, weights, 1.0)[0]

    def grad(p):
        return clv._gg_negll_and_grad(p, x, m, weights, 1.0)[1]

    assert optimize.check_grad(fun, grad, point) < 1e-4 * np.linalg.norm(grad(point))


def _simulate(n, r, alpha, a, b, seed):
    """Simulate BG/NBD customers with ages between 10 and 60 periods."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    age = rng.uniform(10, 60, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        now[active] += rng.exponential(1 / lam[active])
        active &= now <= age
        x[active] += 1
        t_x[active] = now[active]
        active &= rng.random(n) >= p
    return x, t_x, age


def test_fit_recovers_simulated_parameters():
    x, t_x, age = _simulate(20_000, r=0.6, alpha=5.0, a=1.5, b=4.0, seed=7)
    fit = clv.fit_bgnbd(x, t_x, age)
    assert fit.converged
    assert fit.r == pytest.approx(0.6, rel=0.1)
    assert fit.alpha == pytest.approx(5.0, rel=0.15)
    assert fit.a == pytest.approx(1.5, rel=0.3)
    assert fit.b == pytest.approx(4.0, rel=0.3)


def test_fit_handles_integer_summaries_with_many_duplicates():
    x, t_x, age = _simulate(5_000, r=0.6, alpha=5.0, a=1.5, b=4.0, seed=3)
    fit = clv.fit_bgnbd(x, np.floor(t_x), np.ceil(age))
    exact = clv.fit_bgnbd(x, np.floor(t_x), np.ceil(age) + 0 * x)
    assert fit == exact
    assert fit.converged


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1, -1], [1, 1], [2, 2], "frequency contains negative values"),
        ([1, 1], [1, -1], [2, 2], "recency contains negative values"),
        ([1, 1], [1, 3], [2, 2], "recency is greater than T for 1 customer"),
        ([1.5], [1], [2], "whole numbers"),
        ([1, np.nan], [1, 1], [2, 2], "NaN or infinite"),
        ([1, 1], [1], [2, 2], "same length"),
        ([], [], [], "zero customers"),
    ],
)
def test_fit_bgnbd_rejects_invalid_input(frequency, recency, T, message):
    with pytest.raises(ValueError, match=message):
        clv.fit_bgnbd(frequency, recency, T)


def test_probability_alive_rejects_recency_after_T(bgnbd):
    with pytest.raises(ValueError, match="recency must be <= T"):
        bgnbd.probability_alive([1], [5], [4])


def test_expected_purchases_rejects_negative_horizon(bgnbd):
    with pytest.raises(ValueError, match="t must be"):
        bgnbd.expected_purchases(-1, [1], [1], [2])


# --- Gamma-Gamma and CLV ----------------------------------------------------------------------


def test_expected_average_value_shrinks_towards_population_mean(gamma_gamma):
    mean = gamma_gamma.population_mean_value
    values = gamma_gamma.expected_average_value([0, 1, 5, 50], [0, 100, 100, 100])
    assert values[0] == pytest.approx(mean)
    assert mean < values[1] < values[2] < values[3] < 100


def test_fit_gamma_gamma_rejects_invalid_input():
    with pytest.raises(ValueError, match="no customer has frequency > 0"):
        clv.fit_gamma_gamma([0, 0], [0, 0])
    with pytest.raises(ValueError, match="must be > 0 for customers with frequency > 0"):
        clv.fit_gamma_gamma([1, 2], [0, 3])
    with pytest.raises(ValueError, match="monetary_value contains negative"):
        clv.fit_gamma_gamma([1, 2], [-1, 3])
    with pytest.raises(ValueError, match="same length"):
        clv.fit_gamma_gamma([1, 2], [1])


def test_expected_average_value_requires_q_above_one(gamma_gamma):
    heavy_tail = clv.GammaGammaFit(
        p=1, q=0.9, v=1, log_likelihood=0, n_customers=1, converged=True, method="", iterations=0, message=""
    )
    with pytest.raises(ValueError, match="infinite"):
        heavy_tail.expected_average_value([1], [1])


def test_customer_lifetime_value_formula(bgnbd, gamma_gamma):
    args = ([2, 0, 10], [30.43, 0, 38], [38.86, 38.86, 38.86], [22.35, 0, 40.0])
    clv_values = clv.customer_lifetime_value(
        bgnbd, gamma_gamma, *args, time_unit="W", horizon_months=12, monthly_discount_rate=0.01
    )
    month = 365.25 / 12 / 7
    cumulative = [np.zeros(3)] + [bgnbd.expected_purchases(k * month, *args[:3]) for k in range(1, 13)]
    expected = sum((cumulative[k] - cumulative[k - 1]) / 1.01**k for k in range(1, 13))
    expected *= gamma_gamma.expected_average_value(args[0], args[3])
    np.testing.assert_allclose(clv_values, expected, rtol=1e-12)
    undiscounted = clv.customer_lifetime_value(bgnbd, gamma_gamma, *args, monthly_discount_rate=0.0)
    np.testing.assert_allclose(
        undiscounted,
        bgnbd.expected_purchases(12 * month, *args[:3])
        * gamma_gamma.expected_average_value(args[0], args[3]),
    )
    assert np.all(undiscounted > clv_values)
    daily = clv.customer_lifetime_value(
        bgnbd, gamma_gamma, [2], [30.43 * 7], [38.86 * 7], [22.35], time_unit="D", monthly_discount_rate=0.0
    )
    assert daily[0] > 0
    assert clv_values[2] > clv_values[0] > clv_values[1] > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon_months": 0}, "horizon_months"),
        ({"monthly_discount_rate": -0.1}, "monthly_discount_rate"),
        ({"time_unit": "Y"}, "time_unit"),
    ],
)
def test_customer_lifetime_value_rejects_bad_arguments(bgnbd, gamma_gamma, kwargs, message):
    with pytest.raises(ValueError, match=message):
        clv.customer_lifetime_value(bgnbd, gamma_gamma, [1], [1], [2], [10], **kwargs)
