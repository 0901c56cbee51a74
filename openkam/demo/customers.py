"""The customer base of the demo company: who buys how much, how it develops, and their names.

The economics (size, growth, churn, product mix) are numpy arrays so that the ledger generator
can use them without touching Python objects per customer; names and cities come from Faker
and are only needed when customers are written to the database.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
from faker import Faker

from .catalog import (
    CHINESE_CITIES,
    CHINESE_SYLLABLES,
    COUNTRIES,
    GENERIC_NAME_WORDS,
    GERMAN_SITE_WEIGHTS,
    INDUSTRIES,
    PRODUCT_GROUPS,
)

# With the default density of lines (1 million lines, 5,000 customers, 3 years) the average
# customer buys for this much a year, and 5,000 customers make a supplier of roughly 400
# million euros. Sizes, discounts and product mix are drawn on this reference scale.
AVERAGE_REVENUE = 85_000.0
# Planned value of an invoice line (realised a little higher, as quantities are whole units).
# Keeping it fixed makes a ledger with more lines per customer a bigger company rather than one
# selling single screws: scale ``--customers`` with ``--lines`` for realistic customer sizes.
AVERAGE_LINE_VALUE = 1_275.0
# A lognormal with sigma 1.7 puts about 80 % of revenue on the top 20 % of customers.
REVENUE_SIGMA = 1.7
SUBSIDIARY_SHARE = 0.05

STABLE, GROWING, DECLINING, CHURNED, NEW = range(5)


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per purpose, so e.g. more ledger lines leave names unchanged."""
    return np.random.default_rng(
        np.random.SeedSequence(entropy=seed, spawn_key=(zlib.crc32(stream.encode()),))
    )


@dataclass
class CustomerBook:
    """The economics of every customer, index ``i`` is customer number ``numbers[i]``.

    Months count from 0 (January of the first fiscal year) to ``months - 1``. A customer buys
    in months ``start <= t < end``; ``level`` is its yearly revenue in the last fiscal year had
    it stayed, ``growth`` its yearly growth rate, ``pg_order`` its product groups by preference
    and ``breadth`` how many of them it buys at full size.
    """

    numbers: list[str]
    country: np.ndarray
    industry: np.ndarray
    site: np.ndarray
    level: np.ndarray
    growth: np.ndarray
    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    breadth: np.ndarray
    pg_order: np.ndarray
    discount: np.ndarray
    lines_per_invoice: np.ndarray
    parent: np.ndarray
    months: int

    def __len__(self) -> int:
        return len(self.numbers)


def customer_number(index: int) -> str:
    return str(100_001 + index)


