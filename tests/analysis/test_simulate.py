"""simulate_dataset: exact size, reproducible, realistic spread, contract codebook."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from analysis.anonymity import CellCount, acceptable
from analysis.codebook import parse_codebook
from analysis.contract import GROUP_COLUMNS, SERVICES
from analysis.simulate import AREAS, simulate_dataset, sip_codebook

DIMENSIONS = {
    "filter": {"G0", "C0", "Y0"},
    "space": {"G1", "G4", "C1", "C4", "Y1", "Y4"},
    "voice": {"G2", "C2", "Y2"},
    "audience": {"G3", "C3", "Y3"},
    "influence": {"G5", "G9", "C5", "Y5", "Y7"},
    "plan": {"G6", "G7", "G8", "Y6"},
    "child_involvement": {"G10"},
    "overall": {"G11", "C6"},
    "comment": {"G12", "Y8"},
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_codebook_matches_the_contract(simulated: Path) -> None:
    raw = json.loads((simulated / "codebook.json").read_text(encoding="utf-8"))
    codebook = parse_codebook(raw)
    keys = {
        q: [i.key for i in questionnaire.items]
        for q, questionnaire in codebook.questionnaires.items()
    }
    assert keys == {
        "sip-guardian": [f"G{i}" for i in range(13)],
        "sip-child": [f"C{i}" for i in range(7)],
        "sip-youth": [f"Y{i}" for i in range(9)],
    }
    found: dict[str, set[str]] = {}
    parallels: dict[str, set[str]] = {}
    for questionnaire in codebook.questionnaires.values():
        for item in questionnaire.items:
            found.setdefault(item.dimension, set()).add(item.key)
            if item.parallel:
                parallels.setdefault(item.parallel, set()).add(item.key)
    assert found == DIMENSIONS
    assert parallels == {
        "voice": {"G2", "C2", "Y2"},
        "audience": {"G3", "C3", "Y3"},
        "understanding": {"G4", "C4", "Y4"},
        "influence": {"G5", "C5", "Y5"},
    }


def test_exactly_the_requested_number_of_responses(simulated: Path) -> None:
    responses = read(simulated / "responses.csv")
    invitations = read(simulated / "invitations.csv")
    assert len({r["response_id"] for r in responses}) == 160
    assert len(invitations) > 160
    assert sum(int(r["sent"]) for r in invitations) > 160


def test_the_simulated_files_are_released_k_anonymous(simulated: Path) -> None:
    """Fine cells are generalised as the service would: every class is at least k."""
    responses = read(simulated / "responses.csv")
    invitations = read(simulated / "invitations.csv")
    group = GROUP_COLUMNS
    answered = Counter(tuple(r[c] for c in group) for r in responses if r["item"].endswith("0"))
    sent = Counter(tuple(r[c] for c in group) for r in invitations if r["sent"] == "1")
    assert answered
    for label, count in answered.items():
        assert count >= 5
        assert sent[label] >= 5
    assert any("*" in label for label in sent)  # small cells really are generalised


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    first = simulate_dataset(tmp_path / "a", 40, seed=3)
    second = simulate_dataset(tmp_path / "b", 40, seed=3)
    third = simulate_dataset(tmp_path / "c", 40, seed=4)
    for name in ("responses.csv", "invitations.csv", "funnel.csv", "services.csv", "codebook.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert (first / "responses.csv").read_bytes() != (third / "responses.csv").read_bytes()


def test_places_and_teams_are_the_real_ones_weighted_by_population(tmp_path: Path) -> None:
    invitations = read(simulate_dataset(tmp_path, 600, seed=1) / "invitations.csv")
    for row in invitations:
        if row["municipality"] != "*":
            assert row["municipality"] in AREAS[row["area"]]
    municipalities = Counter(r["municipality"] for r in invitations if r["municipality"] != "*")
    assert municipalities.most_common(2)[0][0] == "Umeå"
    assert municipalities.most_common(2)[1][0] == "Skellefteå"
    assert municipalities["Umeå"] > 10 * municipalities.get("Dorotea", 0)


def test_filter_question_skips_the_meeting_items(tmp_path: Path) -> None:
    responses = read(simulate_dataset(tmp_path, 300, seed=2) / "responses.csv")
    absent = {r["response_id"] for r in responses if r["item"] == "G0" and r["value"] == "1"}
    assert absent
    asked = {r["item"] for r in responses if r["response_id"] in absent}
    # The real rule of sip-guardian.yaml: the plan questions and the comment remain.
    assert asked <= {"G0", "G6", "G7", "G8", "G9", "G12"}
    assert {"G0", "G6", "G9"} <= asked


def test_zero_responses_still_has_invitations(tmp_path: Path) -> None:
    folder = simulate_dataset(tmp_path, 0, seed=1)
    assert read(folder / "responses.csv") == []
    invitations = read(folder / "invitations.csv")
    assert invitations
    assert set(read(folder / "funnel.csv")[0]) == {"role", "opened", "started"}


def test_negative_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="zero or more"):
        simulate_dataset(tmp_path, -1)


def test_attendance_is_realistic_and_released_last(tmp_path: Path) -> None:
    folder = simulate_dataset(tmp_path, 1500, seed=5)
    invitations = read(folder / "invitations.csv")
    attended = Counter(r["child_attended"] for r in invitations)
    assert set(attended) <= {"yes", "partly", "no", "*"}
    # Most children take part; small groups lose their place before their attendance.
    assert attended["yes"] > attended["partly"] > 0
    assert attended["no"] > 0
    assert attended["*"] < len(invitations) / 10
    kept = [r for r in invitations if r["child_attended"] != "*"]
    assert any(r["area"] == "*" for r in kept) or any(r["municipality"] == "*" for r in kept)
    by_band = {
        band: Counter(r["child_attended"] for r in invitations if r["age_band"] == band)
        for band in ("0-5", "12-18")
    }
    share = {band: c["yes"] / max(1, sum(c.values())) for band, c in by_band.items()}
    assert share["12-18"] > share["0-5"]  # older children come more often


def test_services_are_published_only_where_they_and_their_rest_reach_k(tmp_path: Path) -> None:
    folder = simulate_dataset(tmp_path, 120, seed=6)
    rows = read(folder / "services.csv")
    invitations = read(folder / "invitations.csv")
    responses = {(r["response_id"], r["role"]) for r in read(folder / "responses.csv")}
    assert list(rows[0]) == ["campaign_id", "role", "service", "invited", "completed"]
    assert {r["service"] for r in rows} <= set(SERVICES)
    for row in rows:
        role = row["role"]
        part = CellCount(int(row["invited"]), int(row["completed"]))
        total = CellCount(
            sum(r["role"] == role for r in invitations), sum(r == role for _, r in responses)
        )
        rest = CellCount(total.invitations - part.invitations, total.responses - part.responses)
        assert acceptable(part, 5)
        assert rest == CellCount(0, 0) or rest.responses in (0, *range(5, rest.responses + 1))
    # With 120 answers some service of the smaller roles is too small, or its rest is.
    assert len(rows) < 3 * len(SERVICES)


def test_the_simulated_codebook_is_the_exported_one(simulated: Path) -> None:
    raw = json.loads((simulated / "codebook.json").read_text(encoding="utf-8"))
    assert raw == json.loads(json.dumps(sip_codebook()))
    assert raw["release"]["child_attended"]["values"] == {
        "yes": "Ja",
        "partly": "En del av mötet",
        "no": "Nej",
    }
    assert list(raw["release"]["services"]["values"]) == list(SERVICES)
    assert raw["release"]["order"][-1] == "child_attended"
