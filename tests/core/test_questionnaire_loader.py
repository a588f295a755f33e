"""The loader accepts the shipped questionnaires and refuses each kind of mistake clearly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import questionnaires
from questionnaires import entries, load_set, parse_entries
from survey_app.questionnaires import DEFAULT_DIRECTORY, QuestionnaireError, load_directory


def test_shipped_questionnaires_load_with_the_content_brief_structure():
    questionnaires = load_directory(DEFAULT_DIRECTORY)
    assert set(questionnaires) == {"sip-guardian", "sip-child", "sip-youth"}
    guardian = questionnaires["sip-guardian"]
    assert [item.key for item in guardian.items] == [f"G{n}" for n in range(13)]
    assert [item.key for item in questionnaires["sip-child"].items] == [f"C{n}" for n in range(7)]
    assert [item.key for item in questionnaires["sip-youth"].items] == [f"Y{n}" for n in range(9)]
    # Child forms at most 7 items, the guardian form at most 12 questions plus the comment.
    assert len(questionnaires["sip-child"].items) <= 7
    assert sum(item.type == "choice" for item in guardian.items) <= 12
    assert guardian.item("G2").parallel == "voice"
    assert questionnaires["sip-child"].item("C5").dimension == "influence"
    assert guardian.item("G12").max_length == 1000
    assert questionnaires["sip-youth"].item("Y8").max_length == 500
    # Every scale says which answers are positive, and "Vet inte" is never a number.
    child3 = questionnaires["sip-child"].item("C1").choice_scale
    assert child3.positive == {3}
    assert child3.no_answer == "Vet inte"
    assert [o.label for o in child3.options] == ["Ja", "Lite", "Nej"]


def test_child_and_youth_questions_are_one_per_screen():
    questionnaires = load_directory(DEFAULT_DIRECTORY)
    for key in ("sip-child", "sip-youth"):
        assert all(len(page) == 1 for page in questionnaires[key].pages)


def test_filter_question_skips_the_meeting_items_only():
    guardian = load_directory(DEFAULT_DIRECTORY)["sip-guardian"]
    skipped = guardian.skipped_items({"G0": "1"})
    assert skipped == {"G1", "G2", "G3", "G4", "G5", "G10", "G11"}
    assert guardian.visible_pages({"G0": "1"}) == [1, 3, 4]
    assert guardian.visible_pages({"G0": "3"}) == [1, 2, 3, 4]
    assert [i.key for i in guardian.page_items(4, {"G0": "1"})] == ["G12"]


@pytest.fixture
def broken_copy(tmp_path: Path):
    """A copy of the questionnaires folder, and a function that edits one file in it."""
    directory = tmp_path / "questionnaires"
    shutil.copytree(DEFAULT_DIRECTORY, directory)

    def edit(file: str, change) -> Path:
        path = directory / file
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return directory

    return edit


def _item(data, key):
    return next(item for item in data["items"] if item["key"] == key)


MISTAKES = [
    (
        "unknown top-level key",
        "sip-guardian.yaml",
        lambda d: d.update(colour="blue"),
        "sip-guardian.yaml: unknown key 'colour'",
    ),
    (
        "unknown item key",
        "sip-guardian.yaml",
        lambda d: _item(d, "G3").update(colour="blue"),
        "sip-guardian.yaml, item G3: unknown key 'colour'",
    ),
    (
        "duplicate item",
        "sip-child.yaml",
        lambda d: d["items"].append(dict(_item(d, "C2"))),
        "sip-child.yaml, item C2: duplicate item",
    ),
    (
        "scale missing",
        "sip-youth.yaml",
        lambda d: _item(d, "Y3").pop("scale"),
        "sip-youth.yaml, item Y3: scale missing",
    ),
    (
        "unknown scale",
        "sip-youth.yaml",
        lambda d: _item(d, "Y3").update(scale="agree5"),
        "sip-youth.yaml, item Y3: unknown scale 'agree5'",
    ),
    (
        "unknown version",
        "sip-guardian.yaml",
        lambda d: d.update(version="one"),
        "sip-guardian.yaml: unknown version 'one'",
    ),
    (
        "unknown format",
        "sip-guardian.yaml",
        lambda d: d.update(format=2),
        "sip-guardian.yaml: unknown format version 2",
    ),
    (
        "unknown dimension",
        "sip-child.yaml",
        lambda d: _item(d, "C1").update(dimension="space-time"),
        "sip-child.yaml, item C1: unknown dimension 'space-time'",
    ),
    (
        "text missing",
        "sip-child.yaml",
        lambda d: _item(d, "C1").pop("text"),
        "sip-child.yaml, item C1: text is missing",
    ),
    (
        "item on no page",
        "sip-guardian.yaml",
        lambda d: d["pages"][1].remove("G3"),
        "sip-guardian.yaml, item G3: must be on exactly one page",
    ),
    (
        "page names unknown item",
        "sip-guardian.yaml",
        lambda d: d["pages"][1].append("G99"),
        "sip-guardian.yaml, item G99: on a page but not defined",
    ),
    (
        "skip of unknown item",
        "sip-guardian.yaml",
        lambda d: _item(d, "G0")["skip_when"]["items"].append("G42"),
        "sip-guardian.yaml, item G0: skips unknown item 'G42'",
    ),
    (
        "skip value off the scale",
        "sip-guardian.yaml",
        lambda d: _item(d, "G0")["skip_when"].update(values=[7]),
        "sip-guardian.yaml, item G0: skip_when values are not on scale attended3",
    ),
    (
        "text item without limit",
        "sip-guardian.yaml",
        lambda d: _item(d, "G12").pop("max_length"),
        "sip-guardian.yaml, item G12: max_length must be",
    ),
    (
        "key differs from file name",
        "sip-child.yaml",
        lambda d: d.update(key="sip-kid"),
        "sip-child.yaml: key 'sip-kid' must match the file name",
    ),
    (
        "unknown role",
        "sip-child.yaml",
        lambda d: d.update(role="teacher"),
        "sip-child.yaml: role 'teacher' is not one of",
    ),
    (
        "positive value off the scale",
        "scales.yaml",
        lambda d: d["scales"]["child3"].update(positive=[5]),
        "scales.yaml, scale child3: positive values",
    ),
    (
        "common mapping incomplete",
        "scales.yaml",
        lambda d: d["scales"]["agree4"]["common"].update(negative=[2]),
        "scales.yaml, scale agree4: common must map every value exactly once",
    ),
    (
        "option value out of range",
        "scales.yaml",
        lambda d: d["scales"]["agree4"]["options"].append({"value": 9, "label": "Kanske"}),
        "scales.yaml, scale agree4: option value 9 must be a whole number 1–4",
    ),
    (
        "unknown face",
        "scales.yaml",
        lambda d: d["scales"]["child3"]["options"][2].update(face="sad"),
        "scales.yaml, scale child3: unknown face 'sad'",
    ),
]


@pytest.mark.parametrize(
    ("mistake", "file", "change", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_a_broken_file_is_refused_with_file_item_and_reason(
    broken_copy, mistake, file, change, expected
):
    directory = broken_copy(file, change)
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(directory)
    assert expected in str(raised.value)


def test_invalid_yaml_names_the_file(tmp_path: Path):
    shutil.copytree(DEFAULT_DIRECTORY, tmp_path / "q")
    (tmp_path / "q" / "sip-child.yaml").write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"sip-child\.yaml: not valid YAML"):
        load_directory(tmp_path / "q")


def test_the_service_refuses_to_start_with_a_broken_questionnaire(app_factory, broken_copy):
    directory = broken_copy("sip-youth.yaml", lambda d: _item(d, "Y2").pop("scale"))
    with pytest.raises(QuestionnaireError, match="item Y2: scale missing"):
        app_factory(QUESTIONNAIRE_DIRECTORY=str(directory))


def test_children_and_young_people_may_always_answer_vet_inte():
    questionnaires = load_directory(DEFAULT_DIRECTORY)
    for key in ("sip-child", "sip-youth"):
        for item in questionnaires[key].items:
            if item.type == "choice":
                assert item.choice_scale.no_answer == "Vet inte", f"{key} {item.key}"
    # "Vet inte" on the filter question does not skip anything: the child is asked on.
    child = questionnaires["sip-child"]
    assert child.skipped_items({"C0": "na"}) == frozenset()


def test_the_service_loads_the_one_model_from_the_questionnaires_package(app):
    from survey_app.questionnaires import all_questionnaires, questionnaire_set

    assert DEFAULT_DIRECTORY == questionnaires.DIRECTORY
    assert questionnaire_set() == load_set(questionnaires.DIRECTORY)
    assert all_questionnaires() == load_directory(questionnaires.DIRECTORY)


def test_the_codebook_entries_read_back_into_the_same_model():
    loaded = load_set(DEFAULT_DIRECTORY)
    # Through JSON, as codebook.json carries them: nothing is lost or changed on the way.
    assert parse_entries(json.loads(json.dumps(entries(loaded)))) == loaded
    guardian = loaded.questionnaires["sip-guardian"]
    assert guardian.item("G12").hint == "Skriv inga namn. Du behöver inte skriva något."
    assert guardian.item("G0").skip_when is not None
    assert loaded.scales["child3"].options[0].face == "happy"


def test_a_bad_codebook_is_refused_by_the_same_rules_as_a_bad_file():
    data = entries(load_set(DEFAULT_DIRECTORY))
    data["scales"]["agree4"]["common"]["negative"] = [2]
    with pytest.raises(
        QuestionnaireError, match=r"codebook\.json, scale agree4: common must map every value"
    ):
        parse_entries(data)


def test_the_model_package_imports_no_flask():
    code = (
        "import sys, questionnaires\n"
        "print('flask' in sys.modules, 'survey_app' in sys.modules, 'wtforms' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "False"]
