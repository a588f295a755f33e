"""The report as a list of blocks, rendered to HTML and PDF so both say the same thing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.charts import Chart
from analysis.codebook import LUNDY_DIMENSIONS, Codebook
from analysis.findings import key_findings
from analysis.labels import (
    ALL_NO_ANSWER,
    BREAKDOWN_CAPTIONS,
    BREAKDOWN_LABELS,
    DIMENSION_LABELS,
    EFFECT_LABELS,
    NO_VALUE,
    NOTHING_TO_REPORT,
    PARALLEL_LABELS,
    ROLE_LABELS,
    SUPPRESSED,
    TEST_LABELS,
    count,
    group_label,
    interval,
    number,
    p_value,
    percent,
    points,
    points_interval,
    role_label,
    service_label,
    window_label,
)
from analysis.results import (
    Comparison,
    ItemChange,
    ItemGroup,
    ItemSummary,
    RateChange,
    RateGroup,
    Results,
)

REPORT_TITLE = "Uppföljning av SIP-möten"
REPORT_SUBTITLE = "Hur barn, unga och vårdnadshavare upplevde sitt SIP-möte"
PUBLISHER = "FoU Välfärd"
COMMON_SCALE_NOTE = (
    "Barn, unga och vårdnadshavare har olika svarsalternativ. Här står de bredvid varandra "
    "på den gemensamma skalan: ja (”Ja” för barn, ”Ja, helt” för unga och vårdnadshavare), "
    "delvis (”Lite”, ”Ja, delvis”) och nej. Rollernas egna andelar positiva jämförs aldrig."
)


@dataclass(frozen=True)
class Heading:
    """A section heading (level 2 or 3)."""

    level: int
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """Plain text; kind 'note' is printed smaller."""

    text: str
    kind: str = "normal"


@dataclass(frozen=True)
class BulletList:
    """A list of short sentences (the key findings)."""

    items: list[str]


@dataclass(frozen=True)
class KeyFigures:
    """A few headline figures as label/value pairs."""

    figures: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    """A data table; the first column holds row headers."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    # Columns with numbers are right-aligned.
    numeric: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """A chart."""

    chart: Chart


@dataclass(frozen=True)
class PageBreak:
    """Start of a new page in the PDF (ignored in HTML)."""


Block = Heading | Paragraph | BulletList | KeyFigures | Table | Figure | PageBreak


@dataclass(frozen=True)
class Report:
    """Everything both report formats print."""

    title: str
    subtitle: str
    period: str
    title_figures: list[tuple[str, str]]
    blocks: list[Block]
    #: Made while the window was open: every page says so.
    preliminary: bool = False


def _period(results: Results) -> str:
    """The window's name, number, dates and status (the window's dates, never an answer's)."""
    return window_label(results.window)


def _rate_row(name: str, group: RateGroup) -> list[str]:
    if group.suppressed:
        return [name, NO_VALUE, NO_VALUE, SUPPRESSED, NO_VALUE]
    return [
        name,
        count(group.invited),
        count(group.completed),
        percent(group.rate),
        interval(group.ci),
    ]


