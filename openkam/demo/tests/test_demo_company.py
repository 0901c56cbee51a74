"""The demo company generator: determinism, the shape of its data and what it stores."""

import hashlib
from decimal import Decimal

import duckdb
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from openkam.accounts.choices import AccountStatus, AccountType
from openkam.accounts.models import KeyAccount
from openkam.demo.catalog import DEMO_USERS
from openkam.demo.customers import build_customer_book, build_identities
from openkam.demo.generator import (
    DEMO_PASSWORD,
    DemoError,
    DemoSpec,
    demo_logins,
    generate_company,
    generate_ledger,
)
from openkam.demo.ledger import aggregate_ledger, default_ledger_path
from openkam.demo.programme import company_domain, demo_email, euro, percent
from openkam.designations.choices import ProposalStatus
from openkam.designations.models import DesignationProposal
from openkam.sales.models import Customer, CustomerRevenue
from openkam.users.choices import Role
from openkam.users.models import User

SMALL = DemoSpec(customers=300, lines=20_000, accounts=6, chunk_rows=4_000)
SMALL_ARGS = ["--customers", "300", "--lines", "20000", "--accounts", "6", "--chunk-rows", "4000"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Twenty demo users with the production hasher would take seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def small_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "ledger.parquet"
    generate_ledger(SMALL, path=path)
    return path


def query(sql: str, path) -> list[tuple]:
    """Run ``sql`` over the ledger at ``path``, which the SQL names as ``read_parquet($path)``."""
    with duckdb.connect() as con:
        return con.execute(sql, {"path": str(path)}).fetchall()


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_seed_writes_the_same_ledger_and_another_seed_does_not(tmp_path, small_ledger):
    generate_ledger(SMALL, path=tmp_path / "again.parquet")
    generate_ledger(DemoSpec(**{**SMALL.__dict__, "seed": 7}), path=tmp_path / "other.parquet")

    assert sha256(tmp_path / "again.parquet") == sha256(small_ledger)
    assert sha256(tmp_path / "other.parquet") != sha256(small_ledger)


def test_the_same_seed_gives_the_same_customers_and_another_seed_does_not():
    def customers(seed):
        book = build_customer_book(seed=seed, count=300, months=36)
        return [
            (i.name, i.legal_form, i.city) for i in build_identities(book, seed=seed)
        ], book.parent.tolist()

    assert customers(2026) == customers(2026)
    assert customers(2026) != customers(7)


def test_the_ledger_is_streamed_in_row_groups_of_bounded_size(small_ledger):
    metadata = pq.ParquetFile(small_ledger).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]

    assert metadata.num_rows == SMALL.lines
    assert len(sizes) >= 5
    assert max(sizes) <= SMALL.chunk_rows
    assert pq.read_schema(small_ledger).names == [
        "invoice_id",
        "line_no",
        "invoice_date",
        "customer_number",
        "product_group",
        "business_unit",
        "site",
        "quantity",
        "net_revenue",
        "cost",
        "currency",
    ]


