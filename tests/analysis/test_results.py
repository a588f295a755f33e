"""Results agree with counts done by hand on the simulated data set's CSV files."""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from scipy import stats as sps

from analysis.compute import compute_results
from analysis.contract import SERVICES
from analysis.dataset import load_dataset
from analysis.results import Results
from analysis.simulate import DEFAULT_WINDOW

from .test_stats import wilson_by_formula

POSITIVE = {
    "agree4": {4, 3},
    "satisfaction4": {4, 3},
    "child3": {3},
    "youth4": {4, 3},
    "attended3": {3, 2},
    "attended3_dk": {3, 2},
}
COMMON = {
    "agree4": {4: "positive", 3: "partly", 2: "negative", 1: "negative"},
    "youth4": {4: "positive", 3: "partly", 2: "negative", 1: "negative"},
    "child3": {3: "positive", 2: "partly", 1: "negative"},
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def results(simulated: Path) -> Results:
    return compute_results(load_dataset(simulated))


@pytest.fixture(scope="module")
def answers(simulated: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(response_id, item) -> row."""
    return {(r["response_id"], r["item"]): r for r in read(simulated / "responses.csv")}


def respondents(simulated: Path) -> list[dict[str, str]]:
    """One row per response (its first answer row)."""
    seen: dict[str, dict[str, str]] = {}
    for row in read(simulated / "responses.csv"):
        seen.setdefault(row["response_id"], row)
    return list(seen.values())


def test_participation_by_hand(simulated: Path, results: Results) -> None:
    invitations = read(simulated / "invitations.csv")
    people = respondents(simulated)
    assert results.participation.overall.invited == len(invitations)
    assert results.participation.overall.completed == len(people) == 160
    for area in {r["area"] for r in invitations}:
        invited = sum(r["area"] == area for r in invitations)
        done = sum(r["area"] == area for r in people)
        group = results.participation.by["area"][area]
        if group.suppressed:
            continue
        # Completed is counted from the responses, over the same released classes.
        assert (group.invited, group.completed) == (invited, done)
        assert group.rate == pytest.approx(done / invited)
        assert group.ci == pytest.approx(wilson_by_formula(done, invited))
    funnel = results.participation.funnel
    for stage in ("sent", "delivered", "opted_out"):
        assert getattr(funnel, stage) == sum(int(r[stage]) for r in invitations)
    counters = read(simulated / "funnel.csv")
    assert funnel.opened == sum(int(r["opened"]) for r in counters)
    assert funnel.completed == 160


def test_every_shown_municipality_matches_a_hand_count(simulated: Path, results: Results) -> None:
    invitations = read(simulated / "invitations.csv")
    people = respondents(simulated)
    shown = 0
    for name, group in results.participation.by["municipality"].items():
        area, _, rest = name.rpartition("/")
        if name == "*":
            rows = [r for r in invitations if r["area"] == "*"]
            answered = [r for r in people if r["area"] == "*"]
        elif rest == "*":
            rows = [r for r in invitations if r["area"] == area and r["municipality"] == "*"]
            answered = [r for r in people if r["area"] == area and r["municipality"] == "*"]
        else:
            rows = [r for r in invitations if r["municipality"] == name]
            answered = [r for r in people if r["municipality"] == name]
        if group.suppressed:
            assert group.invited is None
            continue
        shown += 1
        assert group.invited == len(rows)
        assert group.completed == len(answered)
    assert shown >= 3


def test_item_counts_by_hand(simulated: Path, results: Results) -> None:
    rows = read(simulated / "responses.csv")
    codebook = json.loads((simulated / "codebook.json").read_text(encoding="utf-8"))
    checked = 0
    for qkey, questionnaire in codebook["questionnaires"].items():
        for item in questionnaire["items"]:
            if item["type"] != "choice":
                continue
            mine = [r for r in rows if r["questionnaire"] == qkey and r["item"] == item["key"]]
            values = [int(r["value"]) for r in mine if r["value"]]
            summary = results.items[qkey][item["key"]]
            if len(values) < 5:
                assert summary.suppressed
                continue
            checked += 1
            assert summary.n == len(values)
            assert summary.no_answer == sum(1 for r in mine if not r["value"])
            counts = Counter(values)
            assert summary.counts == {
                str(v["value"]): counts[v["value"]]
                for v in codebook["scales"][item["scale"]]["options"]
            }
            positive = sum(1 for v in values if v in POSITIVE[item["scale"]])
            assert summary.positive_share == pytest.approx(positive / len(values))
            assert summary.ci == pytest.approx(wilson_by_formula(positive, len(values)))
            assert summary.median == sorted(values)[(len(values) - 1) // 2]
            assert summary.median in values
            for area, group in summary.by_area.items():
                if group.suppressed:
                    continue
                in_area = [int(r["value"]) for r in mine if r["value"] and r["area"] == area]
                assert group.n == len(in_area)
    assert checked == 27


def test_lundy_index_by_hand(simulated: Path, results: Results) -> None:
    rows = read(simulated / "responses.csv")
    per_person: dict[str, list[bool]] = defaultdict(list)
    complete: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r["item"] in ("G5", "G9") and r["value"]:
            # The common ordinal's top step: "Ja, helt" (4) on agree4.
            per_person[r["response_id"]].append(int(r["value"]) == 4)
        if r["item"] in ("G1", "G4") and r["value"]:
            complete[r["response_id"]][r["item"]] = int(r["value"])
    shares = [sum(v) / len(v) for v in per_person.values()]
    index = results.indexes["guardian"]["influence"]
    assert index.respondents == len(shares)
    assert index.mean is not None
    assert index.mean == pytest.approx(statistics.fmean(shares))
    low, high = wilson_by_formula(index.mean * len(shares), len(shares))
    assert index.ci is not None
    assert index.ci == pytest.approx((low, high))
    assert 0.0 <= index.ci[0] <= index.ci[1] <= 1.0
    # Cronbach's alpha for space (G1, G4) on complete cases, from the formula.
    pairs = [(p["G1"], p["G4"]) for p in complete.values() if len(p) == 2]
    g1, g4 = zip(*pairs, strict=True)
    total = [a + b for a, b in pairs]
    alpha = 2 * (
        1 - (statistics.variance(g1) + statistics.variance(g4)) / statistics.variance(total)
    )
    space = results.indexes["guardian"]["space"]
    assert space.alpha_cases == len(pairs)
    assert space.alpha == pytest.approx(alpha)


def test_children_and_guardians_are_indexed_on_the_same_step(results: Results) -> None:
    """The child's "Ja" and the guardian's "Ja, helt" are the same step of the common scale."""
    for role in ("guardian", "child", "youth"):
        for index in results.indexes[role].values():
            if not index.suppressed:
                assert index.ci is not None
                assert index.mean is not None
                assert 0.0 <= index.ci[0] <= index.mean <= index.ci[1] <= 1.0


def test_role_comparison_by_hand(answers: dict, results: Results) -> None:
    scale_of = {"G": "agree4", "C": "child3", "Y": "youth4"}
    role_of = {"G": "guardian", "C": "child", "Y": "youth"}
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for (_, item), row in answers.items():
        if item in ("G2", "C2", "Y2") and row["value"]:
            table[role_of[item[0]]][COMMON[scale_of[item[0]]][int(row["value"])]] += 1
    voice = next(c for c in results.comparisons if c.kind == "roles" and c.subject == "voice")
    assert voice.distributions == {
        role: {c: table[role][c] for c in ("negative", "partly", "positive")}
        for role in voice.groups
    }
    observed = [[table[g][c] for c in ("negative", "partly", "positive")] for g in voice.groups]
    expected = sps.chi2_contingency(observed, correction=False)
    assert voice.statistic == pytest.approx(expected.statistic)
    assert voice.p == pytest.approx(expected.pvalue)


def test_area_comparison_by_hand(answers: dict, results: Results) -> None:
    comparison = next(c for c in results.comparisons if c.kind == "areas" and c.subject == "G3")
    groups = [
        [
            int(r["value"])
            for (_, item), r in answers.items()
            if item == "G3" and r["value"] and r["area"] == area
        ]
        for area in comparison.groups
    ]
    if len(groups) == 2:
        assert comparison.test == "mann-whitney"
        assert comparison.p == pytest.approx(sps.mannwhitneyu(*groups).pvalue)
    else:
        assert comparison.test == "kruskal-wallis"
        h = sps.kruskal(*groups).statistic
        assert comparison.statistic == pytest.approx(h)
        assert comparison.effect == pytest.approx(h / (sum(map(len, groups)) - 1))


def test_holm_runs_over_every_test_in_the_report(results: Results) -> None:
    tested = [c for c in results.comparisons if c.testable]
    assert len(tested) > 10
    m = len(tested)
    ordered = sorted(tested, key=lambda c: c.p or 0.0)
    running = 0.0
    for rank, comparison in enumerate(ordered):
        running = max(running, min(1.0, (m - rank) * (comparison.p or 0.0)))
        assert comparison.p_holm == pytest.approx(running)
    assert all(c.p_holm is None for c in results.comparisons if not c.testable)


def test_results_json_is_valid_and_complete(results: Results) -> None:
    data = json.loads(results.to_json())
    assert data["format"] == 4
    assert data["min_group_size"] == 5
    # The window the data set is of, as window.json named it.
    assert data["window"] == {
        "id": DEFAULT_WINDOW.id,
        "name": DEFAULT_WINDOW.name,
        "opens_at": DEFAULT_WINDOW.opens_at,
        "closes_at": DEFAULT_WINDOW.closes_at,
        "status": "final",
    }
    assert data["previous"] is None
    assert data["generated_from"]["responses"] == 160
    assert set(data["participation"]["by"]) == {
        "role",
        "child_attended",
        "age_band",
        "language_group",
        "area",
        "municipality",
    }
    assert data["generated_from"]["release_k"] == 5
    assert set(data["items"]) == {"sip-guardian", "sip-child", "sip-youth"}
    assert len(data["items"]["sip-guardian"]) == 12  # choice items only, G0-G11
    assert set(data["indexes"]) == {"guardian", "child", "youth"}
    assert set(data["indexes"]["youth"]) == {"space", "voice", "audience", "influence"}
    group = data["participation"]["overall"]
    assert set(group) == {"invited", "completed", "rate", "ci", "suppressed"}
    # Whether the child took part, and the services at the meeting, in report order.
    assert list(data["participation"]["by"]["child_attended"])[:3] == ["yes", "partly", "no"]
    by_service = data["participation"]["by_service"]
    assert list(by_service) == ["guardian", "child", "youth"]
    assert list(by_service["guardian"]) == list(SERVICES)
    assert set(by_service["guardian"]["social_services"]) == set(group)
    g10 = data["items"]["sip-guardian"]["G10"]
    assert set(g10["by_child_attended"]) <= {"yes", "partly", "no", "*"}
    assert set(g10["by_child_attended"]["yes"]) == {
        "n",
        "no_answer",
        "counts",
        "positive_share",
        "ci",
        "median",
        "suppressed",
        "all_no_answer",
    }
    assert "NaN" not in results.to_json()


def test_every_breakdown_adds_up_to_the_total_with_its_generalised_rows(simulated: Path) -> None:
    from analysis.participation import participation_table

    dataset = load_dataset(simulated)
    table, _ = participation_table(dataset.invitations.classes, dataset.responses.class_counts())
    for total, parts in table.equations:
        sums = [sum(column) for column in zip(*(table.values[p] for p in parts), strict=True)]
        assert tuple(sums) == table.values[total], total
    assert any(p.endswith("*") for _, parts in table.equations for p in parts)


def test_a_role_too_small_to_release_is_named_in_the_codebook_and_the_report(
    tmp_path: Path,
) -> None:
    import analysis
    from analysis.simulate import simulate_dataset

    folder = simulate_dataset(tmp_path / "data", 12, seed=3)
    codebook = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    residual = {c["role"] for c in codebook["release"]["residual"]}
    assert residual  # a dozen answers leave children or young people under k
    results = analysis.run(folder, tmp_path / "out", exports=False)
    assert {cell[0] for cell in results.generated_from.residual_classes} == residual
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Grupper som inte kunde göras tillräckligt stora" in html
