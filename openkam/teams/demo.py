"""Account-management roles, member goals, team cadences and two years of team meetings for the
demo company's key accounts.

``seed_teams`` is called by the demo generator after the key accounts and their teams exist. It
writes through the services, as the account teams would, so the account timelines and every check
(people on the team, bonus weights of at most 100 % a year) are those of real use. Every key
account (by primary key) gets:

- **role assignments** from its team: the KAM leads the relationship and drives results, the
  engineer is the technical expert, inside sales collaborates, service (or inside sales) manages
  projects, a management sponsor shares the relationship lead, and engineers on some accounts are
  the innovator. Realistic gaps remain: on every fifth account nobody is the technical expert,
  on two of three accounts the innovator is missing, and accounts without service or a second
  inside-sales colleague have no project manager;
- **member goals** of last year (achieved or missed, with results) and of this year (open, on
  track or at risk), one or two per person, some of them bonus-relevant with weights that add
  up to less than 100 %;
- a **cadence** — quarterly on most accounts, half-yearly on every fifth, monthly on every
  seventh — with a note on how the team meets;
- **team meetings** of last year and this year laid out from the cadence (the in-person meeting,
  calls, the account-plan workshop that feeds the budget planning): those before today are held,
  with minutes, decisions and actions (done, except those of the last two months, some overdue;
  now and then one dropped); on every fourth account the last meeting was cancelled, so the next
  one is overdue; those after today are planned with their agenda.

Dates are relative to ``today`` (default: the current date) and every choice comes from
``random.Random(SEED + index)``, so equal databases and an equal ``today`` give equal data.
Texts are German, about a German drive-technology supplier and its industrial customers.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from openkam.accounts.choices import InternalRole, TeamScope
from openkam.accounts.models import KeyAccount
from openkam.users.models import User

from . import services
from .choices import AccountRole, ActionStatus, GoalStatus, MeetingCadence, MeetingFormat, MeetingStatus
from .models import MemberGoal, RoleAssignment, TeamCadence, TeamMeeting

SEED = 6160
# Actions of meetings this recent are still open.
RECENT_DAYS = 60


@dataclass
class SeedResult:
    accounts: int = 0
    roles: int = 0
    goals: int = 0
    meetings: int = 0
    decisions: int = 0
    actions: int = 0


@dataclass(frozen=True)
class _Goal:
    title: str
    measure: str
    target: str
    result_met: str
    result_missed: str


GOALS: dict[str, tuple[_Goal, ...]] = {
    "kam": (
        _Goal(
            "Rahmenvertrag verlängern",
            "Unterschriebener Rahmenvertrag",
            "bis 30.11.",
            "Rahmenvertrag über drei Jahre verlängert, Preisanpassung 2,5 %.",
            "Verlängerung nur um ein Jahr; der Einkauf wartet die Ausschreibung ab.",
        ),
        _Goal(
            "Umsatz mit dem Account steigern",
            "Umsatz laut Buchhaltung",
            "+8 % zum Vorjahr",
            "Umsatz um 9,4 % gesteigert.",
            "Umsatz nur um 3 % gestiegen; zwei Projekte wurden verschoben.",
        ),
        _Goal(
            "Zugang zur Geschäftsführung ausbauen",
            "Gespräche auf Entscheiderebene",
            "2 Termine",
            "Zwei Strategiegespräche mit der Geschäftsführung geführt.",
            "Nur ein Termin; der technische Geschäftsführer hat gewechselt.",
        ),
    ),
    InternalRole.INSIDE_SALES: (
        _Goal(
            "Angebote innerhalb von 48 Stunden",
            "Anteil fristgerechter Angebote",
            "95 %",
            "97 % der Angebote fristgerecht abgegeben.",
            "88 %; im Sommer fehlte die Vertretung.",
        ),
        _Goal(
            "Ersatzteil-Rahmenvereinbarung abschließen",
            "Vereinbarung unterschrieben",
            "bis Ende Q3",
            "Vereinbarung mit Konsignationslager im Juli abgeschlossen.",
            "Noch in Abstimmung mit dem Einkauf.",
        ),
    ),
    InternalRole.ENGINEERING: (
        _Goal(
            "Retrofit-Pilot an einer Montagelinie umsetzen",
            "Abnahme durch die Instandhaltung",
            "1 Linie",
            "Pilot an Linie 2 abgenommen; 14 % weniger Energieverbrauch.",
            "Pilot auf das Frühjahr verschoben: Stillstandsfenster fehlte.",
        ),
        _Goal(
            "Schulung für die Instandhaltung des Kunden",
            "Teilnehmende Techniker",
            "12",
            "Zwei Schulungstage mit 15 Technikern durchgeführt.",
            "Nur 6 Teilnehmer; zweiter Termin abgesagt.",
        ),
    ),
    InternalRole.SERVICE: (
        _Goal(
            "Servicevertrag für ein weiteres Werk",
            "Unterschriebener Servicevertrag",
            "1 Werk",
            "Servicevertrag für das Werk Nord abgeschlossen.",
            "Angebot liegt vor, Entscheidung im nächsten Jahr.",
        ),
        _Goal(
            "Reaktionszeit im Störfall",
            "Zeit bis zum Techniker vor Ort",
            "unter 24 Stunden",
            "Im Schnitt 19 Stunden.",
            "Im Schnitt 31 Stunden; Engpass im Winter.",
        ),
    ),
    InternalRole.COUNTRY_SALES: (
        _Goal(
            "Auslandswerk als Kunden gewinnen",
            "Erster Auftrag des Werks",
            "1 Auftrag",
            "Erster Auftrag des Werks in Polen über Getriebemotoren.",
            "Werk kauft weiter beim lokalen Wettbewerber.",
        ),
    ),
    InternalRole.LOGISTICS: (
        _Goal(
            "Liefertreue verbessern",
            "Pünktliche Lieferungen",
            "97 %",
            "Liefertreue 98,1 %.",
            "Liefertreue 94 %; Engpass bei Frequenzumrichtern.",
        ),
    ),
    InternalRole.MANAGEMENT_SPONSOR: (
        _Goal(
            "Top-to-Top-Gespräch führen",
            "Gespräch mit der Geschäftsführung",
            "1 im Jahr",
            "Gespräch auf der Hannover Messe geführt.",
            "Termin zweimal verschoben.",
        ),
    ),
    InternalRole.GKAM: (
        _Goal(
            "Globale Rahmenvereinbarung vorbereiten",
            "Abgestimmter Vertragsentwurf",
            "bis Jahresende",
            "Entwurf mit dem Konzerneinkauf abgestimmt.",
            "Konzerneinkauf hat das Thema vertagt.",
        ),
    ),
}

CADENCE_NOTES = {
    MeetingCadence.QUARTERLY: (
        "Das Treffen in Q1 findet bei uns in Bruchsal statt, der Workshop in Q3 beim Kunden. "
        "Die Zahlen bereitet der Vertriebsinnendienst vor, die Einladung kommt vom KAM."
    ),
    MeetingCadence.HALF_YEARLY: (
        "Kleines Team: zweimal im Jahr ein ausführliches Treffen, dazwischen Abstimmung per E-Mail."
    ),
    MeetingCadence.MONTHLY: (
        "Viel Projektgeschäft: kurzer Call am ersten Montag im Monat, Treffen vor Ort im Februar, "
        "Account-Plan-Workshop im September."
    ),
}

TITLES = {
    MeetingFormat.IN_PERSON: "Team-Meeting vor Ort {period}",
    MeetingFormat.CALL: "Team-Call {period}",
    MeetingFormat.PLAN_WORKSHOP: "Account-Plan-Workshop {period}",
}

AGENDAS = {
    MeetingFormat.IN_PERSON: (
        "1. Rückblick auf das Vorjahr: Umsatz, Ziele, Projekte\n2. Rollen im Account-Team\n"
        "3. Schwerpunkte und Ziele für dieses Jahr\n4. Offene Maßnahmen"
    ),
    MeetingFormat.CALL: "1. Neuigkeiten vom Kunden\n2. Verkaufschancen\n3. Offene Maßnahmen\n4. Nächste Schritte",
    MeetingFormat.PLAN_WORKSHOP: (
        "1. Account-Plan: Ziele und Maßnahmen überprüfen\n2. Verkaufschancen und Wettbewerb\n"
        "3. Input für die Budgetplanung des nächsten Jahres\n4. Offene Maßnahmen"
    ),
}

# (minutes, decisions, actions as (title, who)) per format; "who" names an internal role, "kam"
# for the account's KAM.
MINUTES: dict[str, tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...]] = {
    MeetingFormat.IN_PERSON: (
        (
            "Umsatz und Ziele des Vorjahres besprochen; der Rahmenvertrag läuft Ende des Jahres aus. "
            "Rollen im Team bestätigt. Schwerpunkte: Servicevertrag für alle Werke, Retrofit der "
            "Montagelinien, Zugang zur neuen technischen Geschäftsführung.",
            (
                "Rollen im Account-Team für das Jahr bestätigt.",
                "Schwerpunkt des Jahres: Servicevertrag für alle Werke.",
            ),
            (
                ("Zielvereinbarungen der Teammitglieder abstimmen", "kam"),
                ("Referenzbericht zum Retrofit aufbereiten", InternalRole.ENGINEERING),
            ),
        ),
        (
            "Rückblick: Liefertreue verbessert, Preisverhandlung schwierig. Der Kunde plant ein neues Werk; "
            "wir wollen früh in die Planung. Die Ersatzteilbevorratung soll neu geregelt werden.",
            ("Wir bieten für das neue Werk eine Antriebsplanung aus einer Hand an.",),
            (
                ("Termin mit der Werksplanung vereinbaren", "kam"),
                ("Ersatzteilverbrauch der letzten zwei Jahre auswerten", InternalRole.INSIDE_SALES),
            ),
        ),
    ),
    MeetingFormat.CALL: (
        (
            "Der Einkauf hat eine Anfrage für Getriebemotoren angekündigt. Die Lieferzeiten für "
            "Frequenzumrichter sind wieder stabil. Reklamation aus Werk Süd ist erledigt.",
            ("Angebot für die Getriebemotoren bis Monatsende abgeben.",),
            (("Ersatzteilliste mit dem Einkauf abstimmen", InternalRole.INSIDE_SALES),),
        ),
        (
            "Neuer Instandhaltungsleiter im Werk Nord; er kennt uns noch nicht. Pilot zur "
            "Zustandsüberwachung stößt auf Interesse.",
            (),
            (
                ("Vorstellungstermin beim neuen Instandhaltungsleiter", InternalRole.SERVICE),
                ("Pilotangebot Zustandsüberwachung vorbereiten", InternalRole.ENGINEERING),
            ),
        ),
        (
            "Kurzer Abgleich: keine Eskalationen, zwei Angebote offen, Wettbewerber mit Preisaktion "
            "bei Standardmotoren.",
            ("Bei Standardmotoren halten wir den Preis und betonen die Lieferfähigkeit.",),
            (("Lieferperformance des Quartals auswerten", InternalRole.LOGISTICS),),
        ),
    ),
    MeetingFormat.PLAN_WORKSHOP: (
        (
            "Account-Plan überprüft: zwei Ziele erreicht, eines gefährdet (Servicevertrag). "
            "Input für die Budgetplanung: Umsatzziel +8 %, Serviceanteil auf 15 % steigern.",
            (
                "Budgetansatz für das nächste Jahr: Umsatz +8 % zum Vorjahr.",
                "Innovationsprojekt Zustandsüberwachung mit dem Kunden pilotieren.",
            ),
            (
                ("Budgetinput an das Vertriebscontrolling senden", "kam"),
                ("Pilotangebot Zustandsüberwachung ausarbeiten", InternalRole.ENGINEERING),
            ),
        ),
        (
            "Chancen und Wettbewerb durchgesprochen; der Kunde bündelt den Einkauf europaweit. "
            "Für die Budgetplanung rechnen wir mit einer Ausschreibung im zweiten Quartal.",
            ("Wir bereiten uns auf die europaweite Ausschreibung vor und holen einen Coach im Einkauf.",),
            (
                ("Entscheiderlandkarte des Konzerneinkaufs ergänzen", "kam"),
                ("Referenzliste für die Ausschreibung zusammenstellen", InternalRole.INSIDE_SALES),
            ),
        ),
    ),
}


@dataclass
class _Team:
    kam: User
    core: list[User]
    everyone: list[User]
    by_role: dict[str, list[User]]

    def pick(self, who: str, rng: random.Random) -> User:
        if who == "kam":
            return self.kam
        people = self.by_role.get(who) or self.core or [self.kam]
        return rng.choice(people)


def _team(account: KeyAccount) -> _Team:
    members = list(
        account.team_memberships.filter(user__is_active=True)
        .select_related("user")
        .order_by("scope", "user__last_name", "pk")
    )
    by_role: dict[str, list[User]] = {}
    for m in members:
        by_role.setdefault(m.internal_role, []).append(m.user)
    return _Team(
        kam=account.owner,
        core=[m.user for m in members if m.scope == TeamScope.CORE],
        everyone=[account.owner, *(m.user for m in members)],
        by_role=by_role,
    )


def _weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


# Roles ------------------------------------------------------------------------------------------


def _roles(account: KeyAccount, team: _Team, index: int) -> list[tuple[str, User]]:
    """Who covers which role, with the gaps described in the module docstring."""
    first = lambda role: (team.by_role.get(role) or [None])[0]  # noqa: E731
    engineer, inside, service = (
        first(InternalRole.ENGINEERING),
        first(InternalRole.INSIDE_SALES),
        first(InternalRole.SERVICE),
    )
    roles = [(AccountRole.RELATIONSHIP_LEADER, team.kam), (AccountRole.RESULTS_DRIVER, team.kam)]
    if engineer and index % 5 != 2:
        roles.append((AccountRole.TECHNICAL_EXPERT, engineer))
    if engineer and index % 3 == 0:
        roles.append((AccountRole.INNOVATOR, engineer))
    if inside:
        roles.append((AccountRole.COLLABORATOR, inside))
    if service:
        roles.append((AccountRole.PROJECT_MANAGER, service))
    elif len(team.by_role.get(InternalRole.INSIDE_SALES, [])) > 1:
        roles.append((AccountRole.PROJECT_MANAGER, team.by_role[InternalRole.INSIDE_SALES][1]))
    for sponsor in team.by_role.get(InternalRole.MANAGEMENT_SPONSOR, []):
        roles.append((AccountRole.RELATIONSHIP_LEADER, sponsor))
    for country in team.by_role.get(InternalRole.COUNTRY_SALES, []):
        roles.append((AccountRole.COLLABORATOR, country))
    return roles


# Goals ------------------------------------------------------------------------------------------


def _goals(
    account: KeyAccount, team: _Team, rng: random.Random, today: datetime.date, result: SeedResult
) -> None:
    """One or two goals per person and year; bonus weights per person and year stay below 100 %."""
    people: list[tuple[User, str]] = [(team.kam, "kam")]
    people += [(user, role) for role, users in team.by_role.items() for user in users]
    for year in (today.year - 1, today.year):
        past = year < today.year
        for user, role in people:
            pool = GOALS.get(role, GOALS[InternalRole.INSIDE_SALES])
            chosen = rng.sample(pool, k=min(len(pool), 1 + (rng.random() < 0.6)))
            bonus_left = 100
            for goal in chosen:
                relevant = role != InternalRole.MANAGEMENT_SPONSOR and rng.random() < 0.6
                weight = min(bonus_left, rng.choice((20, 25, 30, 40))) if relevant else None
                bonus_left -= weight or 0
                if past:
                    met = rng.random() < 0.7
                    status, text = (
                        (GoalStatus.ACHIEVED, goal.result_met)
                        if met
                        else (GoalStatus.MISSED, goal.result_missed)
                    )
                else:
                    status, text = (
                        rng.choice(
                            (GoalStatus.OPEN, GoalStatus.ON_TRACK, GoalStatus.ON_TRACK, GoalStatus.AT_RISK)
                        ),
                        "",
                    )
                services.member_goal_create(
                    actor=None,
                    account=account,
                    user=user,
                    year=year,
                    title=goal.title,
                    measure=goal.measure,
                    target=goal.target,
                    bonus_relevant=relevant,
                    bonus_weight=weight,
                    status=status,
                    result=text,
                )
                result.goals += 1


# Meetings ---------------------------------------------------------------------------------------


def _meetings(
    account: KeyAccount,
    team: _Team,
    cadence: str,
    index: int,
    rng: random.Random,
    today: datetime.date,
    result: SeedResult,
) -> None:
    slots = [
        (values["date"], values["meeting_format"], period, year)
        for year in (today.year - 1, today.year)
        for period, values in services.suggested_meetings(cadence, year)
    ]
    past = [slot for slot in slots if slot[0] < today]
    # On every fourth account the last meeting before today was cancelled: the next one is overdue.
    cancelled = past[-1][0] if past and index % 4 == 1 else None
    prefix = {MeetingCadence.QUARTERLY: "Q", MeetingCadence.HALF_YEARLY: "H"}.get(cadence)
    for day, meeting_format, period, year in slots:
        label = f"{prefix}{period + 1} {year}" if prefix else f"{day:%m}/{year}"
        title = TITLES[meeting_format].format(period=label)
        wide = meeting_format != MeetingFormat.CALL
        participants = team.everyone if wide else [team.kam, *team.core]
        if day >= today:
            services.team_meeting_create(
                actor=None,
                account=account,
                date=day,
                title=title,
                meeting_format=meeting_format,
                agenda=AGENDAS[meeting_format],
                participants=participants,
            )
            result.meetings += 1
            continue
        if day == cancelled:
            services.team_meeting_create(
                actor=None,
                account=account,
                date=day,
                title=title,
                meeting_format=meeting_format,
                status=MeetingStatus.CANCELLED,
                agenda=AGENDAS[meeting_format],
            )
            result.meetings += 1
            continue
        minutes, decisions, actions = rng.choice(MINUTES[meeting_format])
        # Not everybody can make every meeting.
        present = [p for p in participants if p == team.kam or rng.random() < 0.85]
        meeting = services.team_meeting_create(
            actor=None,
            account=account,
            date=day,
            title=title,
            meeting_format=meeting_format,
            status=MeetingStatus.HELD,
            agenda=AGENDAS[meeting_format],
            minutes=minutes,
            participants=present,
        )
        result.meetings += 1
        for text in decisions:
            services.meeting_decision_create(actor=None, meeting=meeting, text=text)
            result.decisions += 1
        recent = (today - day).days <= RECENT_DAYS
        for action_title, who in actions:
            if recent:
                status = ActionStatus.OPEN
            else:
                status = ActionStatus.DROPPED if rng.random() < 0.1 else ActionStatus.DONE
            services.meeting_action_create(
                actor=None,
                meeting=meeting,
                title=action_title,
                owner=team.pick(who, rng),
                due_on=_weekday(day + datetime.timedelta(days=rng.choice((14, 21, 30, 45)))),
                status=status,
            )
            result.actions += 1


def _cadence_for(index: int) -> str:
    if index % 7 == 3:
        return MeetingCadence.MONTHLY
    if index % 5 == 4:
        return MeetingCadence.HALF_YEARLY
    return MeetingCadence.QUARTERLY


def _untouched(account: KeyAccount) -> bool:
    return not (
        RoleAssignment.objects.filter(account=account).exists()
        or MemberGoal.objects.filter(account=account).exists()
        or TeamMeeting.objects.filter(account=account).exists()
        or TeamCadence.objects.filter(account=account).exists()
    )


@transaction.atomic
def _seed_account(account: KeyAccount, index: int, today: datetime.date, result: SeedResult) -> None:
    rng = random.Random(SEED + index)
    team = _team(account)
    for role, user in _roles(account, team, index):
        services.role_assign(actor=None, account=account, role=role, user=user)
        result.roles += 1
    _goals(account, team, rng, today, result)
    cadence = _cadence_for(index)
    services.team_cadence_update(actor=None, account=account, cadence=cadence, notes=CADENCE_NOTES[cadence])
    _meetings(account, team, cadence, index, rng, today, result)
    result.accounts += 1


def seed_teams(*, users: Mapping[str, User] | None = None, today: datetime.date | None = None) -> SeedResult:
    """Seed every key account (see the module docstring).

    ``users`` is accepted for the generator's uniform call; the people come from each account's
    team. An account that has roles, goals, meetings or a cadence already is left alone, so a
    second call changes nothing.
    """
    result = SeedResult()
    today = today or timezone.localdate()
    accounts = KeyAccount.objects.select_related("customer", "owner").order_by("pk")
    for index, account in enumerate(accounts):
        if _untouched(account):
            _seed_account(account, index, today, result)
    return result