def _participation(results: Results, charts: dict[str, Chart]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Deltagande", "deltagande")]
    blocks.append(
        Paragraph(
            "Svarsfrekvensen är andelen av de inbjudna som skickade in ett svar. Intervallet är "
            "ett 95 % konfidensintervall (Wilson). Svar och inbjudningar räknas i samma "
            "grupper, så varje svarsfrekvens är exakt för de rader den gäller. Raderna ”Övriga "
            "kommuner i …”, ”Område ej angivet”, ”Ålder ej angiven”, ”Språk ej angivet” och "
            "”Barnets närvaro ej angiven” samlar grupper som var för små för att redovisas för "
            "sig; med dem går summorna ihop. Om barnet var med på mötet är samordnarens "
            "registrering för mötet."
        )
    )
    for key in ("funnel", "areas", "child_attended"):
        if key in charts:
            blocks.append(Figure(charts[key]))
    numeric = [False, True, True, True, True]
    columns = ["Grupp", "Inbjudna", "Svar", "Svarsfrekvens", "95 % KI"]
    for breakdown, groups in results.participation.by.items():
        label = BREAKDOWN_LABELS.get(breakdown, breakdown)
        caption = BREAKDOWN_CAPTIONS.get(breakdown, f"per {label.lower()}")
        rows = [_rate_row(group_label(breakdown, g), r) for g, r in groups.items()]
        rows.append(_rate_row("Alla", results.participation.overall))
        blocks.append(Table(f"Svarsfrekvens {caption}", [label, *columns[1:]], rows, numeric))
    blocks += _services(results)
    funnel = results.participation.funnel
    if not funnel.suppressed and funnel.invited:
        stages = [
            ("Skickade", funnel.sent),
            ("Levererade", funnel.delivered),
            ("Öppnade länken", funnel.opened),
            ("Påbörjade", funnel.started),
            ("Besvarade", funnel.completed),
            ("Avböjde", funnel.opted_out),
        ]
        rows = [["Inbjudna", count(funnel.invited), percent(1.0)]]
        rows += [
            [name, count(value), percent((value or 0) / funnel.invited)] for name, value in stages
        ]
        blocks.append(
            Table(
                "Från inbjudan till svar",
                ["Steg", "Antal", "Andel av inbjudna"],
                rows,
                [False, True, True],
            )
        )
    return blocks


SERVICES_NOTE = (
    "Ett SIP-möte har ofta flera verksamheter, så samma inbjudan räknas under varje verksamhet "
    "som var med: raderna överlappar och summeras inte till raden Alla. En verksamhet "
    "redovisas bara när både den och resten av rollen har tillräckligt många inbjudna och svar, "
    "annars kunde resten räknas fram ur totalen."
)


def _services(results: Results) -> list[Block]:
    """Participation by the services at the meeting: one table per role, with the role's total."""
    by_service = results.participation.by_service
    if not by_service:
        return []
    blocks: list[Block] = [
        Heading(3, "Svarsfrekvens per verksamhet på mötet", "verksamheter"),
        Paragraph(SERVICES_NOTE),
    ]
    columns = ["Verksamhet", "Inbjudna", "Svar", "Svarsfrekvens", "95 % KI"]
    for role, services in by_service.items():
        rows = [_rate_row(service_label(s), rate) for s, rate in services.items()]
        rows.append(_rate_row("Alla", results.participation.by["role"][role]))
        blocks.append(
            Table(
                f"Svarsfrekvens per verksamhet på mötet – {role_label(role).lower()}",
                columns,
                rows,
                [False, True, True, True, True],
            )
        )
    return blocks


def _distribution(summary: ItemSummary, codebook: Codebook) -> str:
    if summary.counts is None or not summary.n:
        return NO_VALUE
    scale = codebook.scales[summary.scale]
    return " · ".join(
        f"{option.label} {count(summary.counts[str(option.value)])} "
        f"({percent(summary.counts[str(option.value)] / summary.n)})"
        for option in scale.options
    )


def _median(summary: ItemSummary, codebook: Codebook) -> str:
    """The median as the answer category it falls in (the lower median), never a half-point."""
    if summary.median is None:
        return NO_VALUE
    return codebook.scales[summary.scale].label(summary.median)


def _items(results: Results, codebook: Codebook, charts: dict[str, Chart]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Svar per fråga", "fragor")]
    blocks.append(
        Paragraph(
            "Andel positiva är andelen av dem som svarade som valde ett positivt svarsalternativ "
            "på enkätens egen skala (för vårdnadshavare och unga ”Ja, helt” eller ”Ja, delvis”, "
            "för barn bara ”Ja”). Eftersom det betyder olika saker i de tre enkäterna jämförs "
            "andelarna inte mellan tabellerna; jämförelser mellan roller görs på den gemensamma "
            "skalan under Jämförelser. Svaren ”Vet inte” och obesvarade frågor räknas inte med i "
            "andelen men redovisas separat. Medianen anges som det svarsalternativ där den "
            "hamnar (den nedre medianen). Tabellerna efter om barnet var med på mötet (enligt "
            "samordnarens registrering) visar andelen positiva med 95 % konfidensintervall."
        )
    )
    for qkey, items in results.items.items():
        questionnaire = codebook.questionnaires[qkey]
        blocks.append(PageBreak())
        blocks.append(Heading(3, role_label(questionnaire.role), f"fragor-{qkey}"))
        blocks.append(
            Paragraph(f"Enkät: {questionnaire.title} ({qkey}, version {questionnaire.version}).")
        )
        if all(summary.suppressed for summary in items.values()):
            blocks.append(Paragraph(f"{SUPPRESSED.capitalize()} på alla frågor."))
            continue
        if f"items-{qkey}" in charts:
            blocks.append(Figure(charts[f"items-{qkey}"]))
        rows = []
        for summary in items.values():
            label = f"{summary.key} {summary.text}"
            if summary.suppressed:
                rows.append([label, NO_VALUE, NO_VALUE, SUPPRESSED, NO_VALUE, NO_VALUE, NO_VALUE])
                continue
            if summary.all_no_answer:
                no_answer = count(summary.no_answer)
                rows.append([label, "0", no_answer, ALL_NO_ANSWER, NO_VALUE, NO_VALUE, NO_VALUE])
                continue
            rows.append(
                [
                    label,
                    count(summary.n),
                    count(summary.no_answer),
                    percent(summary.positive_share),
                    interval(summary.ci),
                    _median(summary, codebook),
                    _distribution(summary, codebook),
                ]
            )
        blocks.append(
            Table(
                f"Svar per fråga – {role_label(questionnaire.role).lower()}",
                [
                    "Fråga",
                    "Svar",
                    "Vet inte / inget svar",
                    "Andel positiva",
                    "95 % KI",
                    "Median",
                    "Fördelning",
                ],
                rows,
                [False, True, True, True, True, False, False],
            )
        )
        role = role_label(questionnaire.role).lower()
        blocks += _group_table(
            items, "area", f"Andel positiva svar per område – {role}", _share_with_n
        )
        blocks += _group_table(
            items,
            "child_attended",
            f"Andel positiva svar efter om barnet var med på mötet – {role}",
            _share_with_interval,
        )
    return blocks


def _share_with_n(group: ItemGroup) -> str:
    return f"{percent(group.positive_share)} (n\u00a0=\u00a0{count(group.n)})"


def _share_with_interval(group: ItemGroup) -> str:
    return f"{percent(group.positive_share)} ({interval(group.ci)}; n\u00a0=\u00a0{count(group.n)})"


def _group_table(
    items: dict[str, ItemSummary],
    breakdown: str,
    caption: str,
    cell: Callable[[ItemGroup], str],
) -> list[Block]:
    """Each item's share of positive answers per group of one breakdown (none: no table)."""
    names = list(dict.fromkeys(g for s in items.values() for g in s.groups(breakdown)))
    if not names:
        return []
    rows = []
    for summary in items.values():
        cells = [summary.key]
        for name in names:
            group = summary.groups(breakdown).get(name)
            if group is None:
                cells.append(NO_VALUE)
            elif group.suppressed:
                cells.append(SUPPRESSED)
            elif group.all_no_answer:
                cells.append(ALL_NO_ANSWER)
            else:
                cells.append(cell(group))
        rows.append(cells)
    return [
        Table(
            caption,
            ["Fråga", *(group_label(breakdown, g) for g in names)],
            rows,
            [False] + [True] * len(names),
        )
    ]


def _indexes(results: Results) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(2, "Delaktighet enligt Lundys modell", "index")]
    blocks.append(
        Paragraph(
            "Lundys modell beskriver fyra förutsättningar för barns delaktighet: utrymme, röst, "
            "publik (att bli lyssnad på) och inflytande. Indexen räknas på den gemensamma "
            "skalan, så att barn, unga och vårdnadshavare kan stå bredvid varandra: för varje "
            "svarande räknas andelen av dimensionens besvarade frågor där svaret var det högsta "
            "steget (”Ja” för barn, ”Ja, helt” för unga och vårdnadshavare). Tabellen visar "
            "medelvärdet med ett 95 % konfidensintervall (Wilson, med antalet svarande som n). "
            "Cronbachs alfa visar hur väl frågorna i en dimension hänger ihop (beräknas när "
            "dimensionen har minst två frågor på samma skala och minst tio fullständiga svar)."
        )
    )
    rows = []
    for role, indexes in results.indexes.items():
        for dimension in LUNDY_DIMENSIONS:
            index = indexes.get(dimension)
            if index is None:
                continue
            name = f"{ROLE_LABELS.get(role, role)} – {DIMENSION_LABELS[dimension]}"
            items = ", ".join(index.items)
            if index.suppressed:
                rows.append([name, items, NO_VALUE, SUPPRESSED, NO_VALUE, NO_VALUE])
                continue
            alpha = NO_VALUE
            if index.alpha is not None:
                alpha = f"{number(index.alpha, 2)} (n\u00a0=\u00a0{count(index.alpha_cases)})"
            rows.append(
                [
                    name,
                    items,
                    count(index.respondents),
                    percent(index.mean),
                    interval(index.ci),
                    alpha,
                ]
            )
    blocks.append(
        Table(
            "Index per dimension och roll (gemensam skala)",
            [
                "Roll och dimension",
                "Frågor",
                "Svarande",
                "Medelandel ”Ja” / ”Ja, helt”",
                "95 % KI",
                "Cronbachs alfa",
            ],
            rows,
            [False, False, True, True, True, True],
        )
    )
    blocks.append(Paragraph(COMMON_SCALE_NOTE, "note"))
    return blocks


_REASONS = {
    "fewer than two groups with answers": "färre än två grupper att jämföra",
    "fewer than two groups or answer categories with answers": (
        "färre än två grupper eller svarsalternativ att jämföra"
    ),
    "all answers are the same": "alla svar är lika",
}
_LOW_EXPECTED = re.compile(r"(\d+) of (\d+) expected counts below ([\d.]+)")


def comment(comparison: Comparison) -> str:
    """Swedish comment on a comparison: why it was not tested, or a caution."""
    parts = []
    if comparison.note:
        low = _LOW_EXPECTED.fullmatch(comparison.note)
        if low:
            parts.append(
                f"{low.group(1)} av {low.group(2)} förväntade antal under "
                f"{low.group(3)}; tolka med försiktighet"
            )
        else:
            parts.append(_REASONS.get(comparison.note, comparison.note))
    if comparison.excluded_groups:
        parts.append(SUPPRESSED + ": " + ", ".join(comparison.excluded_groups))
    return "; ".join(parts) or NO_VALUE


def _test_cells(comparison: Comparison) -> list[str]:
    effect = (
        f"{EFFECT_LABELS.get(comparison.effect_name or '', '')} = {number(comparison.effect, 2)}"
    )
    statistic = number(comparison.statistic, 2)
    if comparison.df is not None:
        statistic += f" (fg\u00a0=\u00a0{comparison.df:.0f})"
    return [
        TEST_LABELS.get(comparison.test or "", comparison.test or ""),
        statistic,
        p_value(comparison.p),
        p_value(comparison.p_holm),
        effect,
    ]


def _comparisons(results: Results, codebook: Codebook, charts: dict[str, Chart]) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(2, "Jämförelser", "jamforelser")]
    blocks.append(
        Paragraph(
            "Barn, unga och vårdnadshavare får delvis olika svarsalternativ. På de frågor som "
            "ställs till alla tre räknas svaren om till en gemensam skala (ja, delvis, nej) och "
            "jämförs med χ²-test och Cramérs V; svaren medelvärdesbildas aldrig som tal över "
            "olika skalor. "
            "Områden jämförs fråga för fråga med Kruskal–Wallis-test (ε²), eller Mann–Whitney U "
            "(rangbiserial r) när bara två områden kan jämföras, och på samma sätt grupperna "
            "efter om barnet var med på mötet (ja, en del av mötet, nej; gruppen där det inte "
            "anges ingår inte). Justerat p är Holms justering "
            "över alla tester i rapporten; ett justerat p under 0,05 tyder på en skillnad som inte "
            "beror på slumpen. Grupper med för få svar ingår inte."
        )
    )
    if "parallel" in charts:
        blocks.append(Figure(charts["parallel"]))
        blocks.append(Paragraph(COMMON_SCALE_NOTE, "note"))
    columns = [
        "Fråga",
        "Jämförda grupper",
        "Test",
        "Teststorhet",
        "p",
        "Justerat p",
        "Effektstorlek",
        "Kommentar",
    ]
    numeric = [False, False, False, True, True, True, True, False]
    rows = []
    for comparison in results.comparisons:
        if comparison.kind != "roles" or not comparison.testable:
            continue
        groups = ", ".join(role_label(g) for g in comparison.groups) or NO_VALUE
        rows.append(
            [
                PARALLEL_LABELS.get(comparison.subject, comparison.subject),
                groups,
                *_test_cells(comparison),
                comment(comparison),
            ]
        )
    if rows:
        blocks.append(Table("Jämförelse mellan roller (gemensam skala)", columns, rows, numeric))
        blocks.append(Paragraph(COMMON_SCALE_NOTE, "note"))
    blocks += _group_comparisons(
        results, codebook, "areas", "area", "Jämförelse mellan områden", columns, numeric
    )
    blocks += _group_comparisons(
        results,
        codebook,
        "child_attended",
        "child_attended",
        "Jämförelse efter om barnet var med på mötet",
        columns,
        numeric,
    )
    left_out = [c for c in results.comparisons if not c.testable]
    if left_out:
        blocks.append(Paragraph(_left_out(left_out, codebook)))
    return blocks


