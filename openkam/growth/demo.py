"""Growth-plan answers for the demo company.

``seed_growth`` runs after the plans exist (``openkam.plans.demo.seed_plans``) and fills the
growth-plan questions of every account plan it finds, as far as the plan's research step has
come: a plan past research has dealt with nearly every question, one in research with half of
each category (the rest still open, some as research actions of the team), one still at its
strategy with a few facts. Plans without steps take these states in turn, the last one being
"not started". The last plan whose research is complete carries two answers that speak against
the KAM fit.

Last year's completed plan is answered earlier: the generator hands ``seed_growth_for_plan`` to
``seed_plans``, which calls it when that plan's research is done, before its versions are frozen
(a frozen version keeps the growth-plan answers) and before this year's plan is started from it
(which takes the answers over). ``seed_growth`` then lets the team of such a carried-over plan in
research re-check what may have changed: a few questions become research actions again.

Everything is written through the services with the account's KAM as the actor, so the timeline
shows it as people would have done it. Which plan gets what depends only on the database (plan
order by account and fiscal year), so equal demo companies get equal answers. The texts are
German, like the rest of the demo's data.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from openkam.plans.choices import Step, StepState
from openkam.plans.models import Plan
from openkam.users.models import User

from . import services
from .choices import AnswerStatus
from .models import Answer, Question
from .question_bank import install_default_questions

# What the team knows, by question key. "{kunde}" is the customer's name.
ANSWERS: dict[str, str] = {
    "team-core-team": "Kernteam: KAM, Innendienst und Anwendungstechnik; der Service wird bei Anlagenprojekten "
    "hinzugezogen.",
    "team-roles-covered": "Beziehung und Technik sind gut besetzt. Projektleitung und Innovation fehlen – "
    "wir holen die Produktentwicklung stärker ins Team.",
    "team-responsibilities": "Rahmenvertrag: KAM verantwortlich, Vertriebsleitung entscheidet. Länderangebote "
    "macht der Innendienst auf Basis des Rahmenvertrags.",
    "team-capacity": "Für die geplanten Projekte fehlen rund 20 Tage Anwendungstechnik; Budget für zwei "
    "Kundenworkshops ist eingeplant.",
    "team-executive-sponsor": "Unsere Geschäftsführung trifft die Geschäftsführung von {kunde} zweimal im Jahr, "
    "zuletzt auf der Hannover Messe.",
    "team-information-exchange": "Quartalsweise: Q1 Teamtreffen vor Ort, Q2 und Q4 Videocall, Q3 "
    "Account-Plan-Workshop vor der Budgetplanung.",
    "people-decision-makers": "Über Antriebe entscheidet der technische Geschäftsführer, über den "
    "Rahmenvertrag der Leiter des strategischen Einkaufs.",
    "people-influencers": "Die Konstruktionsleitung und die Instandhaltung der beiden Hauptwerke prägen die "
    "Spezifikationen.",
    "people-coach": "Die Leiterin der Instandhaltung unterstützt uns und erklärt, wie Freigaben intern laufen.",
    "people-attitude": "Technik sieht uns als Befürworter; der Einkauf ist neutral und vergleicht vor allem "
    "Preise.",
    "people-levels": "Fachebene und Projektleitung sind gut abgedeckt, auf Ebene der Geschäftsführung nur "
    "über unseren Sponsor.",
    "people-changes": "Der Einkaufsleiter geht Ende des Jahres in den Ruhestand; die Nachfolge ist offen.",
    "trends-market": "{kunde} verlagert Fertigung nach Osteuropa und baut Servicegeschäft mit "
    "Fernwartung auf.",
    "trends-end-customers": "Die Kunden von {kunde} verlangen kürzere Lieferzeiten und Nachweise zum "
    "Energieverbrauch der Maschinen.",
    "trends-technology": "Vernetzte Antriebe mit Zustandsüberwachung werden Standard; {kunde} testet "
    "eigene Plattformen.",
    "trends-regulation": "Ab nächstem Jahr gelten verschärfte Effizienzklassen für Motoren und neue "
    "Berichtspflichten zur Lieferkette.",
    "trends-sustainability": "{kunde} will die CO₂-Emissionen bis 2030 halbieren und fordert von "
    "Lieferanten Produkt-CO₂-Bilanzen.",
    "trends-economy": "Höhere Energiepreise drücken die Marge; Investitionen in neue Anlagen wurden "
    "teilweise verschoben.",
    "needs-strategy": "Ausbau des Servicegeschäfts, Standardisierung der Maschinenplattformen, "
    "Senkung der Energiekosten.",
    "needs-hurdles": "Zu viele Antriebsvarianten und wenig Personal in der Konstruktion.",
    "needs-urgent-problems": "Lieferverzug bei Steuerungen verzögert Auslieferungen; Stillstände in einem "
    "Werk durch Getriebeschäden.",
    "needs-supplier-requirements": "Liefertreue (sehr wichtig), technische Beratung (wichtig), Preis "
    "(wichtig), Ersatzteilverfügbarkeit (sehr wichtig).",
    "needs-our-performance": "Bei Beratung und Ersatzteilen vor dem Wettbewerb, bei Liefertreue zuletzt "
    "schwächer.",
    "needs-buying-process": "Rahmenvertrag über drei Jahre, jährliche Preisrunde im Oktober, Budgetplanung "
    "im September.",
    "needs-kpis": "Gesamtanlageneffektivität, Liefertreue der Lieferanten, Energieverbrauch je Maschine.",
    "insights-history": "Umsatz seit drei Jahren leicht steigend, getragen von Getriebemotoren; Steuerungen "
    "stagnieren.",
    "insights-share-of-wallet": "Geschätzt ein Drittel des Bedarfs an Antriebstechnik.",
    "insights-satisfaction": "Lob für die schnelle Hilfe bei Stillständen, Kritik an der Liefertreue im "
    "letzten Quartal.",
    "insights-culture": "Langfristig orientiert und offen für gemeinsame Entwicklungen.",
    "insights-sources": "Geschäftsbericht, Gespräche mit der Instandhaltung, Messebesuche, "
    "Auswertungen aus dem ERP.",
    "competitors-who": "Zwei große Wettbewerber liefern Umrichter und Servoantriebe, ein regionaler "
    "Anbieter Sondergetriebe.",
    "competitors-share": "Wir rund 35 %, Hauptwettbewerber rund 40 %, der Rest verteilt sich.",
    "competitors-strengths": "Der Hauptwettbewerber ist bei Steuerungen und Software stärker, wir bei "
    "Getrieben und Service.",
    "competitors-next-moves": "Der Hauptwettbewerber wird ein Komplettpaket mit Software zu aggressiven "
    "Preisen anbieten.",
    "competitors-partners": "Mit einem Integrator für Automatisierung könnten wir Komplettlösungen anbieten.",
    "value-today": "Weniger Stillstände durch schnellen Ersatzteilservice; geringerer Energieverbrauch "
    "durch IE4-Motoren.",
    "value-why-us": "Technische Beratung vor Ort und Ersatzteile innerhalb von 24 Stunden.",
    "value-whitespace": "Das Werk in Tschechien bezieht noch keine Getriebemotoren von uns; Service "
    "nutzt nur ein Werk.",
    "value-cross-selling": "Frequenzumrichter zu den Getriebemotoren, Wartungsverträge für alle Werke.",
    "value-business-case": "Ein Energieeffizienz-Paket spart rund 180.000 € im Jahr; Business Case für die "
    "Geschäftsführung in Arbeit.",
    "value-for-us": "{kunde} ist eine starke Referenz im Maschinenbau und Pilotkunde für Zustandsüberwachung.",
    "unknowns-assumptions": "Dass die Investitionen im nächsten Jahr wieder anlaufen und der neue Einkauf "
    "am Rahmenvertrag festhält.",
    "unknowns-ask-the-customer": "Wie sieht die Plattformstrategie für 2028 aus, und wer entscheidet über "
    "Software?",
    "unknowns-risks": "Preisdruck durch das Komplettangebot des Wettbewerbers; Wechsel im Einkauf.",
    "team-skill-gaps": "Finanzielle Argumentation gegenüber der Geschäftsführung; ein Training zum Business "
    "Case ist für das Frühjahr geplant.",
    "unknowns-kam-fit": "Ja: großes Potenzial, partnerschaftliche Zusammenarbeit und ein Team, das den Kunden "
    "kennt.",
    # Found out during the research step (the open research actions of plans still in research).
    "people-blockers": "Der neue Controlling-Leiter prüft alle Rahmenverträge; er steht uns neutral gegenüber.",
    "people-motives": "Die Geschäftsführung will unabhängig von einzelnen Lieferanten werden und legt Wert "
    "auf Zuverlässigkeit.",
    "needs-unspoken": "Weniger Antriebsvarianten würden Konstruktion und Lager spürbar entlasten.",
    "competitors-business-at-risk": "Die Ersatzteile für Sondergetriebe; der regionale Anbieter ist "
    "schneller.",
    "unknowns-least-certain": "Den tatsächlichen Bedarf des Werks in Tschechien.",
    "insights-profitability": "Ja, nach Serviceaufwand rund 18 % Deckungsbeitrag.",
    "value-investment": "Zwei Personentage je Quartal für Workshops; der erwartete Mehrumsatz rechtfertigt das.",
}

# Why a question does not apply, by key.
NOT_APPLICABLE: dict[str, str] = {
    "trends-consolidation": "Familienunternehmen, keine Übernahmen geplant.",
    "competitors-relationships": "Kein Wettbewerber hat Kontakte, die uns fehlen.",
    "unknowns-internal-support": "Ressourcen sind im Budget freigegeben.",
}

# What the team still has to find out, by key: (notes, month of the deadline in the plan's year).
RESEARCH: dict[str, tuple[str, int]] = {
    "people-blockers": ("Klären, wie der neue Controlling-Leiter zu unserem Angebot steht.", 3),
    "people-motives": ("Persönliche Motive der Geschäftsführung beim nächsten Treffen erfassen.", 4),
    "needs-unspoken": ("Workshop mit der Konstruktion zu Variantenreduktion vorschlagen.", 5),
    "competitors-business-at-risk": ("Welche Ersatzteilaufträge gehen an den regionalen Anbieter?", 4),
    "unknowns-least-certain": ("Tatsächlichen Bedarf des Werks in Tschechien ermitteln.", 6),
}

# Answers that speak against the KAM fit, used in one well-advanced plan.
FIT_CONCERNS: dict[str, str] = {
    "insights-profitability": "Nach Sonderkonditionen und Serviceaufwand bleibt kaum Deckungsbeitrag.",
    "value-investment": "Die geforderten Vorleistungen für die Plattform rechnen sich erst nach fünf Jahren.",
}

# How much of each category a plan has dealt with: all (research done), half (in research), a
# few facts (strategy) or nothing. Plans without steps cycle through them in this order.
COMPLETE, IN_RESEARCH, STARTED, NOT_STARTED = 1.0, 0.5, 0.2, 0.0
STATES = (COMPLETE, IN_RESEARCH, STARTED, NOT_STARTED)


@dataclass
class SeedResult:
    plans: int = 0
    answers: int = 0
    research: int = 0
    fit_concerns: int = 0


def _owner_and_team(plan: Plan) -> list[User]:
    account = plan.account
    people = [account.owner] if account.owner.is_active else []
    people += [
        m.user for m in account.team_memberships.select_related("user").order_by("pk") if m.user.is_active
    ]
    return people


def _chosen(questions: list[Question], share: float, offset: int) -> set[str]:
    """The keys a plan deals with: ``share`` of each category (rounded up), starting at a different
    question per plan so that the plans of the demo do not all answer the same ones."""
    chosen = set()
    for category in {q.category for q in questions}:
        block = [q for q in questions if q.category == category]
        quota = math.ceil(share * len(block))
        chosen |= {q.key for i, q in enumerate(block) if (i + offset) % len(block) < quota}
    return chosen


def _arguments(question: Question, share: float, *, with_concerns: bool, owner: User | None, plan: Plan):
    """What the team records for ``question`` in a plan at ``share``; None: nothing yet."""
    key = question.key
    if with_concerns and key in FIT_CONCERNS:
        return {"status": AnswerStatus.ANSWERED, "text": FIT_CONCERNS[key], "against_fit": True}
    if key in NOT_APPLICABLE:
        return {"status": AnswerStatus.NOT_APPLICABLE, "not_applicable_reason": NOT_APPLICABLE[key]}
    if key in RESEARCH and share < COMPLETE and owner is not None:
        notes, month = RESEARCH[key]
        return {
            "status": AnswerStatus.RESEARCH,
            "text": notes,
            "research_owner": owner,
            "research_due_date": datetime.date(plan.fiscal_year, month, 15),
        }
    if key in ANSWERS:
        return {
            "status": AnswerStatus.ANSWERED,
            "text": ANSWERS[key].format(kunde=plan.account.customer.name),
        }
    return None


def _seed_plan(plan: Plan, share: float, *, offset: int, with_concerns: bool, result: SeedResult) -> None:
    questions = list(Question.objects.filter(is_active=True).order_by("category", "position", "pk"))
    chosen = _chosen(questions, share, offset) | (set(FIT_CONCERNS) if with_concerns else set())
    people = _owner_and_team(plan)
    actor = plan.account.owner if plan.account.owner.is_active else None
    for number, question in enumerate(questions):
        if question.key not in chosen:
            continue
        owner = people[number % len(people)] if people else None
        arguments = _arguments(question, share, with_concerns=with_concerns, owner=owner, plan=plan)
        if arguments is None:
            continue
        services.answer_save(actor=actor, plan=plan, question=question, version=0, **arguments)
        result.answers += 1
        result.research += arguments["status"] == AnswerStatus.RESEARCH
        result.fit_concerns += bool(arguments.get("against_fit"))


def _recheck(plan: Plan, result: SeedResult) -> None:
    """The team of a plan that took its answers over from the previous cycle turns the questions
    most likely to have changed (``RESEARCH``) into research actions for this year."""
    people = _owner_and_team(plan)
    if not people:
        return
    actor = plan.account.owner if plan.account.owner.is_active else None
    answers = (
        Answer.objects.filter(plan=plan, question__key__in=RESEARCH, question__is_active=True)
        .select_related("question")
        .order_by("question__category", "question__position", "question__pk")
    )
    for number, answer in enumerate(answers):
        notes, month = RESEARCH[answer.question.key]
        services.answer_save(
            actor=actor,
            plan=plan,
            question=answer.question,
            status=AnswerStatus.RESEARCH,
            text=notes,
            research_owner=people[number % len(people)],
            research_due_date=datetime.date(plan.fiscal_year, month, 15),
            version=answer.version,
        )
        result.research += 1


def _share(plan: Plan, index: int) -> float:
    """How far the plan's research is, from its steps (the plans app's demo sets them): done,
    under way, or the plan is still at its strategy. Plans without steps take turns."""
    states = {step.step: step.state for step in plan.steps.all()}
    if not states:
        return STATES[index % len(STATES)]
    if states.get(Step.RESEARCH) == StepState.DONE:
        return COMPLETE
    if states.get(Step.STRATEGY) == StepState.DONE or states.get(Step.RESEARCH) == StepState.IN_PROGRESS:
        return IN_RESEARCH
    return STARTED


@transaction.atomic
def seed_growth(*, users: Mapping[str, User] | None = None) -> SeedResult:
    """Fill the growth-plan questions of the existing account plans (see the module docstring).

    ``users`` is accepted for the generator's uniform call and not needed: the KAM of each account
    answers, the owner and team own the research actions. Plans that have answers already are
    left alone, except a plan in research that took its answers over from the previous cycle and
    has no research answer yet: its team re-checks a few. So a second call changes nothing.
    """
    install_default_questions(Question)
    result = SeedResult()
    plans = _plans_in_order()
    answered = set(Answer.objects.values_list("plan_id", flat=True).distinct())
    researching = set(
        Answer.objects.filter(status=AnswerStatus.RESEARCH).values_list("plan_id", flat=True).distinct()
    )
    shares = [_share(plan, index) for index, plan in enumerate(plans)]
    # The answers against the KAM fit go to the last plan whose research is complete (unless the
    # database holds some already).
    concerns_in = None
    if not Answer.objects.filter(against_fit=True).exists():
        concerns_in = max((i for i, share in enumerate(shares) if share == COMPLETE), default=None)
    for index, plan in enumerate(plans):
        if not shares[index]:
            continue
        if plan.pk not in answered:
            _seed_plan(plan, shares[index], offset=index, with_concerns=index == concerns_in, result=result)
            result.plans += 1
        elif plan.previous_id and shares[index] == IN_RESEARCH and plan.pk not in researching:
            # Answers taken over from the previous cycle; once re-checked it has research answers.
            _recheck(plan, result)
    return result


def _plans_in_order():
    return list(
        Plan.objects.select_related("account", "account__owner", "account__customer")
        .prefetch_related("steps")
        .order_by("account_id", "fiscal_year", "pk")
    )


@transaction.atomic
def seed_growth_for_plan(plan: Plan) -> SeedResult:
    """Answer the growth-plan questions of ``plan`` as a team whose research is complete (nearly
    every question dealt with, none against the KAM fit), whatever its steps say yet.

    ``openkam.plans.demo.seed_plans`` calls it for a plan before freezing versions of it. The
    plan gets the answers ``seed_growth`` would give it at its place in the plan order, so the
    demo stays deterministic; a plan that has answers already is left alone.
    """
    install_default_questions(Question)
    result = SeedResult()
    if Answer.objects.filter(plan=plan).exists():
        return result
    offset = next(index for index, other in enumerate(_plans_in_order()) if other.pk == plan.pk)
    _seed_plan(plan, COMPLETE, offset=offset, with_concerns=False, result=result)
    result.plans += 1
    return result
