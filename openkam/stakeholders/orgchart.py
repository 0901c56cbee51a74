"""The relationship map: an org chart of an account's stakeholders, laid out and drawn as SVG.

The same function draws the map in the page (inline SVG: every person a link to their page, a
``<title>`` tooltip with everything we know) and the static SVG file for exports (no links), so
both always show the same layout. It is drawn on the server rather than in the browser: the page
needs no script (nothing to break under the strict Content Security Policy), links are reachable
by keyboard and screen readers, and the file for exports is exactly what the page shows. The
drawing uses presentation attributes only (``fill``, ``opacity``), no ``style``.

What a node shows:

- name, function and roles in buying decisions as text;
- the attitude towards us as the colour of the node *and* as a symbol with its name
  (``++ Champion`` … ``−− Opponent``, ``? Attitude unknown``), so colour is never the only cue;
- influence as the size of the node and as five dots (``●●●○○``);
- a star badge for our coach;
- ``↔`` and the colleague of ours who owns the relationship (``↔ nobody of ours`` when nobody does).

Layout (``layout_people``): roots are the people who report to nobody, or to someone who is not
on the map. Below each person their direct reports, ordered by hierarchy level, influence and
name. Three or more direct reports who have no reports of their own are stacked in a column (a
department of clerks would otherwise make the chart very wide); otherwise the reports stand side
by side with their boss centred above them, and those without reports of their own (two or
more) share a column at the end of the row. Subtrees never overlap: each is a box placed next to
its siblings. The trees of several roots flow into rows of at most ``MAX_ROW_WIDTH``.
Validation keeps reports-to free of cycles; should stored data contain one anyway, the person of
the loop that sorts first becomes a root (listed in ``Layout.broken``) instead of the layout
looping forever.

This module takes plain values (``Person``) and returns strings; it uses no Django part except
translation and date formatting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from .choices import (
    ATTITUDE_SYMBOLS,
    UNKNOWN_ATTITUDE_SYMBOL,
    Attitude,
    BuyingRole,
    HierarchyLevel,
    Influence,
    RelationshipStrength,
)

__all__ = [
    "ATTITUDE_COLOURS",
    "Layout",
    "Person",
    "Placed",
    "layout_people",
    "orgchart_svg",
    "people_from_stakeholders",
]

#: Fill (light tint, dark text stays readable) and outline per attitude: a diverging scale from
#: the Okabe-Ito palette, distinguishable with colour-vision deficiencies.
ATTITUDE_COLOURS: dict[int | None, tuple[str, str]] = {
    Attitude.CHAMPION: ("#cdeee3", "#00795a"),
    Attitude.SUPPORTER: ("#dcf0fb", "#1f78b4"),
    Attitude.NEUTRAL: ("#ececec", "#6b6b6b"),
    Attitude.SCEPTIC: ("#fcebc8", "#a86f00"),
    Attitude.OPPONENT: ("#f9d9c6", "#b34a00"),
    None: ("#ffffff", "#7b8794"),
}
COACH_FILL = "#F0E442"
TEXT = "#1f2933"
MUTED = "#52606d"
LINE = "#7b8794"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

MARGIN = 16
H_GAP = 24  # between sibling subtrees
V_GAP = 40  # between a boss and the row of their reports
STACK_MIN = 3  # this many leaf reports or more are stacked in a column
STACK_INDENT = 28
STACK_GAP = 10
ROOT_GAP = 40
ROW_GAP = 48
MAX_ROW_WIDTH = 1400
DIMMED_OPACITY = "0.3"

_LEVEL_ORDER = {level: index for index, level in enumerate(HierarchyLevel.values)}


@dataclass(frozen=True)
class Person:
    """One stakeholder as the map needs it: plain values, already chosen for display."""

    id: int
    name: str
    function: str = ""
    reports_to: int | None = None
    level: str = ""
    roles: tuple[str, ...] = ()
    attitude: int | None = None
    influence: int | None = None
    is_coach: bool = False
    owner: str = ""
    strength: int | None = None
    last_contact: date | None = None
    url: str | None = None
    #: False dims the node (it does not match the page's filters) but keeps the tree intact.
    highlighted: bool = True


def node_size(influence: int | None) -> tuple[int, int]:
    """Width and height of a node: larger with more influence (unknown counts as very low)."""
    step = (influence or Influence.VERY_LOW) - Influence.VERY_LOW
    return 184 + 14 * step, 92 + 6 * step


@dataclass
class Placed:
    """A person's node on the map: top-left corner, size and the boss it hangs from (if drawn)."""

    person: Person
    x: float
    y: float
    width: float
    height: float
    parent: int | None = None


