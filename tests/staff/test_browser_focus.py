"""The keyboard focus indicator stands out: at least 3:1 against what surrounds it (WCAG 1.4.11
and 2.4.11), on every control reached with Tab, on staff and family pages.

Read from Chromium's computed styles: the outline of the focused control (or of the card that
draws it for its radio or checkbox) against the first background behind it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from survey_app.extensions import db
from tests.browser import follow

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

MINIMUM = 3.0
#: What the page knows about the focused control's ring.
RING = """() => {
  const focused = document.activeElement;
  let ring = focused;
  for (let depth = 0; ring && depth < 3; depth++, ring = ring.parentElement) {
    const style = getComputedStyle(ring);
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) break;
  }
  const transparent = (c) => c === "transparent" || /rgba\\(.*, 0\\)$/.test(c);
  let behind = ring ? ring.parentElement : null;
  while (behind && transparent(getComputedStyle(behind).backgroundColor)) {
    behind = behind.parentElement;
  }
  const style = ring ? getComputedStyle(ring) : null;
  return {
    control: focused.tagName + " "
      + (focused.id || focused.getAttribute("href") || focused.textContent.trim().slice(0, 30)),
    outline: style ? style.outlineColor : null,
    width: style ? parseFloat(style.outlineWidth) : 0,
    behind: behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)",
  };
}"""


def _luminance(colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_wcag() -> None:
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    # The old focus ring on white: 1.6:1, which is why it had to go.
    assert round(contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)"), 1) == 1.6
    assert round(contrast("rgb(255, 221, 0)", "rgb(0, 90, 140)"), 1) == 5.5


def weak_rings(page: Any, presses: int = 60) -> tuple[list[str], int]:
    """Tab through the page; every ring under the minimum, and how many controls were seen."""
    seen: dict[str, str] = {}
    page.locator("body").click(position={"x": 1, "y": 1})
    for _ in range(presses):
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        if ring["control"] in seen or ring["control"].startswith("BODY"):
            # Seen before, or focus has left the page for the browser's own controls.
            continue
        if ring["outline"] is None or ring["width"] < 2:
            seen[ring["control"]] = f"{ring['control']}: no visible ring"
            continue
        ratio = contrast(ring["outline"], ring["behind"])
        seen[ring["control"]] = (
            ""
            if ratio >= MINIMUM
            else f"{ring['control']}: {ratio:.2f}:1 ({ring['outline']} on {ring['behind']})"
        )
    return [problem for problem in seen.values() if problem], len(seen)


@pytest.fixture
def screen(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_screen(width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.origin = live_server
        return page

    yield open_screen
    for context in contexts:
        context.close()


@pytest.mark.parametrize("path", ["/staff/", "/staff/meetings/new", "/staff/meetings"])
def test_staff_focus_rings_stand_out(
    screen: Callable[..., Any],
    staff_client: Callable,
    make_user: Callable,
    make_invitation: Callable,
    path: str,
) -> None:
    make_invitation()
    user = make_user("coordinator", email="anna@region.se", teams=("HLT Åsele",))
    db.session.commit()
    page = screen()
    page.goto(page.origin + "/staff/login")
    problems, _ = weak_rings(page, presses=6)
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    follow(page.locator("main form button[type=submit]"))
    page.goto(page.origin + path)
    found, controls = weak_rings(page)
    assert controls >= 5
    assert problems + found == []


@pytest.mark.parametrize("role", ["guardian", "child"])
def test_family_focus_rings_stand_out(
    screen: Callable[..., Any], make_invitation: Callable, role: str
) -> None:
    page = screen(width=360)
    page.goto(page.origin + f"/s/{make_invitation(role=role).token}")
    start_problems, controls = weak_rings(page, presses=20)
    assert controls >= 3  # the quick exit on the blue bar, the languages, the start button
    if role != "guardian":  # a guardian's start page carries the first question already
        follow(page.locator("form[action='/s/'] button"))
    question_problems, _ = weak_rings(page, presses=20)
    assert start_problems + question_problems == []
