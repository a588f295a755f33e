"""Every choice group on a staff form is a fieldset named by its legend, each choice a card."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

from flask.testing import FlaskClient

from .test_staff_pages import ÅSELE


class ChoiceGroups(HTMLParser):
    """For each radio and checkbox: its name, its fieldset's legend, whether a card holds it."""

    def __init__(self) -> None:
        super().__init__()
        self.legends: list[str] = []
        self.in_legend = False
        self.in_card = False
        self.found: dict[str, tuple[str, bool]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "fieldset":
            self.legends.append("")
        elif tag == "legend":
            self.in_legend = True
        elif tag == "label" and "card" in (found.get("class") or "").split():
            self.in_card = True
        elif tag == "input" and found.get("type") in ("radio", "checkbox"):
            legend = self.legends[-1].strip() if self.legends else ""
            self.found.setdefault(found.get("name") or "", (legend, self.in_card))

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self.legends.pop()
        elif tag == "legend":
            self.in_legend = False
        elif tag == "label":
            self.in_card = False

    def handle_data(self, data: str) -> None:
        if self.in_legend:
            self.legends[-1] += data


def groups(page: str) -> dict[str, tuple[str, bool]]:
    parser = ChoiceGroups()
    parser.feed(page)
    return parser.found


def test_the_meeting_form_names_every_choice_group(
    staff_client: Callable[..., FlaskClient], make_campaign: Callable
) -> None:
    make_campaign()
    page = (
        staff_client("coordinator", teams=(ÅSELE,))
        .get("/staff/meetings/new")
        .get_data(as_text=True)
    )
    assert groups(page) == {
        "age_band": ("Barnets ålder", True),
        "child_attended": ("Var barnet med på mötet?", True),
        "services": ("Verksamheter som var med", True),
        "child_handover": (
            "Har barnet ingen egen telefon? Skicka barnets länk till en vårdnadshavare",
            True,
        ),
    }
    assert "<ul" not in page.split("<main", 1)[1].split("</form>", 1)[0]


def test_the_account_form_names_its_choice_groups(staff_client: Callable[..., FlaskClient]) -> None:
    page = staff_client("admin").get("/staff/users/new").get_data(as_text=True)
    found = groups(page)
    assert found["teams"] == ("Team", True)
    assert all(in_card for _legend, in_card in found.values())