def build_customer_book(
    *, seed: int, count: int, months: int, average_revenue: float = AVERAGE_REVENUE
) -> CustomerBook:
    """Draw the economics of ``count`` customers over ``months`` months (numpy only, fast).

    ``average_revenue`` only scales the money: who is large, how customers develop and what
    they buy do not depend on it, so the same seed gives the same customers at any scale.
    """
    rng = rng_for(seed, "customers")
    shares = np.array([c.share for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=count, p=shares / shares.sum())
    industry_shares = np.array([i.share for i in INDUSTRIES])
    industry = rng.choice(len(INDUSTRIES), size=count, p=industry_shares / industry_shares.sum())

    level = rng.lognormal(0.0, REVENUE_SIGMA, size=count)
    # Customers abroad are served through a smaller local presence and buy less on average.
    level *= np.where(country == 0, 1.0, 0.7)
    level *= AVERAGE_REVENUE / level.mean()

    kind = rng.choice(5, size=count, p=[0.70, 0.10, 0.08, 0.06, 0.06])
    growth = rng.normal(0.03, 0.06, size=count)
    growth = np.where(kind == GROWING, rng.uniform(0.15, 0.65, size=count), growth)
    growth = np.where(kind == DECLINING, rng.uniform(-0.25, -0.05, size=count), growth)
    start = np.where(kind == NEW, rng.integers(3, max(4, months - 6), size=count), 0)
    end = np.where(kind == CHURNED, rng.integers(6, max(7, months - 2), size=count), months)

    size = np.log(level / 2_000.0)
    breadth = np.clip(np.round(size * 3.2 + rng.normal(0, 1.5, size=count)), 1, len(PRODUCT_GROUPS))

    popularity = np.log([g.popularity for g in PRODUCT_GROUPS])
    units = np.array([g.business_unit for g in PRODUCT_GROUPS])
    affinity = np.log(np.array([i.affinity for i in INDUSTRIES]))[industry][:, units]
    # Small customers rarely buy a 30,000 € special gearbox: penalise groups whose list price
    # is far above the customer's typical order value.
    prices = np.array([g.list_price for g in PRODUCT_GROUPS])
    price_penalty = np.maximum(0.0, np.log(prices[None, :] / (level[:, None] / 40.0)))
    # Gumbel noise turns the scores into a weighted random ordering (sampling without replacement).
    score = (
        popularity[None, :] + affinity - 0.9 * price_penalty + rng.gumbel(size=(count, len(PRODUCT_GROUPS)))
    )
    pg_order = np.argsort(-score, axis=1).astype(np.int16)

    discount = np.clip(0.02 + 0.035 * np.log(level / 20_000.0) + rng.normal(0, 0.02, size=count), 0.0, 0.25)
    lines_per_invoice = np.clip(1.3 + 0.5 * np.log(level / 20_000.0), 1.2, 6.0)

    german_site = rng.choice(len(GERMAN_SITE_WEIGHTS), size=count, p=GERMAN_SITE_WEIGHTS)
    country_site = np.array([c.site for c in COUNTRIES])[country]
    site = np.where(country_site < 0, german_site, country_site)

    parent = _draw_groups(rng, level, kind, industry)
    level = level * (average_revenue / AVERAGE_REVENUE)
    return CustomerBook(
        numbers=[customer_number(i) for i in range(count)],
        country=country,
        industry=industry,
        site=site,
        level=level,
        growth=growth,
        kind=kind,
        start=start,
        end=end,
        breadth=breadth.astype(np.int16),
        pg_order=pg_order,
        discount=discount,
        lines_per_invoice=lines_per_invoice,
        parent=parent,
        months=months,
    )


def _draw_groups(
    rng: np.random.Generator, level: np.ndarray, kind: np.ndarray, industry: np.ndarray
) -> np.ndarray:
    """Make about 5 % of customers subsidiaries of a large customer (their group parent).

    Parents are among the largest tenth of customers that stay; a subsidiary takes its
    parent's industry, as plants of one group usually build similar machines.
    """
    count = len(level)
    parent = np.full(count, -1, dtype=np.int64)
    wanted = round(SUBSIDIARY_SHARE * count)
    if wanted == 0:
        return parent
    order = np.argsort(-level)
    candidates = order[: max(2, count // 10)]
    candidates = candidates[kind[candidates] != CHURNED]
    n_parents = max(1, min(len(candidates) // 2, round(wanted / 3.5)))
    parents = rng.choice(candidates, size=n_parents, replace=False)
    is_parent = np.zeros(count, dtype=bool)
    is_parent[parents] = True
    pool = rng.permutation(np.flatnonzero(~is_parent))[:wanted]
    # Larger groups have more subsidiaries, but far less than in proportion to their size.
    weights = level[parents] ** 0.3
    weights /= weights.sum()
    parent[pool] = rng.choice(parents, size=len(pool), p=weights)
    industry[pool] = industry[parent[pool]]
    return parent


@dataclass(frozen=True)
class Identity:
    """Name, legal form and city of a customer as they appear in the customer master."""

    name: str
    legal_form: str
    city: str


def transliterate(text: str) -> str:
    """ASCII form of a name for e-mail addresses and domains (ä → ae, ß → ss, é → e)."""
    for source, target in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
        text = text.replace(source, target)
    text = text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def fakers(seed: int, stream: str) -> dict[str, Faker]:
    """One seeded Faker per customer locale; each gets its own seed so the order of use is free."""
    result = {}
    for country in COUNTRIES:
        fake = Faker(country.locale)
        fake.seed_instance(zlib.crc32(f"{seed}:{stream}:{country.locale}".encode()))
        result[country.code] = fake
    return result


def build_identities(book: CustomerBook, *, seed: int) -> list[Identity]:
    """Draw a unique name, a legal form and a city for every customer of ``book``.

    Subsidiaries are named after their group parent plus place or country, the way groups
    name their plants and national companies.
    """
    rng = rng_for(seed, "identities")
    fake = fakers(seed, "identities")
    order = np.argsort(-book.level)
    large = np.zeros(len(book), dtype=bool)
    large[order[: max(1, len(book) // 50)]] = True
    taken: set[str] = set()
    identities: list[Identity | None] = [None] * len(book)
    parents_first = sorted(range(len(book)), key=lambda i: book.parent[i] >= 0)
    for i in parents_first:
        country = COUNTRIES[book.country[i]]
        faker = fake[country.code]
        city = _city(faker, country.code, rng)
        legal_form = _legal_form(country, rng, large=bool(large[i]))
        if book.parent[i] >= 0:
            parent = identities[book.parent[i]]
            suffix = city if country.code == "DE" else country.subsidiary_suffix
            candidates = [f"{parent.name} {suffix}", f"{parent.name} Werk {city}", f"{parent.name} {city}"]
        else:
            industry = INDUSTRIES[book.industry[i]]
            candidates = [_company_name(faker, country, industry.name_words, city, rng) for _ in range(8)]
        name = next((c for c in candidates if c not in taken), f"{candidates[0]} {customer_number(i)}")
        taken.add(name)
        identities[i] = Identity(name=name[:200], legal_form=legal_form, city=city[:120])
    return identities


def _surname(faker: Faker) -> str:
    """A one-word surname (double names allowed); "van der Dussen" reads oddly in a company name."""
    while True:
        name = faker.last_name()
        if re.fullmatch(r"[^\W\d_]+(-[^\W\d_]+)?", name):
            return name


def _city(faker: Faker, code: str, rng: np.random.Generator) -> str:
    if code == "CN":
        return str(CHINESE_CITIES[rng.integers(len(CHINESE_CITIES))])
    return faker.city()


def _legal_form(country, rng: np.random.Generator, *, large: bool) -> str:
    if large and rng.random() < 0.6:
        return str(country.large_legal_forms[rng.integers(len(country.large_legal_forms))])
    forms = [f for f, _ in country.legal_forms]
    weights = np.array([w for _, w in country.legal_forms])
    return str(forms[rng.choice(len(forms), p=weights / weights.sum())])


def _company_name(faker: Faker, country, industry_words: tuple[str, ...], city: str, rng) -> str:
    """A plausible company name in the style of the country, e.g. ``Hartmann Fördertechnik``."""
    pick = rng.random()
    if country.code == "CN":
        syllables = rng.choice(CHINESE_SYLLABLES, size=2, replace=False)
        word = country.name_words[rng.integers(len(country.name_words))]
        return f"{city} {syllables[0]}{syllables[1].lower()} {word}"
    if country.name_words:
        word = country.name_words[rng.integers(len(country.name_words))]
        if pick < 0.7:
            return f"{_surname(faker)} {word}"
        return f"{_surname(faker)} & {_surname(faker)} {word}"
    words = industry_words + GENERIC_NAME_WORDS[:2]
    word = words[rng.integers(len(words))]
    if pick < 0.45:
        return f"{_surname(faker)} {word}"
    if pick < 0.6:
        return f"{_surname(faker)} & {_surname(faker)}"
    if pick < 0.72 and city.isalpha():
        return f"{city}er {word}"
    if pick < 0.84:
        letters = "".join(rng.choice(list("ABDEFGHKLMNRSTW"), size=rng.integers(2, 5)))
        return f"{letters} {word}"
    return f"{_surname(faker)}-{_surname(faker)} {word}"