def _group_comparisons(
    results: Results,
    codebook: Codebook,
    kind: str,
    breakdown: str,
    caption: str,
    columns: list[str],
    numeric: list[bool],
) -> list[Block]:
    """The tested comparisons of one kind, one row per item (none tested: no table)."""
    rows = []
    for comparison in results.comparisons:
        if comparison.kind != kind or comparison.questionnaire is None:
            continue
        if not comparison.testable:
            continue
        questionnaire = codebook.questionnaires[comparison.questionnaire]
        rows.append(
            [
                f"{comparison.subject} ({role_label(questionnaire.role).lower()})",
                ", ".join(group_label(breakdown, g) for g in comparison.groups) or NO_VALUE,
                *_test_cells(comparison),
                comment(comparison),
            ]
        )
    return [Table(caption, columns, rows, numeric)] if rows else []


def _left_out(comparisons: list[Comparison], codebook: Codebook) -> str:
    """One sentence for every comparison that could not be made, instead of a row each."""
    names = []
    for comparison in comparisons:
        if comparison.kind == "roles":
            names.append(PARALLEL_LABELS.get(comparison.subject, comparison.subject).lower())
        else:
            names.append(comparison.subject)
    return (
        f"{len(comparisons)} jämförelser kunde inte göras och visas inte ("
        + ", ".join(names)
        + "): det fanns färre än två grupper med tillräckligt många svar, eller alla svar "
        "var lika."
    )