def test_a_fifth_of_the_customers_make_most_of_the_revenue(small_ledger):
    sql = "SELECT sum(net_revenue) AS r FROM read_parquet($path) GROUP BY customer_number ORDER BY r DESC"
    revenues = [row[0] for row in query(sql, small_ledger)]
    top = revenues[: len(revenues) // 5]

    assert sum(top) / sum(revenues) >= Decimal("0.6")


def test_the_ledger_covers_three_fixed_fiscal_years_with_some_credit_notes(small_ledger):
    [(years, credits, credit_share, groups, units, currencies)] = query(
        """
        SELECT list(DISTINCT year(invoice_date) ORDER BY year(invoice_date)),
               count(*) FILTER (WHERE net_revenue < 0),
               count(*) FILTER (WHERE net_revenue < 0) / count(*),
               count(DISTINCT product_group), count(DISTINCT business_unit), list(DISTINCT currency)
        FROM read_parquet($path)
        """,
        small_ledger,
    )

    assert years == [2023, 2024, 2025]
    assert credits > 0
    assert credit_share < 0.05
    assert groups >= 35
    assert units == 3
    assert currencies == ["EUR"]


def test_the_last_year_moves_the_fiscal_years(tmp_path):
    path = tmp_path / "ledger.parquet"
    generate_ledger(DemoSpec(**{**SMALL.__dict__, "last_year": 2030}), path=path)

    [(first, last)] = query("SELECT min(invoice_date), max(invoice_date) FROM read_parquet($path)", path)

    assert (first.year, last.year) == (2028, 2030)


def test_large_customers_buy_from_more_product_groups_than_small_ones(small_ledger):
    rows = query(
        """
        SELECT sum(net_revenue) AS r, count(DISTINCT product_group) AS g
        FROM read_parquet($path) GROUP BY customer_number ORDER BY r DESC
        """,
        small_ledger,
    )
    fifth = len(rows) // 5

    def average_breadth(part):
        return sum(g for _, g in part) / len(part)

    assert average_breadth(rows[:fifth]) > 2 * average_breadth(rows[-fifth:])


@pytest.mark.django_db
def test_the_stored_revenues_equal_the_ledger_totals(tmp_path):
    summary = generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    expected = {
        (t.customer_number, t.fiscal_year): (t.revenue, t.margin, t.lines)
        for t in aggregate_ledger(summary.ledger.path)
    }
    stored = {
        (r.customer.number, r.fiscal_year): (r.revenue, r.margin, r.invoice_lines)
        for r in CustomerRevenue.objects.select_related("customer")
    }
    assert stored == expected
    assert sum(lines for _, _, lines in stored.values()) == SMALL.lines


@pytest.mark.django_db
def test_it_loads_customers_with_subsidiaries_of_group_parents(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    subsidiaries = Customer.objects.filter(parent__isnull=False)
    assert Customer.objects.count() == SMALL.customers
    assert subsidiaries.count() == 15
    assert not subsidiaries.filter(parent__parent__isnull=False).exists()
    assert Customer.objects.exclude(country="DE").exists()
    assert Customer.objects.values("legal_form").distinct().count() > 5


@pytest.mark.django_db
def test_key_accounts_have_an_owner_a_team_and_a_buying_center(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    accounts = list(KeyAccount.objects.select_related("owner", "customer"))
    # The programme's accounts plus the one the seeded designation workflow approved.
    approved = DesignationProposal.objects.filter(status=ProposalStatus.APPROVED).count()
    assert approved == 1
    assert len(accounts) == SMALL.accounts + approved
    assert {a.account_type for a in accounts} == {AccountType.EXISTING, AccountType.EMERGING}
    # Proposals live in the designation workflow now; an account is never "proposed".
    assert {a.status for a in accounts} <= {AccountStatus.ACTIVE, AccountStatus.ON_HOLD}
    approved_customers = set(
        DesignationProposal.objects.filter(status=ProposalStatus.APPROVED).values_list(
            "customer_id", flat=True
        )
    )
    for account in accounts:
        assert account.owner.role == Role.KAM
        if account.customer_id in approved_customers:
            continue  # newly approved: no team or buying center yet
        assert account.customer.parent_id is None
        assert "Umsatz" in account.reason
        assert 2 <= account.team_memberships.count() <= 5
        assert not account.team_memberships.filter(user=account.owner).exists()
        stakeholders = list(account.stakeholders.all())
        assert 6 <= len(stakeholders) <= 14  # the generator's, enriched by seed_stakeholders
        assert all(s.email.endswith(".example") and s.phone.startswith("+") for s in stakeholders)


@pytest.mark.django_db
def test_every_persona_exists_with_the_demo_password(tmp_path):
    generate_company(SMALL, ledger_path=tmp_path / "ledger.parquet")

    users = {u.username: u for u in User.objects.all()}
    assert [username for username, _ in demo_logins()] == [p.username for p in DEMO_USERS]
    assert set(users) == {p.username for p in DEMO_USERS}
    assert all(users[p.username].role == p.role for p in DEMO_USERS)
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert {u.language for u in users.values()} == {"de", "en"}
    assert KeyAccount.objects.filter(owner=users["kam"]).exists()
    assert users["team"].team_memberships.exists()


@pytest.mark.django_db
def test_the_command_with_if_empty_does_nothing_the_second_time(tmp_path, capsys):
    ledger = tmp_path / "ledger.parquet"
    call_command("demo_company", *SMALL_ARGS, "--ledger", str(ledger), "--if-empty")
    counts = (Customer.objects.count(), KeyAccount.objects.count(), User.objects.count())
    written = ledger.stat().st_mtime_ns

    call_command("demo_company", *SMALL_ARGS, "--ledger", str(ledger), "--if-empty")

    assert counts == (SMALL.customers, SMALL.accounts + 1, len(DEMO_USERS))  # + 1 approved proposal
    assert (Customer.objects.count(), KeyAccount.objects.count(), User.objects.count()) == counts
    assert ledger.stat().st_mtime_ns == written
    assert "not created" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_a_database_with_customers(tmp_path):
    call_command("demo_company", *SMALL_ARGS, "--ledger", str(tmp_path / "ledger.parquet"))

    with pytest.raises(CommandError, match="customers already"):
        call_command("demo_company", *SMALL_ARGS, "--ledger", str(tmp_path / "ledger.parquet"))


@pytest.mark.django_db
def test_ledger_only_writes_the_default_ledger_and_leaves_the_database_alone(settings, tmp_path):
    settings.OPENKAM_DATA_DIR = tmp_path

    call_command("demo_company", *SMALL_ARGS, "--ledger-only")

    assert default_ledger_path() == tmp_path / "demo" / "ledger.parquet"
    assert pq.ParquetFile(default_ledger_path()).metadata.num_rows == SMALL.lines
    assert not Customer.objects.exists()
    assert not User.objects.exists()


def test_the_command_rejects_a_company_too_small_to_make_sense():
    with pytest.raises(CommandError, match="customers"):
        call_command("demo_company", "--customers", "10", "--ledger-only")
    with pytest.raises(DemoError):
        DemoSpec(customers=300, accounts=100).validate()


def test_reasons_use_german_number_formats():
    assert euro(Decimal("4213000.55")) == "4,2 Mio. €"
    assert euro(Decimal("851234")) == "851 Tsd. €"
    assert percent(0.183) == "+18 %"
    assert percent(-0.07) == "-7 %"


def test_addresses_are_ascii_on_the_example_domain():
    domain = company_domain("Müller & Söhne Fördertechnik")

    assert domain == "mueller-soehne-foerdertechnik.example"
    assert (
        demo_email("Jürgen", "Łukasz-Weiß", domain)
        == "juergen.lukasz-weiss@mueller-soehne-foerdertechnik.example"
    )