@dataclass
class Layout:
    nodes: list[Placed] = field(default_factory=list)
    #: Lines from bosses to their reports, each a polyline of (x, y) points.
    connectors: list[list[tuple[float, float]]] = field(default_factory=list)
    width: float = 0
    height: float = 0
    roots: list[int] = field(default_factory=list)
    #: People whose reports-to was ignored because it closed a loop (should never happen).
    broken: list[int] = field(default_factory=list)

    def node(self, person_id: int) -> Placed:
        return next(n for n in self.nodes if n.person.id == person_id)


def _sort_key(person: Person) -> tuple:
    return (
        _LEVEL_ORDER.get(person.level, len(_LEVEL_ORDER)),
        -(person.influence or 0),
        person.name.casefold(),
        person.id,
    )


def _forest(
    people: Sequence[Person],
) -> tuple[list[int], dict[int, list[int]], dict[int, int | None], list[int]]:
    """Roots, children and parents of the tree to draw; loops are cut (see the module docstring)."""
    by_id = {p.id: p for p in people}
    parent: dict[int, int | None] = {
        p.id: p.reports_to if p.reports_to in by_id and p.reports_to != p.id else None for p in people
    }
    ordered = sorted(people, key=_sort_key)
    broken: list[int] = []
    reached: set[int] = set()

    def reach(start: int) -> None:
        stack = [start]
        while stack:
            current = stack.pop()
            if current in reached:
                continue
            reached.add(current)
            stack.extend(child for child, boss in parent.items() if boss == current)

    for person in ordered:
        if parent[person.id] is None:
            reach(person.id)
    for person in ordered:
        if person.id in reached:
            continue
        # Not reachable from a root: the chain above this person ends in a loop. Cut the loop at
        # the member that sorts first.
        chain: list[int] = []
        current: int | None = person.id
        while current is not None and current not in chain:
            chain.append(current)
            current = parent[current]
        loop = chain[chain.index(current) :] if current is not None else chain
        cut = min(loop, key=lambda pid: _sort_key(by_id[pid]))
        parent[cut] = None
        broken.append(cut)
        reach(cut)
    children: dict[int, list[int]] = {p.id: [] for p in ordered}
    roots = []
    for person in ordered:
        boss = parent[person.id]
        if boss is None:
            roots.append(person.id)
        else:
            children[boss].append(person.id)
    return roots, children, parent, broken


@dataclass
class _Box:
    width: float
    height: float
    anchor: float  # x of the person's node centre, from the box's left edge
    stacked: bool = False
    row_offset: float = 0.0
    #: Side-by-side mode: each entry is one report's subtree or a column of reports without reports.
    row: list[list[int]] = field(default_factory=list)


def _column_size(sizes: list[tuple[int, int]]) -> tuple[float, float]:
    return (
        STACK_INDENT + max(w for w, _h in sizes),
        sum(h for _w, h in sizes) + STACK_GAP * (len(sizes) - 1),
    )


