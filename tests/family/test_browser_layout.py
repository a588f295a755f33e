"""Layout promises a phone can break: tap targets and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest

from survey_app.i18n import FAMILY_LANGUAGES
from tests.browser import follow

pytestmark = pytest.mark.browser

#: A long but real-looking address: the statement must wrap it, not scroll sideways.
LONG_CONTACT = "tillganglighet.digital.service@regionvasterbotten.se"


def test_arabic_error_summary_links_are_big_enough_to_tap(phone, make_invitation):
    arabic = phone()
    page = arabic.page
    arabic.goto(f"/s/{make_invitation(role='guardian', language='ar').token}")
    page.locator("#G0 input[value='3']").check()  # the first question is on the start page
    follow(page.locator("button[value=next]"))
    follow(page.locator("button[value=next]"))  # nothing chosen: five questions to correct
    links = page.locator(".error-summary a")
    assert links.count() == 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None
        # WCAG 2.2 target size (minimum): 24 × 24 CSS pixels.
        assert box["height"] >= 24, (index, box)
        assert box["width"] >= 24, (index, box)


@pytest.mark.parametrize("language", list(FAMILY_LANGUAGES))
def test_the_accessibility_statement_fits_320_pixels(app, phone, language):
    app.config["ACCESSIBILITY_CONTACT"] = LONG_CONTACT
    narrow = phone(width=320)
    narrow.goto(f"/s/hej-da?lang={language}")  # the language menu's choice stays in the session
    narrow.goto("/tillganglighet")
    page = narrow.page
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(f'a[href="mailto:{LONG_CONTACT}"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