def _method(results: Results) -> list[Block]:
    k = results.min_group_size
    free_text = results.free_text
    texts = ("färre än " + str(k)) if free_text.suppressed else count(free_text.count)
    generated = results.generated_from
    blocks: list[Block] = [
        PageBreak(),
        Heading(2, "Om resultaten", "metod"),
        Paragraph(
            f"Datamängden är anonymiserad innan den analyseras (k\u00a0=\u00a0"
            f"{generated.release_k}): varje svar och varje inbjudan bär bara en grupp "
            "(roll, åldersgrupp, område, kommun, svenska eller annat språk, om barnet var med "
            "på mötet) med minst så många inbjudningar och inga eller minst så många svar. "
            "Mindre grupper slogs ihop med sina grannar, först språket, sedan kommunen, åldern, "
            "området och sist om barnet var med, så att det finns kvar på områdes- eller "
            "länsnivå; rollen slås aldrig ihop. Svaren har inget datum. Verksamheterna på "
            "mötet är inte en grupp (ett möte har flera) utan räknas per roll och verksamhet, "
            "bara där både verksamheten och resten av rollen är tillräckligt stora."
        ),
        Paragraph(
            f"Skydd av små grupper: en siffra som bygger på färre än {k} inbjudna eller svar "
            f"redovisas inte, utan visas som ”{SUPPRESSED}”. Därefter döljs den näst minsta "
            "gruppen, och så vidare, tills ingen dold siffra och ingen summa av dolda siffror kan "
            f"räknas fram ur de visade siffrorna och totalerna: de dolda grupperna under en "
            f"visad total är minst två och har tillsammans minst {k} inbjudna och {k} svar, och "
            "en dold total döljer alla sina delar. Det gäller alla uppdelningar och hela "
            "kedjan kommun, område, län, och varje verksamhet med resten av sin roll. Ett "
            "område eller en grupp efter barnets närvaro som döljs i deltagandet döljs också i "
            "tabellerna per fråga. Jämförelser görs bara mellan grupper som redovisas."
        ),
        Paragraph(
            "Konfidensintervall, en metod per slag av siffra: svarsfrekvenser och andelar "
            "positiva svar har Wilsons intervall för en andel; indexen (medelvärden av "
            "andelar) har Wilsons intervall med antalet svarande som n, vilket är minst lika "
            "brett som behövs eftersom en andel per person varierar högst som ett ja/nej-svar. "
            "Alla intervall ligger därför mellan 0 och 100 %. Medianen är det svarsalternativ "
            "där den nedre medianen hamnar."
        ),
        Paragraph(
            "Beroende mellan svar: en vårdnadshavare och ett barn (eller två vårdnadshavare) "
            "från samma SIP-möte har varit med om samma möte, så deras svar är inte oberoende "
            "av varandra. Datamängden kan inte koppla ihop dem (det vore att peka ut familjer), "
            "så testerna behandlar alla svar som oberoende. Det gör p-värdena något för små "
            "och intervallen något för smala när svar från samma möte liknar varandra; läs "
            "skillnader nära gränsen med försiktighet."
        ),
        Paragraph(
            f"Fritextsvar ({texts}) skrivs inte ut i rapporten. De finns i filen "
            f"{free_text.file} för analytiker och kan innehålla namn eller andra uppgifter som "
            "pekar ut personer; granska dem innan de delas."
        ),
    ]
    if generated.residual_classes:
        roles = ", ".join(role_label(cell[0]).lower() for cell in generated.residual_classes)
        blocks.append(
            Paragraph(
                f"Grupper som inte kunde göras tillräckligt stora: {roles} (hela rollen har för "
                "få inbjudningar eller svar). Deras siffror visas inte, och deras rader i "
                "datamängden ska inte lämnas ut."
            )
        )
    return blocks


