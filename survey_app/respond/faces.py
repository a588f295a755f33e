"""Small faces drawn beside the child scale's words: support for reading, never the label.

The faces lean positive (happy, calm, neutral; no sad face for "Nej"): sad-to-happy smiley
scales separate children's answers poorly, positive-leaning faces are used more evenly
(Hall et al. 2016). They are
inline SVG, so they cost no request and need no image permission in the CSP, and aria-hidden,
so a screen reader reads only the word.
"""

from __future__ import annotations

from markupsafe import Markup

from survey_app.questionnaires import Item

_MOUTHS = {
    "happy": "M11 23q9 10 18 0",
    "calm": "M13 25q7 4 14 0",
    "neutral": "M13 26h14",
}
#: Soft background per face, so the three differ by more than the mouth.
_COLOURS = {"happy": "#ffd95a", "calm": "#c8ecb4", "neutral": "#cfe3f5"}


_FACE = Markup(
    '<svg class="face" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true"'
    ' focusable="false" fill="#1b1b1b">'
    '<circle cx="20" cy="20" r="18" fill="{colour}" stroke="#1b1b1b" stroke-width="2"/>'
    '<circle cx="14" cy="16" r="2.5"/><circle cx="26" cy="16" r="2.5"/>'
    '<path d="{mouth}" fill="none" stroke="#1b1b1b" stroke-width="2.5" stroke-linecap="round"/>'
    "</svg>"
)


def face_svg(name: str) -> Markup:
    """The inline SVG of one face (decorative: hidden from assistive technology)."""
    return _FACE.format(colour=_COLOURS[name], mouth=_MOUTHS[name])


FACES = frozenset(_MOUTHS)


def option_faces(item: Item) -> dict[str, Markup]:
    """Option value → face markup, for the options of an item's scale that have a face."""
    if item.scale is None:
        return {}
    return {
        str(option.value): face_svg(option.face)
        for option in item.scale.options
        if option.face in FACES
    }
