"""Charts drawn with matplotlib's object API (no pyplot), as inline SVG (in both reports)."""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

from analysis.codebook import Codebook, Scale
from analysis.labels import (
    ALL_NO_ANSWER,
    COMMON_LABELS,
    FUNNEL_LABELS,
    PARALLEL_LABELS,
    ROLE_SHORT,
    SUPPRESSED,
    count,
    group_label,
    interval,
    p_value,
    percent,
    points,
    points_interval,
    role_label,
)
from analysis.results import Comparison, ItemChange, ItemGroup, Results

# Blue/orange diverging palette (ColorBrewer PuOr/RdBu ends), safe for the common forms
# of colour blindness; strongest colour first.
POSITIVE_COLOURS = ("#2166ac", "#67a9cf", "#d1e5f0")
NEGATIVE_COLOURS = ("#b35806", "#f1a340", "#fee0b6")
PARTLY_COLOUR = "#bdbdbd"
NO_ANSWER_COLOUR = "#8c8c8c"
NEUTRAL_BAR = "#4d4d4d"
TEXT_COLOUR = "#1a1a1a"
# Dark fills get white labels so the percent stays readable.
_DARK = {POSITIVE_COLOURS[0], NEGATIVE_COLOURS[0], NEUTRAL_BAR, NO_ANSWER_COLOUR}
_MIN_LABELLED_SHARE = 0.07
_RC: dict[RcKeyType, Any] = {
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.edgecolor": "#666666",
    # Keep SVG text as text: searchable, selectable and read by screen readers.
    "svg.fonttype": "none",
    # Stable element ids make the SVG (and so report.html) reproducible.
    "svg.hashsalt": "sip-follow-up",
}
CHILD_ORDER = ("child", "guardian", "youth")


@dataclass(frozen=True)
class Chart:
    """One rendered chart with its accessible title and description."""

    key: str
    title: str
    description: str
    svg: str

    @property
    def standalone_svg(self) -> str:
        """The chart as an .svg file of its own (the web service shows these)."""
        svg = self.svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + svg


def _percent_axis(value: float, _pos: int) -> str:
    return f"{abs(value) * 100:.0f}\u00a0%"


def _figure(height: float) -> Figure:
    return Figure(figsize=(8.0, height), layout="constrained")