_CHANGE_COLUMNS = [
    "Förra perioden",
    "95 % KI",
    "Nu",
    "Skillnad",
    "95 % KI för skillnaden",
    "p",
    "Justerat p",
]


def _change_row(
    name: str,
    change: RateChange | ItemChange,
    before: float | None,
    before_ci: tuple[float, float] | None,
    now: float | None,
) -> list[str]:
    if change.suppressed:
        return [name, NO_VALUE, NO_VALUE, NO_VALUE, SUPPRESSED, NO_VALUE, NO_VALUE, NO_VALUE]
    return [
        name,
        percent(before),
        interval(before_ci),
        percent(now),
        points(change.difference),
        points_interval(change.difference_ci),
        p_value(change.p),
        p_value(change.p_adjusted),
    ]


def _previous(results: Results, codebook: Codebook, charts: dict[str, Chart]) -> list[Block]:
    previous = results.previous
    if previous is None:
        return []
    blocks: list[Block] = [
        PageBreak(),
        Heading(2, "Jämfört med förra perioden", "forra-perioden"),
        Paragraph(
            f"Förra perioden: {window_label(previous.window)}. Siffrorna jämförs bara där "
            "båda perioderna redovisar dem (samma regel för små grupper), och skillnaden är "
            "den här periodens andel minus förra periodens, i procentenheter, med Newcombes "
            "95 % konfidensintervall. p kommer från Fishers exakta test; justerat p är Holms "
            f"justering över alla {previous.tests} jämförelser med förra perioden. Ett "
            "justerat p under 0,05 tyder på en förändring som inte beror på slumpen. "
            "Perioderna har olika familjer, så svaren behandlas som oberoende."
        ),
    ]
    if "previous" in charts:
        blocks.append(Figure(charts["previous"]))
    numeric = [False] + [True] * len(_CHANGE_COLUMNS)
    now_overall = results.participation.overall
    change = previous.participation.overall
    rows = [_change_row("Alla", change, change.rate, change.ci, now_overall.rate)]
    for breakdown, groups in previous.participation.by.items():
        for group, change in groups.items():
            now = results.participation.by[breakdown][group]
            name = f"{BREAKDOWN_LABELS[breakdown]}: {group_label(breakdown, group)}"
            rows.append(_change_row(name, change, change.rate, change.ci, now.rate))
    blocks.append(
        Table("Svarsfrekvens, förra perioden och nu", ["Grupp", *_CHANGE_COLUMNS], rows, numeric)
    )
    for qkey, changes in previous.items.items():
        role = role_label(codebook.questionnaires[qkey].role)
        rows = []
        for key, item_change in changes.items():
            summary = results.items[qkey][key]
            rows.append(
                _change_row(
                    f"{key} {summary.text}",
                    item_change,
                    item_change.positive_share,
                    item_change.ci,
                    summary.positive_share,
                )
            )
        blocks.append(
            Table(
                f"Andel positiva svar, förra perioden och nu – {role.lower()}",
                ["Fråga", *_CHANGE_COLUMNS],
                rows,
                numeric,
            )
        )
    return blocks


