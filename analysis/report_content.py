"""The report as a list of blocks, rendered to HTML and PDF so both say the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.charts import Chart
from analysis.codebook import LUNDY_DIMENSIONS, Codebook
from analysis.labels import (
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
    role_label,
)
from analysis.results import Comparison, ItemSummary, RateGroup, Results

REPORT_TITLE = "Uppföljning av SIP-möten"
REPORT_SUBTITLE = "Hur barn, unga och vårdnadshavare upplevde sitt SIP-möte"
PUBLISHER = "FoU Välfärd"


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


Block = Heading | Paragraph | KeyFigures | Table | Figure | PageBreak


@dataclass(frozen=True)
class Report:
    """Everything both report formats print."""

    title: str
    subtitle: str
    period: str
    title_figures: list[tuple[str, str]]
    blocks: list[Block]


def _period(results: Results) -> str:
    first, last = results.generated_from.first_submitted, results.generated_from.last_submitted
    if first is None or last is None:
        return "Inga svar ännu"
    return f"Svar inkomna {first} – {last}"


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
            "ett 95 % konfidensintervall (Wilson)."
        )
    )
    for key in ("funnel", "areas"):
        if key in charts:
            blocks.append(Figure(charts[key]))
    numeric = [False, True, True, True, True]
    columns = ["Grupp", "Inbjudna", "Svar", "Svarsfrekvens", "95 % KI"]
    for breakdown, groups in results.participation.by.items():
        label = BREAKDOWN_LABELS.get(breakdown, breakdown)
        rows = [_rate_row(group_label(breakdown, g), r) for g, r in groups.items()]
        rows.append(_rate_row("Alla", results.participation.overall))
        blocks.append(
            Table(f"Svarsfrekvens per {label.lower()}", [label, *columns[1:]], rows, numeric)
        )
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
    if summary.median is None:
        return NO_VALUE
    scale = codebook.scales[summary.scale]
    if summary.median.is_integer() and int(summary.median) in scale.codes:
        return f"{int(summary.median)} ({scale.label(int(summary.median))})"
    return number(summary.median, 1)


def _items(results: Results, codebook: Codebook, charts: dict[str, Chart]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Svar per fråga", "fragor")]
    blocks.append(
        Paragraph(
            "Andel positiva är andelen av dem som svarade som valde ett positivt svarsalternativ "
            "(till exempel ”Ja, helt” eller ”Ja, delvis”). Svaren ”Vet inte” och obesvarade frågor "
            "räknas inte med i andelen men redovisas separat."
        )
    )
    for qkey, items in results.items.items():
        questionnaire = codebook.questionnaires[qkey]
        blocks.append(PageBreak())
        blocks.append(Heading(3, role_label(questionnaire.role), f"fragor-{qkey}"))
        blocks.append(
            Paragraph(f"Enkät: {questionnaire.title} ({qkey}, version {questionnaire.version}).")
        )
        if f"items-{qkey}" in charts:
            blocks.append(Figure(charts[f"items-{qkey}"]))
        rows = []
        for summary in items.values():
            label = f"{summary.key} {summary.text}"
            if summary.suppressed:
                rows.append([label, NO_VALUE, NO_VALUE, SUPPRESSED, NO_VALUE, NO_VALUE, NO_VALUE])
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
        areas = list(dict.fromkeys(a for s in items.values() for a in s.by_area))
        if areas:
            area_rows = []
            for summary in items.values():
                cells = [summary.key]
                for area in areas:
                    group = summary.by_area.get(area)
                    if group is None:
                        cells.append(NO_VALUE)
                    elif group.suppressed:
                        cells.append(SUPPRESSED)
                    else:
                        cells.append(
                            f"{percent(group.positive_share)} (n\u00a0=\u00a0{count(group.n)})"
                        )
                area_rows.append(cells)
            blocks.append(
                Table(
                    f"Andel positiva svar per område – {role_label(questionnaire.role).lower()}",
                    ["Fråga", *areas],
                    area_rows,
                    [False] + [True] * len(areas),
                )
            )
    return blocks


def _indexes(results: Results) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(2, "Delaktighet enligt Lundys modell", "index")]
    blocks.append(
        Paragraph(
            "Lundys modell beskriver fyra förutsättningar för barns delaktighet: utrymme, röst, "
            "publik (att bli lyssnad på) och inflytande. För varje svarande räknas andelen "
            "positiva svar bland de frågor i dimensionen som personen besvarade; tabellen visar "
            "medelvärdet med 95 % konfidensintervall. Cronbachs alfa visar hur väl frågorna i "
            "en dimension hänger ihop (beräknas när dimensionen har minst två frågor och minst "
            "tio fullständiga svar)."
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
            "Index per dimension och roll",
            [
                "Roll och dimension",
                "Frågor",
                "Svarande",
                "Medelandel positiva",
                "95 % KI",
                "Cronbachs alfa",
            ],
            rows,
            [False, False, True, True, True, True],
        )
    )
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
    if not comparison.testable:
        return ["ej testbar", NO_VALUE, NO_VALUE, NO_VALUE, NO_VALUE]
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
            "(rangbiserial r) när bara två områden kan jämföras. Justerat p är Holms justering "
            "över alla tester i rapporten; ett justerat p under 0,05 tyder på en skillnad som inte "
            "beror på slumpen. Grupper med för få svar ingår inte."
        )
    )
    if "parallel" in charts:
        blocks.append(Figure(charts["parallel"]))
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
        if comparison.kind != "roles":
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
    rows = []
    for comparison in results.comparisons:
        if comparison.kind != "areas" or comparison.questionnaire is None:
            continue
        questionnaire = codebook.questionnaires[comparison.questionnaire]
        rows.append(
            [
                f"{comparison.subject} ({role_label(questionnaire.role).lower()})",
                ", ".join(comparison.groups) or NO_VALUE,
                *_test_cells(comparison),
                comment(comparison),
            ]
        )
    if rows:
        blocks.append(Table("Jämförelse mellan områden", columns, rows, numeric))
    return blocks


def _method(results: Results) -> list[Block]:
    k = results.min_group_size
    free_text = results.free_text
    texts = ("färre än " + str(k)) if free_text.suppressed else count(free_text.count)
    return [
        PageBreak(),
        Heading(2, "Om resultaten", "metod"),
        Paragraph(
            f"Skydd av små grupper: en grupp med färre än {k} inbjudna eller svar redovisas "
            f"inte, utan visas som ”{SUPPRESSED}”. Om bara en grupp i en uppdelning är dold "
            "döljs även den näst minsta gruppen, så att den dolda gruppen inte kan räknas fram "
            "ur totalen. Kommuner skyddas inom sitt område. Jämförelser görs bara mellan grupper "
            "som redovisas."
        ),
        Paragraph(
            "Andelar redovisas med 95 % konfidensintervall enligt Wilson. Medianen är det "
            "mittersta svarsalternativet bland dem som svarade."
        ),
        Paragraph(
            f"Fritextsvar ({texts}) skrivs inte ut i rapporten. De finns i filen "
            f"{free_text.file} för analytiker och kan innehålla namn eller andra uppgifter som "
            "pekar ut personer; granska dem innan de delas."
        ),
    ]


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
            Heading(2, "Resultat", "resultat"),
            Paragraph(NOTHING_TO_REPORT),
            Paragraph(
                "Rapporten fylls i när det finns både inbjudningar och inkomna svar i "
                f"datamängden (nu {count(generated.responses)} svar och "
                f"{count(generated.invitations)} inbjudningar)."
            ),
        ]
        return Report(REPORT_TITLE, REPORT_SUBTITLE, _period(results), title_figures, blocks)
    blocks = [Heading(2, "Sammanfattning", "sammanfattning"), KeyFigures(title_figures)]
    if overall.suppressed:
        blocks.append(
            Paragraph(
                f"Det finns ännu för få svar (färre än {results.min_group_size}) för att redovisa "
                "resultat utan risk att enskilda personer kan pekas ut."
            )
        )
    blocks += _participation(results, by_key)
    blocks += _items(results, codebook, by_key)
    blocks += _indexes(results)
    blocks += _comparisons(results, codebook, by_key)
    blocks += _method(results)
    return Report(REPORT_TITLE, REPORT_SUBTITLE, _period(results), title_figures, blocks)