def layout_people(people: Sequence[Person]) -> Layout:
    """Place every person (see the module docstring); coordinates start at (0, 0)."""
    by_id = {p.id: p for p in people}
    roots, children, _parent, broken = _forest(people)
    boxes: dict[int, _Box] = {}

    def size(pid: int) -> tuple[int, int]:
        return node_size(by_id[pid].influence)

    def measure(pid: int) -> _Box:
        width, height = size(pid)
        kids = children[pid]
        leaves = [k for k in kids if not children[k]]
        if not kids:
            box = _Box(width, height, width / 2)
        elif len(kids) >= STACK_MIN and len(leaves) == len(kids):
            column_width, column_height = _column_size([size(k) for k in kids])
            box = _Box(max(width, column_width), height + V_GAP / 2 + column_height, width / 2, stacked=True)
        else:
            # Reports with teams of their own stand side by side; two or more without one share
            # a column at the end of the row, so a boss of specialists does not widen the chart.
            column = leaves if len(leaves) >= 2 and len(leaves) < len(kids) else []
            row = [[k] for k in kids if k not in column] + ([column] if column else [])
            extents = []  # (width, height, anchor) per entry of the row
            for entry in row:
                if len(entry) == 1 and entry is not column:
                    kid_box = measure(entry[0])
                    extents.append((kid_box.width, kid_box.height, kid_box.anchor))
                else:
                    column_width, column_height = _column_size([size(k) for k in entry])
                    extents.append((column_width, column_height, STACK_INDENT / 2))
            row_width = sum(e[0] for e in extents) + H_GAP * (len(row) - 1)
            first = extents[0][2]
            last = row_width - extents[-1][0] + extents[-1][2]
            middle = (first + last) / 2
            shift = max(0.0, width / 2 - middle)
            box = _Box(
                max(row_width + shift, shift + middle + width / 2),
                height + V_GAP + max(e[1] for e in extents),
                shift + middle,
                row_offset=shift,
                row=row,
            )
        boxes[pid] = box
        return box

    layout = Layout(roots=roots, broken=broken)

    def place_column(entry: list[int], left: float, top: float, boss: int, joint: list[tuple[float, float]]):
        """Stack ``entry`` from (left, top); each gets a line from ``joint`` down the trunk."""
        trunk = left + STACK_INDENT / 2
        y = top
        for kid in entry:
            kid_width, kid_height = size(kid)
            layout.nodes.append(Placed(by_id[kid], left + STACK_INDENT, y, kid_width, kid_height, boss))
            middle = y + kid_height / 2
            layout.connectors.append([*joint, (trunk, middle), (left + STACK_INDENT, middle)])
            y += kid_height + STACK_GAP

    def place(pid: int, left: float, top: float, boss: int | None) -> None:
        box = boxes[pid]
        width, height = size(pid)
        x = left + box.anchor - width / 2
        layout.nodes.append(Placed(by_id[pid], x, top, width, height, boss))
        kids = children[pid]
        if not kids:
            return
        bottom = top + height
        if box.stacked:
            place_column(kids, x, bottom + V_GAP / 2, pid, [(x + STACK_INDENT / 2, bottom)])
            return
        centre = x + width / 2
        elbow = bottom + V_GAP / 2
        cursor = left + box.row_offset
        for entry in box.row:
            if len(entry) == 1 and entry[0] in boxes:
                kid_box = boxes[entry[0]]
                place(entry[0], cursor, bottom + V_GAP, pid)
                kid_centre = cursor + kid_box.anchor
                layout.connectors.append(
                    [(centre, bottom), (centre, elbow), (kid_centre, elbow), (kid_centre, bottom + V_GAP)]
                )
                cursor += kid_box.width + H_GAP
            else:
                trunk = cursor + STACK_INDENT / 2
                place_column(
                    entry, cursor, bottom + V_GAP, pid, [(centre, bottom), (centre, elbow), (trunk, elbow)]
                )
                cursor += _column_size([size(k) for k in entry])[0] + H_GAP

    cursor = 0.0
    row_top = 0.0
    row_height = 0.0
    for root in roots:
        box = measure(root)
        if cursor > 0 and cursor + box.width > MAX_ROW_WIDTH:
            cursor = 0.0
            row_top += row_height + ROW_GAP
            row_height = 0.0
        place(root, cursor, row_top, None)
        layout.width = max(layout.width, cursor + box.width)
        row_height = max(row_height, box.height)
        cursor += box.width + ROOT_GAP
    layout.height = row_top + row_height if roots else 0.0
    return layout


# Drawing -----------------------------------------------------------------------------------------


_WIDE = frozenset("●○★↔—–−")


def _em(text: str, *, bold: bool) -> float:
    # An estimate for a sans-serif font; the real width depends on the viewer's fonts, so it
    # errs on the wide side (a name cut a letter early is better than text running over).
    narrow = 0.64 if bold else 0.58
    return sum(0.85 if ch in _WIDE else narrow for ch in text)


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    return _em(text, bold=bold) * size