def _findings(results: Results, codebook: Codebook) -> list[Block]:
    return [
        Heading(2, "Det viktigaste", "viktigaste"),
        Paragraph(
            "Sammanfattningen är skriven direkt ur resultaten. En skillnad kallas skillnad "
            "bara när den är större än slumpen kan förklara (Holm-justerat p under 0,05)."
        ),
        BulletList(key_findings(results, codebook)),
    ]


def _what_can_be_said(results: Results) -> list[Block]:
    """The short report of a window with too few answers: what it can and cannot say."""
    k = results.min_group_size
    generated = results.generated_from
    return [
        PageBreak(),
        Heading(2, "Vad rapporten kan och inte kan säga", "kan-sagas"),
        Paragraph(
            f"Perioden fick färre än {k} svar på {count(generated.invitations)} inbjudningar. "
            "Med så få svar skulle varje siffra om svaren kunna peka ut enskilda familjer, så "
            "rapporten visar ingen svarsfrekvens, inga svar per fråga, inga index och inga "
            "jämförelser."
        ),
        Paragraph(
            "Det som kan sägas är att insamlingen har pågått och hur många som bjöds in. "
            "Svaren finns kvar och räknas med när perioden har fått fler svar, eller i en "
            "rapport över en längre period."
        ),
    ]