def _wrap(text: str, width: int = 42, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def _bar_label(ax: Axes, x: float, y: float, share: float, colour: str) -> None:
    if share < _MIN_LABELLED_SHARE:
        return
    ax.text(
        x,
        y,
        f"{share * 100:.0f}",
        ha="center",
        va="center",
        fontsize=7.5,
        color="white" if colour in _DARK else TEXT_COLOUR,
    )


def funnel_figure(results: Results) -> Figure:
    """How many invitations reached each step, from invited to completed."""
    funnel = results.participation.funnel
    fig = _figure(3.4)
    ax = fig.add_subplot()
    ax.set_title("Från inbjudan till svar")
    if funnel.suppressed or not funnel.invited:
        _suppressed_panel(ax)
        return fig
    stages = ("invited", "sent", "delivered", "opened", "started", "completed", "opted_out")
    values = [getattr(funnel, s) or 0 for s in stages]
    y = list(range(len(stages)))
    colours = [NEUTRAL_BAR] * 5 + [POSITIVE_COLOURS[0], NEGATIVE_COLOURS[0]]
    ax.barh(y, values, color=colours, height=0.65)
    for yi, value in zip(y, values, strict=True):
        label = f"{count(value)} ({percent(value / funnel.invited)})"
        ax.text(value + funnel.invited * 0.01, yi, label, va="center", fontsize=8)
    ax.set_yticks(y, [FUNNEL_LABELS[s] for s in stages])
    ax.invert_yaxis()
    ax.set_xlim(0, funnel.invited * 1.3)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: count(int(v))))
    ax.set_xlabel("Antal inbjudningar")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def rate_figure(results: Results, breakdown: str, title: str, all_label: str) -> Figure:
    """Response rate overall and per group of one breakdown, with 95% Wilson intervals."""
    participation = results.participation
    rows = [(all_label, participation.overall)]
    rows += [(group_label(breakdown, g), r) for g, r in participation.by.get(breakdown, {}).items()]
    fig = _figure(1.2 + 0.45 * len(rows))
    ax = fig.add_subplot()
    ax.set_title(title)
    for i, (_name, group) in enumerate(rows):
        if group.suppressed or group.rate is None or group.ci is None:
            ax.text(0.01, i, SUPPRESSED, va="center", fontstyle="italic", color=TEXT_COLOUR)
            continue
        low, high = group.ci
        ax.barh(i, group.rate, color=POSITIVE_COLOURS[1] if i else POSITIVE_COLOURS[0], height=0.6)
        ax.errorbar(
            group.rate,
            i,
            xerr=[[group.rate - low], [high - group.rate]],
            fmt="none",
            ecolor=TEXT_COLOUR,
            capsize=4,
            linewidth=1.2,
        )
        ax.text(high + 0.02, i, percent(group.rate), va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
    ax.set_xlabel("Andel av inbjudna som svarade")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def area_rate_figure(results: Results) -> Figure:
    """Response rate overall and per area, with 95% Wilson intervals."""
    return rate_figure(
        results, "area", "Svarsfrekvens per område (95 % konfidensintervall)", "Alla områden"
    )


def attendance_rate_figure(results: Results) -> Figure:
    """Response rate by whether the child took part in the meeting, with 95% intervals."""
    return rate_figure(
        results,
        "child_attended",
        "Svarsfrekvens efter om barnet var med på mötet (95 % konfidensintervall)",
        "Alla möten",
    )


def scale_colours(scale: Scale) -> dict[int, str]:
    """Colour of each scale value: blue for positive, orange for the rest, strongest outside."""
    positive = [v for v in scale.codes if v in scale.positive]
    other = [v for v in scale.codes if v not in scale.positive]
    colours = {v: POSITIVE_COLOURS[min(i, 2)] for i, v in enumerate(positive)}
    colours |= {v: NEGATIVE_COLOURS[min(i, 2)] for i, v in enumerate(reversed(other))}
    return colours


def _diverging_row(ax: Axes, y: float, group: ItemGroup, scale: Scale) -> None:
    if group.counts is None or not group.n:
        return
    colours = scale_colours(scale)
    # Positive values grow to the right from the centre line, the rest to the left, with
    # the mildest answer next to the line.
    right = [v for v in reversed(scale.codes) if v in scale.positive]
    left = [v for v in scale.codes if v not in scale.positive]
    for values, sign in ((right, 1.0), (left, -1.0)):
        start = 0.0
        for value in values:
            share = group.counts[str(value)] / group.n
            ax.barh(
                y,
                sign * share,
                left=start,
                color=colours[value],
                height=0.7,
                edgecolor="white",
                linewidth=0.5,
            )
            _bar_label(ax, start + sign * share / 2, y, share, colours[value])
            start += sign * share


def item_figure(results: Results, codebook: Codebook, questionnaire: str) -> Figure | None:
    """Diverging stacked bars for every choice item of one questionnaire."""
    items = list(results.items.get(questionnaire, {}).values())
    if not items:
        return None
    fig = _figure(1.6 + 0.48 * len(items))
    grid = fig.add_gridspec(1, 2, width_ratios=(5, 1))
    ax = fig.add_subplot(grid[0])
    ax_na = fig.add_subplot(grid[1], sharey=ax)
    for i, summary in enumerate(items):
        if summary.suppressed or not summary.n:
            ax.text(0, i, SUPPRESSED, ha="center", va="center", fontstyle="italic")
            continue
        _diverging_row(ax, i, summary.overall(), codebook.scales[summary.scale])
        shown = summary.n + (summary.no_answer or 0)
        share = (summary.no_answer or 0) / shown
        ax_na.barh(i, share, color=NO_ANSWER_COLOUR, height=0.7)
        ax_na.text(share + 0.03, i, percent(share), va="center", fontsize=7.5)
    # Behind the bars, so the line does not cross the labels of the middle segments.
    ax.axvline(0, color=TEXT_COLOUR, linewidth=0.8, zorder=0.5)
    ax.set_xlim(-1, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
    ax.set_yticks(range(len(items)), [_wrap(f"{s.key} {s.text}") for s in items], fontsize=8)
    ax.invert_yaxis()
    ax.set_title("← inte positiva svar   |   positiva svar →", fontsize=9)
    ax.set_xlabel("Andel av dem som svarade")
    ax_na.set_xlim(0, 1)
    ax_na.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
    ax_na.set_xticks([0, 1])
    ax_na.set_title("Vet inte /\ninget svar", fontsize=9)
    ax_na.tick_params(axis="y", left=False, labelleft=False)
    for axis in (ax, ax_na):
        axis.spines[["top", "right"]].set_visible(False)
    handles = [
        Patch(color=POSITIVE_COLOURS[0], label="Mest positivt"),
        Patch(color=POSITIVE_COLOURS[1], label="Positivt"),
        Patch(color=NEGATIVE_COLOURS[1], label="Inte positivt"),
        Patch(color=NEGATIVE_COLOURS[0], label="Mest negativt"),
        Patch(color=NO_ANSWER_COLOUR, label="Vet inte / inget svar"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=5, fontsize=7.5, frameon=False)
    return fig


def parallel_figure(results: Results) -> Figure | None:
    """Children, guardians and young people side by side on the common scale."""
    comparisons = [c for c in results.comparisons if c.kind == "roles"]
    if not comparisons:
        return None
    rows: list[tuple[float, str, Comparison, str]] = []
    y = 0.0
    headings: list[tuple[float, Comparison]] = []
    for comparison in comparisons:
        headings.append((y, comparison))
        y += 0.9
        for role in CHILD_ORDER:
            if role in comparison.items:
                rows.append((y, role, comparison, ROLE_SHORT[role]))
                y += 1.0
        y += 0.4
    fig = _figure(1.3 + 0.3 * y)
    ax = fig.add_subplot()
    colours = {
        "negative": NEGATIVE_COLOURS[0],
        "partly": PARTLY_COLOUR,
        "positive": POSITIVE_COLOURS[0],
    }
    for yi, role, comparison, _ in rows:
        distribution = (comparison.distributions or {}).get(role)
        total = sum(distribution.values()) if distribution else 0
        if distribution is None or total == 0:
            ax.text(0, yi, SUPPRESSED, ha="center", va="center", fontstyle="italic")
            continue
        shares = {k: v / total for k, v in distribution.items()}
        # "Delvis" straddles the centre line, as usual for a middle category.
        starts = {
            "negative": -shares["partly"] / 2 - shares["negative"],
            "partly": -shares["partly"] / 2,
            "positive": shares["partly"] / 2,
        }
        for category in ("negative", "partly", "positive"):
            ax.barh(
                yi,
                shares[category],
                left=starts[category],
                color=colours[category],
                height=0.8,
                edgecolor="white",
                linewidth=0.5,
            )
            _bar_label(
                ax, starts[category] + shares[category] / 2, yi, shares[category], colours[category]
            )
    for yh, comparison in headings:
        title = PARALLEL_LABELS.get(comparison.subject, comparison.subject)
        if comparison.p_holm is not None:
            title += f"   (p justerat = {p_value(comparison.p_holm)})"
        # A white box keeps the centre line from running through the heading.
        ax.text(
            -1.0,
            yh + 0.1,
            title,
            fontweight="bold",
            va="center",
            fontsize=8.5,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
        )
    # Behind the bars, so the line does not cross the labels of the middle segments.
    ax.axvline(0, color=TEXT_COLOUR, linewidth=0.8, zorder=0.5)
    ax.set_xlim(-1, 1)
    ax.set_ylim(y - 0.4, -0.5)
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
    ax.set_yticks([r[0] for r in rows], [r[3] for r in rows])
    ax.set_title("Barn, vårdnadshavare och unga på de gemensamma frågorna")
    ax.spines[["top", "right"]].set_visible(False)
    handles = [
        Patch(color=colours[c], label=COMMON_LABELS[c]) for c in ("negative", "partly", "positive")
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    return fig


def previous_rows(results: Results) -> list[tuple[str, ItemChange | None, float | None]]:
    """(label, change, this window's share) per item compared; change None when hidden."""
    previous = results.previous
    if previous is None:
        return []
    rows: list[tuple[str, ItemChange | None, float | None]] = []
    for qkey, changes in previous.items.items():
        for key, change in changes.items():
            summary = results.items[qkey][key]
            if summary.dimension == "filter":
                continue
            label = f"{key} {summary.text}"
            rows.append((label, None if change.suppressed else change, summary.positive_share))
    return rows


def previous_figure(results: Results) -> Figure | None:
    """Share of positive answers per item: the previous window (grey) and this one (blue)."""
    rows = previous_rows(results)
    if not rows:
        return None
    fig = _figure(1.2 + 0.25 * len(rows))
    ax = fig.add_subplot()
    ax.set_title("Andel positiva svar: förra perioden och nu")
    for i, (_label, change, now) in enumerate(rows):
        if change is None or change.positive_share is None or now is None:
            ax.text(0.01, i, SUPPRESSED, va="center", fontstyle="italic", color=TEXT_COLOUR)
            continue
        ax.plot([change.positive_share, now], [i, i], color=PARTLY_COLOUR, linewidth=2, zorder=1)
        ax.scatter([change.positive_share], [i], color=NEUTRAL_BAR, s=28, zorder=2)
        ax.scatter([now], [i], color=POSITIVE_COLOURS[0], s=28, marker="D", zorder=3)
        strong = change.p_adjusted is not None and change.p_adjusted < 0.05
        ax.text(
            1.02,
            i,
            f"{percent(now)} ({'*' if strong else ''}{points_short(change.difference)})",
            va="center",
            fontsize=7.5,
        )
    ax.set_yticks(range(len(rows)), [_wrap(label, 48, 1) for label, _c, _n in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.25)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(FuncFormatter(_percent_axis))
    ax.set_xlabel("Andel positiva svar (grå punkt: förra perioden, blå romb: nu)")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def points_short(difference: float | None) -> str:
    """A difference in percentage points for a chart label, e.g. '+5 p.e.'."""
    if difference is None:
        return "–"
    value = round(difference * 100)
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value)}\u00a0p.e."


def _previous_text(results: Results) -> str:
    previous = results.previous
    if previous is None:
        return ""
    parts = []
    for label, change, now in previous_rows(results):
        if change is None:
            parts.append(f"{label}: {SUPPRESSED}")
            continue
        parts.append(
            f"{label}: förra perioden {percent(change.positive_share)}, nu {percent(now)} "
            f"({points(change.difference)}, 95 % KI {points_interval(change.difference_ci)}, "
            f"justerat p {p_value(change.p_adjusted)})"
        )
    return (
        f"Jämfört med insamlingsfönster {previous.window_id}. "
        + "; ".join(parts)
        + ". En stjärna i diagrammet: Holm-justerat p under 0,05."
    )


def _suppressed_panel(ax: Axes) -> None:
    ax.text(
        0.5, 0.5, SUPPRESSED, ha="center", va="center", fontstyle="italic", transform=ax.transAxes
    )
    ax.set_axis_off()


_SVG_START = re.compile(r"<svg\b[^>]*>")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_NAMESPACE = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'xlink:href="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")


def to_svg(fig: Figure, key: str, title: str, description: str) -> str:
    """Inline SVG for HTML: accessible name and description, unique ids, no external URIs."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Inline SVG in HTML needs no namespace declarations or RDF metadata; dropping them
    # leaves no URL in the page at all.
    svg = _METADATA.sub("", svg)
    svg = _NAMESPACE.sub("", svg)
    # Several charts share one page, so every id gets the chart's key as prefix.
    svg = _ID.sub(lambda m: f'id="{key}-{m.group(1)}"', svg)
    svg = _HREF.sub(lambda m: f'href="#{key}-{m.group(1)}"', svg)
    svg = _URL.sub(lambda m: f"url(#{key}-{m.group(1)})", svg)
    match = _SVG_START.search(svg)
    if match is None:
        raise ValueError("matplotlib wrote no <svg> element")
    opening = re.sub(r'\s(width|height)="[^"]*"', "", match.group(0))
    opening = opening.replace(
        "<svg",
        f'<svg role="img" style="width:100%;height:auto" aria-labelledby="{key}-title {key}-desc"',
        1,
    )
    accessible = (
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
    )
    return opening + accessible + svg[match.end() :]


def _render(key: str, title: str, description: str, fig: Figure) -> Chart:
    return Chart(key, title, description, to_svg(fig, key, title, description))


def render_charts(
    results: Results, codebook: Codebook, questionnaires: Sequence[str] | None = None
) -> list[Chart]:
    """All charts of the report, in report order."""
    if results.empty:
        return []
    # Text sizes are taken from rcParams when a figure is built, so build inside the context.
    with matplotlib.rc_context(_RC):
        return _render_all(results, codebook, questionnaires)


def _funnel_text(results: Results) -> str:
    funnel = results.participation.funnel
    if funnel.suppressed or not funnel.invited:
        return f"Diagrammet visar inga siffror: {SUPPRESSED}."
    parts = [f"Inbjudna {count(funnel.invited)}"]
    for stage in ("sent", "delivered", "opened", "started", "completed", "opted_out"):
        value = getattr(funnel, stage) or 0
        parts.append(
            f"{FUNNEL_LABELS[stage].lower()} {count(value)} ({percent(value / funnel.invited)})"
        )
    return "; ".join(parts) + ". Samma siffror finns i tabellen Från inbjudan till svar."


def _rate_text(name: str, rate: float | None, ci: tuple[float, float] | None) -> str:
    if rate is None:
        return f"{name}: {SUPPRESSED}"
    return f"{name}: {percent(rate)} (95 % KI {interval(ci)})"


def _rates_text(results: Results, breakdown: str, all_label: str, table: str) -> str:
    overall = results.participation.overall
    parts = [_rate_text(all_label, overall.rate, overall.ci)]
    for name, group in results.participation.by.get(breakdown, {}).items():
        parts.append(_rate_text(group_label(breakdown, name), group.rate, group.ci))
    return "Svarsfrekvens: " + "; ".join(parts) + f". Samma siffror finns i tabellen {table}."


def _areas_text(results: Results) -> str:
    return _rates_text(results, "area", "Alla områden", "per område")


def _attendance_text(results: Results) -> str:
    return _rates_text(results, "child_attended", "Alla möten", "efter om barnet var med på mötet")


def _items_text(results: Results, qkey: str, role: str) -> str:
    parts = []
    for summary in results.items.get(qkey, {}).values():
        if summary.suppressed:
            parts.append(f"{summary.key}: {SUPPRESSED}")
        elif summary.all_no_answer:
            parts.append(f"{summary.key}: {ALL_NO_ANSWER}")
        else:
            parts.append(
                f"{summary.key}: {percent(summary.positive_share)} positiva "
                f"(n\u00a0=\u00a0{count(summary.n)})"
            )
    return (
        "Andel positiva svar per fråga: "
        + "; ".join(parts)
        + f". Fördelningen per svarsalternativ finns i tabellen Svar per fråga – "
        f"{role_label(role).lower()}."
    )


def _parallel_text(results: Results) -> str:
    parts = []
    for comparison in results.comparisons:
        if comparison.kind != "roles":
            continue
        roles = []
        for role in CHILD_ORDER:
            if role not in comparison.items:
                continue
            distribution = (comparison.distributions or {}).get(role)
            total = sum(distribution.values()) if distribution else 0
            if not distribution or not total:
                roles.append(f"{ROLE_SHORT[role]} {SUPPRESSED}")
                continue
            shares = ", ".join(
                f"{COMMON_LABELS[c].lower()} {percent(distribution[c] / total)}"
                for c in ("positive", "partly", "negative")
            )
            roles.append(f"{ROLE_SHORT[role]} {shares}")
        parts.append(
            f"{PARALLEL_LABELS.get(comparison.subject, comparison.subject)}: " + "; ".join(roles)
        )
    return (
        "På den gemensamma skalan. "
        + ". ".join(parts)
        + ". Testen finns i tabellen Jämförelse mellan roller."
    )


def _render_all(
    results: Results, codebook: Codebook, questionnaires: Sequence[str] | None
) -> list[Chart]:
    charts = []
    charts.append(
        _render("funnel", "Från inbjudan till svar", _funnel_text(results), funnel_figure(results))
    )
    charts.append(
        _render(
            "areas",
            "Svarsfrekvens per område",
            _areas_text(results),
            area_rate_figure(results),
        )
    )
    if results.participation.by.get("child_attended"):
        charts.append(
            _render(
                "child_attended",
                "Svarsfrekvens efter om barnet var med på mötet",
                _attendance_text(results),
                attendance_rate_figure(results),
            )
        )
    for qkey in questionnaires or list(results.items):
        fig = item_figure(results, codebook, qkey)
        if fig is not None:
            questionnaire = codebook.questionnaires[qkey]
            title = questionnaire.title or qkey
            charts.append(
                _render(
                    f"items-{qkey}",
                    f"Svar per fråga: {title}",
                    _items_text(results, qkey, questionnaire.role),
                    fig,
                )
            )
    fig = parallel_figure(results)
    if fig is not None:
        charts.append(
            _render(
                "parallel",
                "Barn, vårdnadshavare och unga på den gemensamma skalan",
                _parallel_text(results),
                fig,
            )
        )
    fig = previous_figure(results)
    if fig is not None:
        charts.append(
            _render(
                "previous",
                "Jämfört med förra perioden: andel positiva svar",
                _previous_text(results),
                fig,
            )
        )
    return charts
