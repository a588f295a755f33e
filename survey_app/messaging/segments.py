"""How many SMS segments a text needs: GSM-7 septets or UCS-2 code units.

A message is sent as GSM-7 when every character is in the GSM 03.38 basic set or its extension
table (extension characters take two septets: an escape plus the character); one character
outside both turns the whole message into UCS-2, where a character outside the Basic
Multilingual Plane takes two 16-bit units (a surrogate pair).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: GSM 03.38 basic character set (the escape code itself left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: Characters reached through the escape code: two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

#: (units in a single-part message, units per part of a concatenated message)
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str
    #: Septets (GSM-7) or 16-bit code units (UCS-2).
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def gsm7_septets(text: str) -> int:
    return sum(2 if char in GSM7_EXTENSION else 1 for char in text)


def ucs2_units(text: str) -> int:
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def count_segments(text: str) -> SegmentCount:
    """The encoding a phone network will use for `text` and the segments it takes."""
    if is_gsm7(text):
        encoding, units = GSM7, gsm7_septets(text)
    else:
        encoding, units = UCS2, ucs2_units(text)
    single, per_part = LIMITS[encoding]
    segments = 1 if units <= single else -(-units // per_part)
    return SegmentCount(encoding=encoding, units=units, segments=segments)


def non_gsm7_characters(text: str) -> list[str]:
    """The characters that force UCS-2 (for error messages about a template)."""
    return sorted({char for char in text if char not in GSM7_BASIC and char not in GSM7_EXTENSION})
