"""Factories of the raci app (factory_boy). States only: behaviour goes through services."""

import factory
from factory.django import DjangoModelFactory

from openkam.raci.models import RaciAssignment, RaciTask
from openkam.testing.factories import KeyAccountFactory, UserFactory


class RaciTaskFactory(DjangoModelFactory):
    """A task; pass ``letters={user: "A", other: "R"}`` to fill its row (no rules checked)."""

    class Meta:
        model = RaciTask
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    description = ""
    position = factory.Sequence(int)

    @factory.post_generation
    def letters(obj, create, extracted, **kwargs):
        if create and extracted:
            RaciAssignment.objects.bulk_create(
                [RaciAssignment(task=obj, user=user, letter=letter) for user, letter in extracted.items()]
            )


class RaciAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RaciAssignment

    task = factory.SubFactory(RaciTaskFactory)
    user = factory.SubFactory(UserFactory)
    letter = "R"


def annual_review(world, **values) -> RaciTask:
    """The owner Accountable, the core teammate Responsible, the extended member Informed."""
    return RaciTaskFactory(
        account=values.pop("account", world.account),
        title=values.pop("title", "Annual review"),
        letters=values.pop("letters", {world.owner: "A", world.teammate: "R", world.extended: "I"}),
        **values,
    )
