"""Communication hints for the four colours and the life motives, written for OpenKAM.

A hint is a starting point for preparing a conversation, not a verdict on a person: the colours
describe preferred ways of communicating, and most people show two of them. The meeting brief
(``openkam.relationships``) and the personality pages show ``hints_for_profile``; they must have
got the profile from ``permissions.profiles_for_viewer``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Colour, Motive


@dataclass(frozen=True)
class ColourHint:
    """How to prepare, open, argue and close with a person of one colour, and what to avoid."""

    colour: Colour
    summary: Promise
    prepare: Promise
    open: Promise
    argue: Promise
    close: Promise
    avoid: Promise

    @property
    def label(self) -> str:
        return self.colour.label

    def steps(self) -> list[tuple[Promise, Promise]]:
        """(heading, advice) in the order of a conversation, for templates."""
        return [
            (pgettext_lazy("conversation step", "Prepare"), self.prepare),
            (pgettext_lazy("conversation step", "Open"), self.open),
            (pgettext_lazy("conversation step", "Argue"), self.argue),
            (pgettext_lazy("conversation step", "Close"), self.close),
            (pgettext_lazy("conversation step", "Avoid"), self.avoid),
        ]


@dataclass(frozen=True)
class MotiveHint:
    """What to appeal to with a person for whom one life motive is strong."""

    motive: Motive
    appeal: Promise

    @property
    def label(self) -> str:
        return self.motive.label


COLOUR_HINTS: dict[str, ColourHint] = {
    Colour.RED: ColourHint(
        Colour.RED,
        summary=_(
            "Fact-oriented and extrovert: wants results, decides quickly, respects strength and likes "
            "to keep control."
        ),
        prepare=_(
            "Boil the case down to one page: the result for their business, the cost and the decision "
            "you need. Have two or three options ready so that they can choose."
        ),
        open=_(
            "Come to the point within the first minutes. Name the aim of the meeting and how long it "
            "will take; leave out small talk unless they start it."
        ),
        argue=_(
            "Argue with results, time saved and advantage over the competition. Be brief, confident and "
            "direct; answer objections with facts, not with apologies."
        ),
        close=_(
            "Ask openly for the decision and let them take it. Confirm who does what by when and keep "
            "the follow-up short."
        ),
        avoid=_(
            "Long introductions, details nobody asked for, hesitation, and anything that looks like "
            "taking control away from them."
        ),
    ),
    Colour.BLUE: ColourHint(
        Colour.BLUE,
        summary=_(
            "Fact-oriented and introvert: thinks before deciding, trusts data and expertise, values "
            "precision and reliability."
        ),
        prepare=_(
            "Send the agenda and the documents in advance. Check every figure; bring specifications, "
            "references, test results and their sources."
        ),
        open=_(
            "Start on time and in an orderly way: go through the agenda and the questions left open at "
            "the last contact."
        ),
        argue=_(
            "Show step by step how you reach your conclusions. Give evidence, name limits honestly and "
            "leave room for questions."
        ),
        close=_(
            "Do not press for an immediate decision. Agree on the next step and its date, and confirm "
            "everything in writing."
        ),
        avoid=_(
            "Exaggeration, vague promises, improvised figures, time pressure and a casual attitude "
            "towards details."
        ),
    ),
    Colour.GREEN: ColourHint(
        Colour.GREEN,
        summary=_(
            "People-oriented and introvert: a loyal team player who values harmony, trust and lasting "
            "relationships, and decides together with others."
        ),
        prepare=_(
            "Find out who else the decision affects and what it means for their team. Plan enough time "
            "for the conversation."
        ),
        open=_(
            "Take time for a personal start: ask how things are going for them and their team, and listen."
        ),
        argue=_(
            "Stress security, continuity and support: how the solution helps the people who work with "
            "it, what stays dependable and who will be there to help."
        ),
        close=_(
            "Give them time to consult their colleagues. Offer help with the internal coordination and "
            "agree on a considerate follow-up."
        ),
        avoid=_(
            "Pressure, confrontation, surprises and abrupt changes, and disregard for the people who "
            "will be affected."
        ),
    ),
    Colour.ORANGE: ColourHint(
        Colour.ORANGE,
        summary=_(
            "People-oriented and extrovert: enthusiastic, sociable and open to new ideas, likes to be "
            "seen and decides spontaneously."
        ),
        prepare=_(
            "Think of a story, a vivid example or a reference from a well-known company. Keep the "
            "documents short and visual."
        ),
        open=_(
            "Begin in a friendly, personal way; show interest in their ideas and projects and let your "
            "own enthusiasm show."
        ),
        argue=_(
            "Paint a picture of the future: what becomes possible, the recognition they will earn, what "
            "others already achieve with it. Let them add their own ideas."
        ),
        close=_(
            "Use the momentum: agree on concrete next steps right away and put the details in writing "
            "afterwards, because they may not."
        ),
        avoid=_(
            "Dry columns of figures, too much detail, cool distance, and letting enthusiasm fade without "
            "a commitment."
        ),
    ),
}

MOTIVE_HINTS: dict[str, MotiveHint] = {
    Motive.POWER: MotiveHint(
        Motive.POWER,
        _("Show how the solution strengthens their influence and lets them shape decisions."),
    ),
    Motive.INDEPENDENCE: MotiveHint(
        Motive.INDEPENDENCE,
        _("Leave them room to decide and stress their freedom: no lock-in, options they choose themselves."),
    ),
    Motive.CURIOSITY: MotiveHint(
        Motive.CURIOSITY,
        _(
            "Offer new insights and room to explore: background knowledge, pilot projects, technical deep dives."
        ),
    ),
    Motive.ACCEPTANCE: MotiveHint(
        Motive.ACCEPTANCE,
        _("Give recognition and reassurance; show that colleagues and management will welcome the decision."),
    ),
    Motive.ORDER: MotiveHint(
        Motive.ORDER,
        _("Offer structure: clear processes, plans and documentation that make the result predictable."),
    ),
    Motive.SAVING: MotiveHint(
        Motive.SAVING,
        _(
            "Stress efficiency, total cost of ownership and value for money: what they keep and what they save."
        ),
    ),
    Motive.HONOUR: MotiveHint(
        Motive.HONOUR,
        _("Appeal to principles, loyalty and keeping one's word; be reliable and fair in every detail."),
    ),
    Motive.IDEALISM: MotiveHint(
        Motive.IDEALISM,
        _("Show the contribution to a greater good: sustainability, fairness, responsibility for society."),
    ),
    Motive.FAMILY: MotiveHint(
        Motive.FAMILY,
        _(
            "Respect their family time; show how the solution makes everyday work safer and easier for their people."
        ),
    ),
    Motive.STATUS: MotiveHint(
        Motive.STATUS,
        _("Offer exclusivity and visibility: premium solutions, flagship references, a stage at events."),
    ),
    Motive.VENGEANCE: MotiveHint(
        Motive.VENGEANCE,
        _("Speak to their will to win: getting ahead of the competition, proving doubters wrong."),
    ),
    Motive.ROMANCE: MotiveHint(
        Motive.ROMANCE,
        _("Appeal to aesthetics and enjoyment: attractive design, a pleasant setting for meetings."),
    ),
    Motive.EATING: MotiveHint(
        Motive.EATING,
        _("Make a shared meal the occasion: a business lunch, a good dinner at the trade fair."),
    ),
    Motive.PHYSICAL_ACTIVITY: MotiveHint(
        Motive.PHYSICAL_ACTIVITY,
        _("Suggest active formats: a plant tour, a meeting on foot, a company run or sports event."),
    ),
    Motive.TRANQUILLITY: MotiveHint(
        Motive.TRANQUILLITY,
        _("Take away risk and worry: guarantees, proven solutions, a calm introduction step by step."),
    ),
    Motive.SOCIAL_CONTACT: MotiveHint(
        Motive.SOCIAL_CONTACT,
        _("Create occasions to meet people: user groups, networks, events with other customers."),
    ),
}


@dataclass(frozen=True)
class ProfileHints:
    """The hints for one profile: colours dominant first, then the strongest motives.

    ``weak_motives`` are the labels of the weakest motives: arguments built on them carry
    little weight with the person.
    """

    colours: list[ColourHint] = field(default_factory=list)
    motives: list[MotiveHint] = field(default_factory=list)
    weak_motives: list[str] = field(default_factory=list)


def hints_for_profile(profile) -> ProfileHints:
    """The communication hints for a ``PersonalityProfile`` (obtained via ``profiles_for_viewer``)."""
    colours = [COLOUR_HINTS[c] for c in (profile.primary_colour, profile.secondary_colour) if c]
    return ProfileHints(
        colours=colours,
        motives=[MOTIVE_HINTS[m] for m in profile.strongest_motives],
        weak_motives=[Motive(m).label for m in profile.weakest_motives],
    )