def _all_hidden(table: Table) -> bool:
    """Every row (but the total) is hidden: the table would say nothing but "för få svar"."""
    rows = [row for row in table.rows if row[0] != "Alla"]
    return bool(rows) and all(SUPPRESSED in row for row in rows)


def _compact(blocks: list[Block]) -> list[Block]:
    """Tables with nothing but hidden groups become one sentence each."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and _all_hidden(block):
            out.append(Paragraph(f"{block.caption}: {SUPPRESSED} i alla grupper."))
        else:
            out.append(block)
    return out


def build_report(results: Results, codebook: Codebook, charts: list[Chart]) -> Report:
    """The report's content, built only from Results and the codebook's texts."""
    by_key = {chart.key: chart for chart in charts}
    generated = results.generated_from
    overall = results.participation.overall
    title_figures = [
        (
            "Svar",
            count(generated.responses)
            if not overall.suppressed
            else f"färre än {results.min_group_size}",
        ),
        ("Inbjudningar", count(generated.invitations)),
    ]
    if not overall.suppressed:
        title_figures.append(
            ("Svarsfrekvens", f"{percent(overall.rate)} (95 % KI {interval(overall.ci)})")
        )
    if results.empty:
        blocks: list[Block] = [
            Heading(2, "Det viktigaste", "viktigaste"),
            Paragraph(NOTHING_TO_REPORT),
            Paragraph(
                "Rapporten fylls i när det finns både inbjudningar och inkomna svar i "
                f"datamängden (nu {count(generated.responses)} svar och "
                f"{count(generated.invitations)} inbjudningar)."
            ),
        ]
        return _report(results, title_figures, blocks)
    blocks = _findings(results, codebook)
    if overall.suppressed:
        # A window with too few answers: a short report, not pages of empty tables.
        blocks += _what_can_be_said(results)
        blocks += _method(results)
        return _report(results, title_figures, blocks)
    blocks.append(PageBreak())
    blocks += _participation(results, by_key)
    blocks += _items(results, codebook, by_key)
    blocks += _indexes(results)
    blocks += _comparisons(results, codebook, by_key)
    if results.previous is not None:
        blocks += _previous(results, codebook, by_key)
    blocks += _method(results)
    return _report(results, title_figures, _compact(blocks))


def _report(results: Results, title_figures: list[tuple[str, str]], blocks: list[Block]) -> Report:
    return Report(
        REPORT_TITLE,
        REPORT_SUBTITLE,
        _period(results),
        title_figures,
        blocks,
        preliminary=results.window.preliminary,
    )
