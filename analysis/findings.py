"""The key findings: one page, generated from results.json, for a head of unit.

Cautious by rule: a difference is called a difference only when Holm's adjusted p is under
0.05, otherwise "kan bero på slumpen"; every share comes with its 95 % interval; a group the
small-group rule hides is never named with a figure. Every sentence reads only Results.
"""

from __future__ import annotations

from analysis.codebook import Codebook
from analysis.labels import (
    BREAKDOWN_LABELS,
    CHILD_ATTENDED_PHRASES,
    PARALLEL_LABELS,
    ROLE_LABELS,
    count,
    group_label,
    interval,
    percent,
    points,
    points_interval,
    role_label,
    window_label,
)
from analysis.results import ItemChange, RateGroup, Results

ALPHA = 0.05
#: Changes since the previous window named one by one on the key findings page.
MAX_CHANGES = 3
#: Breakdowns whose least-answering group the findings name (generalised rows are not groups).
LEAST_ANSWERING = ("role", "child_attended", "area", "age_band", "language_group")


def _rate(group: RateGroup) -> str:
    return f"{percent(group.rate)} (95 % KI {interval(group.ci)})"


def _participation(results: Results) -> list[str]:
    overall = results.participation.overall
    k = results.min_group_size
    if overall.suppressed:
        return [
            f"Det kom för få svar (färre än {k}) för att redovisa något resultat utan risk att "
            "enskilda personer kan pekas ut. Rapporten visar därför inga siffror om svaren."
        ]
    sentences = [
        f"{count(overall.completed)} av {count(overall.invited)} inbjudna svarade: "
        f"svarsfrekvensen var {_rate(overall)}."
    ]
    for breakdown in LEAST_ANSWERING:
        shown = {
            name: group
            for name, group in results.participation.by.get(breakdown, {}).items()
            if not group.suppressed and name != "*" and group.rate is not None
        }
        if len(shown) < 2:
            continue
        lowest = min(shown, key=lambda name: (shown[name].rate or 0.0, name))
        highest = max(shown, key=lambda name: (shown[name].rate or 0.0, name))
        low, high = shown[lowest], shown[highest]
        if low.ci is None or high.ci is None:
            continue
        sentence = _least_and_most(breakdown, lowest, low, highest, high)
        if low.ci[1] >= high.ci[0]:
            sentence += "; intervallen överlappar, så skillnaden kan bero på slumpen."
        else:
            sentence += "."
        sentences.append(sentence)
    return sentences


def _least_and_most(
    breakdown: str, lowest: str, low: RateGroup, highest: str, high: RateGroup
) -> str:
    """'Per område svarade X minst (…) och Y mest (…)', without the closing caution."""
    if breakdown == "child_attended":
        # Its groups are meetings, not people: said as a phrase, not as a table's row name.
        return (
            f"Efter om barnet var med på mötet svarade de inbjudna till möten "
            f"{CHILD_ATTENDED_PHRASES[lowest]} minst ({_rate(low)}) och de till möten "
            f"{CHILD_ATTENDED_PHRASES[highest]} mest ({_rate(high)})"
        )
    label = BREAKDOWN_LABELS[breakdown].lower()
    return (
        f"Per {label} svarade {group_label(breakdown, lowest)} minst "
        f"({_rate(low)}) och {group_label(breakdown, highest)} mest ({_rate(high)})"
    )


def _items(results: Results, codebook: Codebook) -> list[str]:
    sentences = []
    for qkey, items in results.items.items():
        role = role_label(codebook.questionnaires[qkey].role)
        shown = [
            s
            for s in items.values()
            if not s.suppressed
            and not s.all_no_answer
            and s.positive_share is not None
            and s.dimension != "filter"
        ]
        if not shown:
            sentences.append(f"{role}: för få svar för att redovisa frågorna.")
            continue
        best = max(shown, key=lambda s: (s.positive_share or 0.0, s.key))
        worst = min(shown, key=lambda s: (s.positive_share or 0.0, s.key))
        if best is worst:
            sentences.append(
                f"{role}: {percent(best.positive_share)} (95 % KI {interval(best.ci)}) svarade "
                f"positivt på ”{best.text}”."
            )
            continue
        sentences.append(
            f"{role}: flest positiva svar på ”{best.text}” ({percent(best.positive_share)}, "
            f"95 % KI {interval(best.ci)}), färst på ”{worst.text}” "
            f"({percent(worst.positive_share)}, 95 % KI {interval(worst.ci)})."
        )
    return sentences


