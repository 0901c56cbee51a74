"""Factories of the teams app (factory_boy). States only: behaviour goes through services."""

import datetime

import factory
from factory.django import DjangoModelFactory

from openkam.teams.choices import (
    AccountRole,
    ActionStatus,
    GoalStatus,
    MeetingCadence,
    MeetingFormat,
    MeetingStatus,
)
from openkam.teams.models import (
    MeetingAction,
    MeetingDecision,
    MemberGoal,
    RoleAssignment,
    TeamCadence,
    TeamMeeting,
)
from openkam.testing.factories import KeyAccountFactory, UserFactory


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    account = factory.SubFactory(KeyAccountFactory)
    role = AccountRole.RELATIONSHIP_LEADER
    user = factory.SubFactory(UserFactory)


class MemberGoalFactory(DjangoModelFactory):
    class Meta:
        model = MemberGoal

    account = factory.SubFactory(KeyAccountFactory)
    user = factory.SubFactory(UserFactory)
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    title = factory.Sequence(lambda n: f"Win the service framework contract ({n})")
    measure = "Revenue with service products"
    target = "250,000 €"
    bonus_relevant = False
    bonus_weight = None
    status = GoalStatus.OPEN


class TeamCadenceFactory(DjangoModelFactory):
    class Meta:
        model = TeamCadence

    account = factory.SubFactory(KeyAccountFactory)
    cadence = MeetingCadence.QUARTERLY
    notes = ""


class TeamMeetingFactory(DjangoModelFactory):
    """A held team call; pass ``participants=[...]`` to fill the participants."""

    class Meta:
        model = TeamMeeting
        skip_postgeneration_save = True

    account = factory.SubFactory(KeyAccountFactory)
    date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    meeting_format = MeetingFormat.CALL
    title = factory.Sequence(lambda n: f"Team call ({n})")
    status = MeetingStatus.HELD
    agenda = "News from the customer; open actions"
    minutes = "Purchasing expects the tender for the new assembly line in autumn."

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participants.set(extracted)


class MeetingDecisionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingDecision

    meeting = factory.SubFactory(TeamMeetingFactory)
    text = "We offer the service agreement for all three plants."


class MeetingActionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(TeamMeetingFactory)
    title = factory.Sequence(lambda n: f"Prepare the service offer ({n})")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    status = ActionStatus.OPEN
