"""The question bank OpenKAM ships: 57 growth-plan questions in eight categories, in English and
German, written for OpenKAM.

The data migration ``0002_default_questions`` installs them, so every installation starts with the
same bank. Each question has a stable ``key``: installing adds only the keys that are missing and
never touches a question that exists, so what administrators changed (wording, order, active or
not) survives every later migration. A future release that adds questions appends them here with
new keys and ships a migration that calls ``install_default_questions`` again.

This module holds plain data and one function that works on whatever model class it is given (the
historical model inside a migration, the real one elsewhere); it imports no models itself.
"""

from __future__ import annotations

from typing import NamedTuple


class DefaultQuestion(NamedTuple):
    category: str
    key: str
    text_en: str
    text_de: str
    help_en: str = ""
    help_de: str = ""


DEFAULT_QUESTIONS: tuple[DefaultQuestion, ...] = (
    # Our team ------------------------------------------------------------------------------------
    DefaultQuestion(
        "team",
        "team-core-team",
        "Who belongs to our core team for this account, and whom can we call on from the extended team?",
        "Wer gehört zu unserem Kernteam für diesen Kunden, und wen können wir aus dem erweiterten Team "
        "hinzuziehen?",
    ),
    DefaultQuestion(
        "team",
        "team-roles-covered",
        "Which account-management roles are covered in our team, and which are still missing?",
        "Welche Rollen des Account-Managements sind in unserem Team besetzt, und welche fehlen noch?",
        "Relationship leader, technical expert, collaborator, project manager, innovator, results driver "
        "– one person rarely fills them all.",
        "Beziehungsverantwortung, technische Expertise, Zusammenarbeit, Projektleitung, Innovation, "
        "Ergebnisverantwortung – selten deckt eine Person alle ab.",
    ),
    DefaultQuestion(
        "team",
        "team-responsibilities",
        "Is it clear who does the main tasks at this account and who decides on them?",
        "Ist geklärt, wer die wichtigsten Aufgaben für diesen Kunden erledigt und wer darüber entscheidet?",
        "For example the framework contract, national offers and relationship management; a RACI per "
        "task makes it explicit.",
        "Etwa Rahmenvertrag, nationale Angebote und Beziehungspflege; eine RACI-Zuordnung je Aufgabe "
        "macht es verbindlich.",
    ),
    DefaultQuestion(
        "team",
        "team-capacity",
        "Do the team members have the time and budget this account needs in the coming year?",
        "Haben die Teammitglieder die Zeit und das Budget, die dieser Kunde im kommenden Jahr braucht?",
    ),
    DefaultQuestion(
        "team",
        "team-skill-gaps",
        "Which skills does the team lack for this account (e.g. industry knowledge, financial arguments, "
        "negotiation), and how do we close the gap?",
        "Welche Fähigkeiten fehlen dem Team für diesen Kunden (z. B. Branchenwissen, finanzielle "
        "Argumentation, Verhandlung), und wie schließen wir die Lücke?",
    ),
    DefaultQuestion(
        "team",
        "team-executive-sponsor",
        "Which member of our management backs this account, and how often do they meet the customer?",
        "Welches Mitglied unserer Geschäftsleitung steht hinter diesem Kunden, und wie oft trifft es "
        "sich mit ihm?",
    ),
    DefaultQuestion(
        "team",
        "team-information-exchange",
        "How and how often does the team share what it learns about the account?",
        "Wie und wie oft tauscht das Team aus, was es über den Kunden erfährt?",
        "A fixed rhythm works well, e.g. a meeting in person and a short call each quarter.",
        "Ein fester Rhythmus bewährt sich, etwa ein Treffen vor Ort und ein kurzer Anruf je Quartal.",
    ),
    # The account's people ------------------------------------------------------------------------
    DefaultQuestion(
        "people",
        "people-decision-makers",
        "Who decides on purchases in our field at the customer, and who has the final say?",
        "Wer entscheidet beim Kunden über Einkäufe in unserem Bereich, und wer hat das letzte Wort?",
    ),
    DefaultQuestion(
        "people",
        "people-influencers",
        "Who influences these decisions without making them (users, technical experts, purchasing)?",
        "Wer beeinflusst diese Entscheidungen, ohne sie selbst zu treffen (Anwender, Fachleute, Einkauf)?",
    ),
    DefaultQuestion(
        "people",
        "people-coach",
        "Who at the customer acts as our coach and guides us through their buying process?",
        "Wer beim Kunden ist unser Coach und führt uns durch seinen Einkaufsprozess?",
        "Every key account needs at least one. If there is none yet, finding one is a research action.",
        "Jeder Key Account braucht mindestens einen. Gibt es noch keinen, ist die Suche danach eine "
        "Recherche-Aufgabe.",
    ),
    DefaultQuestion(
        "people",
        "people-blockers",
        "Who could block or delay a decision in our favour, and why?",
        "Wer könnte eine Entscheidung zu unseren Gunsten blockieren oder verzögern, und warum?",
    ),
    DefaultQuestion(
        "people",
        "people-attitude",
        "How do the key people see us – as champions, as neutral or as opponents?",
        "Wie sehen uns die wichtigsten Personen – als Befürworter, neutral oder als Gegner?",
    ),
    DefaultQuestion(
        "people",
        "people-levels",
        "On which levels do we have contacts (specialists, project leads, executives), and where are the "
        "gaps?",
        "Auf welchen Ebenen haben wir Kontakte (Fachebene, Projektleitung, Geschäftsführung), und wo gibt "
        "es Lücken?",
        "Specialists talk about execution, project leads about their projects, executives about their "
        "business.",
        "Mit der Fachebene spricht man über die Umsetzung, mit der Projektleitung über Projekte, mit der "
        "Geschäftsführung über das Geschäft.",
    ),
    DefaultQuestion(
        "people",
        "people-motives",
        "What drives the key people personally, and how do they like to be approached?",
        "Was treibt die wichtigsten Personen persönlich an, und wie möchten sie angesprochen werden?",
        "The four-colour model and the life motives of the buying center help here.",
        "Das Vier-Farben-Modell und die Lebensmotive des Buying Centers helfen dabei.",
    ),
    DefaultQuestion(
        "people",
        "people-changes",
        "Which changes of people are coming at the customer (new managers, retirements, reorganisations)?",
        "Welche personellen Veränderungen stehen beim Kunden an (neue Führungskräfte, Ruhestand, "
        "Umstrukturierungen)?",
    ),
    # Trends affecting the account ----------------------------------------------------------------
    DefaultQuestion(
        "trends",
        "trends-market",
        "Which developments in the customer's market will change its business in the next three years?",
        "Welche Entwicklungen im Markt des Kunden werden sein Geschäft in den nächsten drei Jahren "
        "verändern?",
    ),
    DefaultQuestion(
        "trends",
        "trends-end-customers",
        "How are the demands of the customer's own customers changing?",
        "Wie verändern sich die Anforderungen der Kunden unseres Kunden?",
    ),
    DefaultQuestion(
        "trends",
        "trends-technology",
        "Which technologies (e.g. automation, digitalisation, new materials) affect the customer's "
        "products or processes?",
        "Welche Technologien (z. B. Automatisierung, Digitalisierung, neue Werkstoffe) wirken sich auf "
        "Produkte oder Prozesse des Kunden aus?",
    ),
    DefaultQuestion(
        "trends",
        "trends-regulation",
        "Which laws, standards or reporting duties will the customer have to meet soon?",
        "Welche Gesetze, Normen oder Berichtspflichten muss der Kunde demnächst erfüllen?",
    ),
    DefaultQuestion(
        "trends",
        "trends-sustainability",
        "Which sustainability targets has the customer set itself, and what do they mean for its suppliers?",
        "Welche Nachhaltigkeitsziele hat sich der Kunde gesetzt, und was bedeuten sie für seine Lieferanten?",
    ),
    DefaultQuestion(
        "trends",
        "trends-economy",
        "How do the economy, prices of raw materials and energy, or exchange rates affect the customer?",
        "Wie wirken sich Konjunktur, Rohstoff- und Energiepreise oder Wechselkurse auf den Kunden aus?",
    ),
    DefaultQuestion(
        "trends",
        "trends-consolidation",
        "Is the customer's industry consolidating, and is the customer buying, being bought or merging?",
        "Konsolidiert sich die Branche des Kunden, und kauft er selbst zu, wird er übernommen oder "
        "fusioniert er?",
    ),
    # Their needs ---------------------------------------------------------------------------------
    DefaultQuestion(
        "needs",
        "needs-strategy",
        "Which strategic goals and initiatives is the customer pursuing in the coming years?",
        "Welche strategischen Ziele und Initiativen verfolgt der Kunde in den nächsten Jahren?",
    ),
    DefaultQuestion(
        "needs",
        "needs-hurdles",
        "Which hurdles stand in the way of these initiatives?",
        "Welche Hürden stehen diesen Initiativen im Weg?",
    ),
    DefaultQuestion(
        "needs",
        "needs-urgent-problems",
        "Which of the customer's problems are the most urgent right now?",
        "Welche Probleme des Kunden sind derzeit am dringendsten?",
    ),
    DefaultQuestion(
        "needs",
        "needs-supplier-requirements",
        "What does the customer require of its suppliers, and how important is each requirement to it?",
        "Was verlangt der Kunde von seinen Lieferanten, und wie wichtig ist ihm jede dieser Anforderungen?",
    ),
    DefaultQuestion(
        "needs",
        "needs-our-performance",
        "How well do we meet these requirements in the customer's eyes, compared with our competitors?",
        "Wie gut erfüllen wir diese Anforderungen aus Sicht des Kunden, verglichen mit unseren "
        "Wettbewerbern?",
    ),
    DefaultQuestion(
        "needs",
        "needs-buying-process",
        "How does the customer buy (tenders, framework contracts, approved-supplier lists), and when "
        "does it plan its budget?",
        "Wie kauft der Kunde ein (Ausschreibungen, Rahmenverträge, Lieferantenlisten), und wann plant er "
        "sein Budget?",
    ),
    DefaultQuestion(
        "needs",
        "needs-kpis",
        "By which key figures is the customer measured, and by which does it measure its suppliers?",
        "An welchen Kennzahlen wird der Kunde gemessen, und an welchen misst er seine Lieferanten?",
    ),
    DefaultQuestion(
        "needs",
        "needs-unspoken",
        "Which needs has the customer not expressed yet but would recognise if we named them?",
        "Welche Bedürfnisse hat der Kunde noch nicht ausgesprochen, würde sie aber erkennen, wenn wir sie "
        "benennen?",
    ),
    # Other insights ------------------------------------------------------------------------------
    DefaultQuestion(
        "insights",
        "insights-history",
        "How has our business with the customer developed over the past years, and why?",
        "Wie hat sich unser Geschäft mit dem Kunden in den letzten Jahren entwickelt, und warum?",
    ),
    DefaultQuestion(
        "insights",
        "insights-share-of-wallet",
        "What share of the customer's spending in our field do we win today?",
        "Welchen Anteil seiner Ausgaben in unserem Bereich gewinnen wir heute beim Kunden?",
    ),
    DefaultQuestion(
        "insights",
        "insights-satisfaction",
        "How satisfied is the customer with us, and what did it praise or criticise recently?",
        "Wie zufrieden ist der Kunde mit uns, und was hat er zuletzt gelobt oder kritisiert?",
    ),
    DefaultQuestion(
        "insights",
        "insights-profitability",
        "Is the account profitable for us once the effort of serving it is counted?",
        "Ist der Kunde für uns profitabel, wenn man den Aufwand für seine Betreuung mitrechnet?",
    ),
    DefaultQuestion(
        "insights",
        "insights-culture",
        "Do the customer's culture and way of working suit ours (partnership, openness, long-term view)?",
        "Passen Kultur und Arbeitsweise des Kunden zu unseren (Partnerschaft, Offenheit, langfristiges "
        "Denken)?",
        "A poor fit here can speak against treating the customer as a key account.",
        "Eine schlechte Passung kann dagegen sprechen, den Kunden als Key Account zu führen.",
    ),
    DefaultQuestion(
        "insights",
        "insights-sources",
        "Where does our information about the customer come from, and how up to date is it?",
        "Aus welchen Quellen stammen unsere Informationen über den Kunden, und wie aktuell sind sie?",
    ),
    # Our competitors -----------------------------------------------------------------------------
    DefaultQuestion(
        "competitors",
        "competitors-who",
        "Which competitors supply the customer today, and with what?",
        "Welche Wettbewerber beliefern den Kunden heute, und womit?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-share",
        "How is the customer's spending divided between us and our competitors?",
        "Wie verteilen sich die Ausgaben des Kunden auf uns und unsere Wettbewerber?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-strengths",
        "Where are our competitors stronger than we are at this customer, and where weaker?",
        "Wo sind unsere Wettbewerber bei diesem Kunden stärker als wir, und wo schwächer?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-relationships",
        "Which relationships do our competitors have at the customer that we lack?",
        "Welche Beziehungen haben unsere Wettbewerber beim Kunden, die uns fehlen?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-next-moves",
        "What are our competitors likely to do at this customer in the coming year?",
        "Was werden unsere Wettbewerber bei diesem Kunden im kommenden Jahr voraussichtlich tun?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-business-at-risk",
        "Which part of our business with the customer is at risk of going to a competitor?",
        "Welcher Teil unseres Geschäfts mit dem Kunden droht an einen Wettbewerber zu gehen?",
    ),
    DefaultQuestion(
        "competitors",
        "competitors-partners",
        "With which partners or other suppliers could we work to solve the customer's problems better?",
        "Mit welchen Partnern oder anderen Lieferanten könnten wir zusammenarbeiten, um die Probleme des "
        "Kunden besser zu lösen?",
    ),
    # The value we can offer ----------------------------------------------------------------------
    DefaultQuestion(
        "value",
        "value-today",
        "What value does our current offering create for the customer, in the customer's own figures?",
        "Welchen Nutzen schafft unser heutiges Angebot für den Kunden, gemessen an seinen eigenen "
        "Kennzahlen?",
    ),
    DefaultQuestion(
        "value",
        "value-why-us",
        "Why should the customer choose us rather than a competitor?",
        "Warum sollte der Kunde uns statt eines Wettbewerbers wählen?",
    ),
    DefaultQuestion(
        "value",
        "value-whitespace",
        "Which of the customer's units or sites do not yet buy product groups from us that they need?",
        "Welche Bereiche oder Standorte des Kunden kaufen Produktgruppen, die sie brauchen, noch nicht bei "
        "uns?",
        "The whitespace matrix of the account shows where we sell and where we do not.",
        "Die Whitespace-Matrix des Kunden zeigt, wo wir verkaufen und wo nicht.",
    ),
    DefaultQuestion(
        "value",
        "value-cross-selling",
        "Where are the largest cross-selling and up-selling opportunities?",
        "Wo liegen die größten Chancen für Cross-Selling und Up-Selling?",
    ),
    DefaultQuestion(
        "value",
        "value-innovation",
        "Which of our new developments could help the customer reach its goals?",
        "Welche unserer Neuentwicklungen könnten dem Kunden helfen, seine Ziele zu erreichen?",
    ),
    DefaultQuestion(
        "value",
        "value-business-case",
        "Can we express our value as a business case the customer's management understands (savings, "
        "revenue, risk)?",
        "Können wir unseren Nutzen als Business Case darstellen, den die Geschäftsleitung des Kunden "
        "versteht (Einsparungen, Umsatz, Risiko)?",
    ),
    DefaultQuestion(
        "value",
        "value-for-us",
        "What do we gain from the relationship beyond revenue (references, know-how, access to new markets)?",
        "Was gewinnen wir über den Umsatz hinaus aus der Beziehung (Referenzen, Know-how, Zugang zu neuen "
        "Märkten)?",
    ),
    DefaultQuestion(
        "value",
        "value-investment",
        "What must we invest to deliver this value, and does the expected return justify it?",
        "Was müssen wir investieren, um diesen Nutzen zu liefern, und rechtfertigt der erwartete Ertrag "
        "die Investition?",
        "If the return does not justify the effort, the account may be no fit for key account management.",
        "Rechtfertigt der Ertrag den Aufwand nicht, passt der Kunde womöglich nicht ins Key Account "
        "Management.",
    ),
    # What we still need to know ------------------------------------------------------------------
    DefaultQuestion(
        "unknowns",
        "unknowns-least-certain",
        "Which facts about the customer are we least sure of?",
        "Bei welchen Fakten über den Kunden sind wir uns am wenigsten sicher?",
    ),
    DefaultQuestion(
        "unknowns",
        "unknowns-assumptions",
        "Which assumptions does our plan rest on, and how can we test them?",
        "Auf welchen Annahmen beruht unser Plan, und wie können wir sie überprüfen?",
    ),
    DefaultQuestion(
        "unknowns",
        "unknowns-ask-the-customer",
        "What should we ask the customer directly at the next meeting or the annual review?",
        "Was sollten wir den Kunden beim nächsten Treffen oder im Jahresgespräch direkt fragen?",
    ),
    DefaultQuestion(
        "unknowns",
        "unknowns-internal-support",
        "Which resources or approvals inside our company do we still need for the plan?",
        "Welche Ressourcen oder Freigaben in unserem Unternehmen brauchen wir noch für den Plan?",
    ),
    DefaultQuestion(
        "unknowns",
        "unknowns-risks",
        "What could make the plan fail, and how would we notice early?",
        "Woran könnte der Plan scheitern, und woran würden wir das früh erkennen?",
    ),
    DefaultQuestion(
        "unknowns",
        "unknowns-kam-fit",
        "Taking all answers together: is the customer a good fit for key account management?",
        "Alle Antworten zusammengenommen: Passt der Kunde gut zum Key Account Management?",
        "If not, it is better to know early: the time and money go to accounts with more potential.",
        "Wenn nicht, ist es besser, das früh zu wissen: Zeit und Geld fließen dann in Kunden mit mehr "
        "Potenzial.",
    ),
)


def install_default_questions(question_model) -> int:
    """Create the default questions whose keys ``question_model`` does not hold yet.

    Existing questions are left exactly as they are (administrators may have reworded, moved or
    deactivated them). New ones go to the end of their category. Returns how many were created;
    calling it again creates nothing.
    """
    existing = set(question_model.objects.values_list("key", flat=True))
    last_position: dict[str, int] = {}
    for category, position in question_model.objects.values_list("category", "position"):
        last_position[category] = max(position, last_position.get(category, 0))
    created = []
    for question in DEFAULT_QUESTIONS:
        if question.key in existing:
            continue
        position = last_position.get(question.category, 0) + 1
        last_position[question.category] = position
        created.append(
            question_model(
                key=question.key,
                category=question.category,
                position=position,
                text_en=question.text_en,
                text_de=question.text_de,
                help_en=question.help_en,
                help_de=question.help_de,
            )
        )
    question_model.objects.bulk_create(created)
    return len(created)