def _comparisons(results: Results) -> list[str]:
    tested = [c for c in results.comparisons if c.testable and c.p_holm is not None]
    if not tested:
        return []
    clear = [c for c in tested if c.p_holm is not None and c.p_holm < ALPHA]
    names = []
    for comparison in clear:
        if comparison.kind == "roles":
            names.append(
                f"mellan roller på ”{PARALLEL_LABELS.get(comparison.subject, comparison.subject)}”"
            )
        elif comparison.kind == "child_attended":
            names.append(f"efter om barnet var med på mötet på fråga {comparison.subject}")
        else:
            names.append(f"mellan områden på fråga {comparison.subject}")
    if not clear:
        return [
            f"Ingen av de {len(tested)} jämförelserna mellan roller, mellan områden och efter "
            "om barnet var med visade en skillnad som är större än slumpen kan förklara "
            "(Holm-justerat p 0,05 eller mer)."
        ]
    rest = len(tested) - len(clear)
    return [
        "Skillnader som sannolikt inte beror på slumpen (Holm-justerat p under 0,05): "
        + "; ".join(names)
        + f". De övriga {rest} jämförelserna visade inga sådana skillnader."
    ]


def _previous(results: Results, codebook: Codebook) -> list[str]:
    previous = results.previous
    if previous is None:
        return []
    label = window_label(previous.window)
    overall = previous.participation.overall
    now = results.participation.overall
    if overall.suppressed or now.suppressed:
        sentences = [
            f"Jämfört med förra perioden ({label}) kan svarsfrekvensen inte jämföras: "
            "för få svar i någon av perioderna."
        ]
    else:
        sentences = [
            f"Jämfört med förra perioden ({label}) var svarsfrekvensen {percent(now.rate)} mot "
            f"{percent(overall.rate)} ({points(overall.difference)}, 95 % KI "
            f"{points_interval(overall.difference_ci)}), " + _beyond_chance(overall.p_adjusted)
        ]
    changed: list[tuple[float, str]] = []
    unchanged = 0
    for qkey, items in previous.items.items():
        role = ROLE_LABELS.get(codebook.questionnaires[qkey].role, qkey).lower()
        for key, change in items.items():
            if change.suppressed or change.p_adjusted is None:
                continue
            summary = results.items[qkey][key]
            if summary.dimension == "filter":
                continue
            if change.p_adjusted < ALPHA:
                changed.append(
                    (
                        abs(change.difference or 0.0),
                        _item_sentence(summary.text, role, summary.positive_share, change),
                    )
                )
            else:
                unchanged += 1
    # The largest changes; the rest are in the section on the previous window.
    changed.sort(key=lambda pair: -pair[0])
    sentences += [sentence for _size, sentence in changed[:MAX_CHANGES]]
    if len(changed) > MAX_CHANGES:
        sentences.append(
            f"Ytterligare {len(changed) - MAX_CHANGES} frågor ändrades mer än slumpen kan "
            "förklara; de står i avsnittet Jämfört med förra perioden."
        )
    if unchanged:
        sentences.append(
            f"{'Övriga ' if changed else ''}{unchanged} frågor som kunde jämföras med förra "
            "perioden ändrades inte mer än slumpen kan förklara (Holm-justerat p 0,05 eller mer)."
        )
    elif not changed:
        sentences.append("Inga frågor hade tillräckligt många svar i båda perioderna.")
    return sentences


def _beyond_chance(p_adjusted: float | None) -> str:
    if p_adjusted is not None and p_adjusted < ALPHA:
        return "en förändring som sannolikt inte beror på slumpen."
    return "en skillnad som kan bero på slumpen."


def _item_sentence(text: str, role: str, now: float | None, change: ItemChange) -> str:
    direction = "ökade" if (change.difference or 0.0) > 0 else "minskade"
    return (
        f"Andelen positiva svar på ”{text}” ({role}) {direction} sedan förra perioden, från "
        f"{percent(change.positive_share)} till {percent(now)} ({points(change.difference)}, "
        f"95 % KI {points_interval(change.difference_ci)}); förändringen beror sannolikt inte "
        "på slumpen."
    )


def key_findings(results: Results, codebook: Codebook) -> list[str]:
    """The key findings as short Swedish sentences, in the order a reader needs them."""
    sentences = []
    if results.window.preliminary:
        sentences.append("Insamlingen pågår fortfarande: resultaten är preliminära och kan ändras.")
    sentences += _participation(results)
    if results.participation.overall.suppressed:
        return sentences
    sentences += _items(results, codebook)
    sentences += _comparisons(results)
    sentences += _previous(results, codebook)
    sentences.append(
        f"Grupper med färre än {results.min_group_size} inbjudna eller svar redovisas inte "
        "(”för få svar”). Alla intervall är 95 % konfidensintervall."
    )
    return sentences