def _fit(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (estimated); the tooltip has the full text."""
    if _text_width(text, size, bold=bold) <= width:
        return text
    keep = len(text)
    while keep > 1 and _text_width(text[:keep] + "…", size, bold=bold) > width:
        keep -= 1
    return text[:keep].rstrip() + "…"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, size=12, weight=None, fill=TEXT, anchor=None, italic=False) -> str:
    attributes = [f'x="{_n(x)}"', f'y="{_n(y)}"', f'font-size="{size}"', f'fill="{fill}"']
    if weight:
        attributes.append(f'font-weight="{weight}"')
    if anchor:
        attributes.append(f'text-anchor="{anchor}"')
    if italic:
        attributes.append('font-style="italic"')
    return f"<text {' '.join(attributes)}>{escape(content)}</text>"


def _labels() -> dict:
    """The translated words of the map, read once per drawing in the active language."""
    return {
        "attitude": dict(Attitude.choices),
        "role": dict(BuyingRole.choices),
        "level": dict(HierarchyLevel.choices),
        "influence": dict(Influence.choices),
        "strength": dict(RelationshipStrength.choices),
    }


def _attitude_text(person: Person, labels: dict) -> str:
    if person.attitude is None:
        unknown = _("Attitude unknown")
        return f"{UNKNOWN_ATTITUDE_SYMBOL} {unknown}"
    return f"{ATTITUDE_SYMBOLS[person.attitude]} {labels['attitude'][person.attitude]}"


def _pips(influence: int | None) -> str:
    if influence is None:
        return "–"
    return "●" * influence + "○" * (Influence.VERY_HIGH - influence)


def _owner_text(person: Person) -> str:
    # The name of the colleague, or a phrase for nobody (outside the f-string, so it is extracted).
    return "↔ " + (person.owner or _("nobody of ours"))


def _tooltip(person: Person, labels: dict) -> str:
    not_known = _("not known")
    lines = [person.name]
    if person.function:
        lines.append(person.function)
    if person.is_coach:
        lines.append(_("★ Coach: guides us through the buying process"))
    lines += [
        _("Hierarchy level: %(value)s") % {"value": labels["level"].get(person.level, not_known)},
        _("Roles: %(value)s")
        % {"value": ", ".join(str(labels["role"].get(r, r)) for r in person.roles) or not_known},
        _("Attitude towards us: %(value)s") % {"value": labels["attitude"].get(person.attitude, not_known)},
        _("Influence: %(value)s") % {"value": labels["influence"].get(person.influence, not_known)},
        _("Relationship strength: %(value)s") % {"value": labels["strength"].get(person.strength, not_known)},
        _("Our relationship owner: %(value)s") % {"value": person.owner or _("nobody yet")},
        _("Last contact: %(value)s")
        % {
            "value": formats.date_format(person.last_contact, "SHORT_DATE_FORMAT")
            if person.last_contact
            else _("none recorded")
        },
    ]
    return "\n".join(str(line) for line in lines)


def _accessible_name(person: Person, labels: dict) -> str:
    parts = [person.name]
    if person.function:
        parts.append(person.function)
    parts.append(str(labels["attitude"].get(person.attitude, _("Attitude unknown"))))
    if person.is_coach:
        parts.append(_("Coach"))
    parts.append(_("Our relationship owner: %(value)s") % {"value": person.owner or _("nobody yet")})
    return ", ".join(str(p) for p in parts)


def _node(placed: Placed, labels: dict, *, links: bool) -> list[str]:
    person = placed.person
    x, y, w, h = placed.x, placed.y, placed.width, placed.height
    fill, stroke = ATTITUDE_COLOURS.get(person.attitude, ATTITUDE_COLOURS[None])
    group = f'<g data-person="{person.id}"'
    if not person.highlighted:
        group += f' opacity="{DIMMED_OPACITY}"'
    out = [group + ">"]
    link = links and person.url
    if link:
        out.append(f'<a href="{escape(person.url)}" aria-label="{escape(_accessible_name(person, labels))}">')
    out.append(f"<title>{escape(_tooltip(person, labels))}</title>")
    dash = ' stroke-dasharray="5 3"' if person.attitude is None else ""
    out.append(
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1.5"{dash}/>'
    )
    if person.attitude is not None:
        out.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="7" height="{_n(h)}" rx="3" fill="{stroke}"/>')
    inner_left = x + 14
    inner_width = w - 22
    top = y + (h - 80) / 2
    name_width = inner_width - (22 if person.is_coach else 0)
    out.append(
        _text(inner_left, top + 14, _fit(person.name, name_width, 13, bold=True), size=13, weight="600")
    )
    if person.function:
        out.append(_text(inner_left, top + 30, _fit(person.function, inner_width, 12), size=12))
    roles = ", ".join(str(labels["role"].get(r, r)) for r in person.roles)
    if roles:
        out.append(
            _text(inner_left, top + 46, _fit(roles, inner_width, 11), size=11, fill=MUTED, italic=True)
        )
    pips = _pips(person.influence)
    attitude_width = inner_width - _text_width(pips, 11) - 6
    out.append(
        _text(
            inner_left,
            top + 62,
            _fit(_attitude_text(person, labels), attitude_width, 12, bold=True),
            size=12,
            weight="600",
        )
    )
    out.append(_text(x + w - 8, top + 62, pips, size=11, fill=MUTED, anchor="end"))
    out.append(_text(inner_left, top + 78, _fit(_owner_text(person), inner_width, 12), size=12))
    if person.is_coach:
        cx, cy = x + w - 15, y + 15
        out.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="10" fill="{COACH_FILL}" stroke="{TEXT}" stroke-width="1"/>'
        )
        out.append(_text(cx, cy + 4.5, "★", size=13, anchor="middle"))
    if link:
        out.append("</a>")
    out.append("</g>")
    return out


def _legend(labels: dict, width: float) -> tuple[list[str], float]:
    """The legend rows at the top of the map, wrapped to ``width``; returns the SVG and its height."""
    items: list[tuple[float, Callable[[float, float], list[str]]]] = []

    def swatch(attitude: int | None, label: str):
        fill, stroke = ATTITUDE_COLOURS[attitude]
        symbol = ATTITUDE_SYMBOLS.get(attitude, UNKNOWN_ATTITUDE_SYMBOL)
        text = f"{symbol} {label}"
        dash = ' stroke-dasharray="4 2"' if attitude is None else ""

        def draw(x, y):
            return [
                f'<rect x="{_n(x)}" y="{_n(y - 11)}" width="16" height="14" rx="3" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="1.5"{dash}/>',
                _text(x + 22, y, text, size=12),
            ]

        items.append((22 + _text_width(text, 12), draw))

    def plain(text: str):
        items.append((_text_width(text, 12), lambda x, y: [_text(x, y, text, size=12)]))

    def coach():
        text = _("Coach")

        def draw(x, y):
            return [
                f'<circle cx="{_n(x + 8)}" cy="{_n(y - 4)}" r="8" fill="{COACH_FILL}" stroke="{TEXT}" stroke-width="1"/>',
                _text(x + 8, y, "★", size=11, anchor="middle"),
                _text(x + 22, y, text, size=12),
            ]

        items.append((22 + _text_width(text, 12), draw))

    plain(_("Attitude towards us:"))
    for attitude, label in Attitude.choices:
        swatch(attitude, str(label))
    swatch(None, _("Attitude unknown"))
    coach()
    plain(_("Box size and ●●●○○: influence"))
    plain(_("↔ our relationship owner"))

    out = []
    x, y, row = 0.0, 14.0, 0
    for item_width, draw in items:
        if x > 0 and x + item_width > width:
            x, y, row = 0.0, y + 22, row + 1
        out += draw(MARGIN + x, MARGIN + y)
        x += item_width + 26
    return out, y + 16


def orgchart_svg(
    people: Sequence[Person], *, language: str, title: str, links: bool = True, standalone: bool = False
) -> str:
    """The map of ``people`` as SVG markup, its words in ``language``.

    ``links`` makes each node a link to ``Person.url`` (for the page); ``standalone`` adds the XML
    declaration and shows ``title`` as a heading (for the file). All text is escaped.
    """
    layout = layout_people(people)
    with override(language):
        labels = _labels()
        content_width = max(layout.width, 720.0)
        legend, legend_height = _legend(labels, content_width)
        heading_height = 28.0 if standalone else 0.0
        top = MARGIN + heading_height + legend_height + 16
        empty_height = 0.0 if layout.nodes else 40.0
        width = content_width + 2 * MARGIN
        height = top + layout.height + empty_height + MARGIN
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{escape(FONT)}" '
            f'aria-labelledby="orgchart-title" class="orgchart">',
            f'<title id="orgchart-title">{escape(title)}</title>',
            f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        ]
        if standalone:
            out.append(_text(MARGIN, MARGIN + 18, title, size=18, weight="700"))
            out.append(f'<g transform="translate(0 {_n(heading_height)})">')
        else:
            out.append("<g>")
        out += legend
        out.append("</g>")
        out.append(f'<g transform="translate({MARGIN} {_n(top)})">')
        for points in layout.connectors:
            path = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="1.5"/>')
        for placed in layout.nodes:
            out += _node(placed, labels, links=links)
        if not layout.nodes:
            out.append(_text(0, 20, _("No stakeholders recorded yet."), size=13, fill=MUTED))
        out.append("</g></svg>")
    svg = "\n".join(out)
    if standalone:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
    return svg


def people_from_stakeholders(
    stakeholders: Iterable,
    *,
    url: Callable[[object], str] | None = None,
    highlighted: Callable[[object], bool] | None = None,
) -> list[Person]:
    """``Person`` values for stakeholders loaded with their relationship owner (no queries)."""
    return [
        Person(
            id=s.pk,
            name=str(s),
            function=s.function,
            reports_to=s.reports_to_id,
            level=s.hierarchy_level,
            roles=tuple(s.buying_roles or ()),
            attitude=s.attitude,
            influence=s.influence,
            is_coach=s.is_coach,
            owner=str(s.relationship_owner) if s.relationship_owner_id else "",
            strength=s.relationship_strength,
            last_contact=s.last_contact_on,
            url=url(s) if url else None,
            highlighted=highlighted(s) if highlighted else True,
        )
        for s in stakeholders
    ]
