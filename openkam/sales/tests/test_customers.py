import pytest
from django.urls import reverse

from openkam.sales.permissions import customers_visible_to
from openkam.testing.factories import CustomerFactory, TeamMembershipFactory


@pytest.mark.django_db
def test_a_kam_finds_only_customers_of_own_accounts(client, world):
    CustomerFactory(name="Alpha Zulieferer")  # not a key account
    client.force_login(world.owner)
    html = client.get(reverse("sales:search"), {"q": "Alpha"}).content.decode()
    assert "Alpha Maschinenbau" in html
    assert "Alpha Zulieferer" not in html
    html = client.get(reverse("sales:search"), {"q": "Beta"}).content.decode()
    assert "Beta Antriebe" not in html


@pytest.mark.django_db
def test_management_and_admins_search_the_whole_customer_base(client, world):
    CustomerFactory(name="Alpha Zulieferer")
    for user in (world.manager, world.admin):
        client.force_login(user)
        html = client.get(reverse("sales:search"), {"q": "Alpha"}).content.decode()
        assert "Alpha Maschinenbau" in html and "Alpha Zulieferer" in html


@pytest.mark.django_db
def test_visibility_counts_each_customer_once_even_with_several_memberships(world):
    TeamMembershipFactory(account=world.other_account, user=world.teammate)
    visible = customers_visible_to(world.teammate)
    assert visible.count() == 2
    assert set(visible.values_list("pk", flat=True)) == {
        world.account.customer_id,
        world.other_account.customer_id,
    }


@pytest.mark.django_db
def test_inactive_users_see_nothing(world):
    world.manager.is_active = False
    assert customers_visible_to(world.manager).count() == 0


@pytest.mark.django_db
def test_the_customer_page_shows_revenue_history(client, world):
    client.force_login(world.owner)
    html = client.get(reverse("sales:detail", args=[world.account.customer.pk])).content.decode()
    assert "2025" in html and "€1,250,000" in html
    assert "Open key account" in html
