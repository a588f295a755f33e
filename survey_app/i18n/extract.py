"""Babel extractor for questionnaire YAML: item texts, hints, titles and scale labels.

Questionnaire texts are rendered with `lazy_pgettext` and a context per item or scale (see
questionnaires/texts.py); this extractor yields the same (context, text) pairs, so they land in
messages.pot beside every other string. Babel finds it through the `[extractors]` section of
translations/babel.cfg (a section header cannot hold `module:function` itself, because Babel
splits the header at its first colon).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

import yaml

#: One Babel extraction result: (line number, function name, (context, text), comments).
Extracted = tuple[int, str, tuple[str, str], list[str]]

#: What translators are told about each questionnaire's readers.
AUDIENCE = {
    "guardian": "Guardians (parents). Plain, polite language.",
    "child": "Children aged 6-11. Easy-to-read: short sentences, everyday words.",
    "youth": "Young people aged 12-18. Plain, respectful language.",
}


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _text(node: yaml.Node | None) -> tuple[int, str] | None:
    """A scalar's 1-based line and value, or None for anything that is not a non-empty string."""
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        return node.start_mark.line + 1, node.value
    return None


def _questionnaire(top: dict[str, yaml.Node]) -> Iterator[Extracted]:
    key_node = _text(top.get("key"))
    if key_node is None:
        return
    key = key_node[1]
    role = _text(top.get("role"))
    audience = AUDIENCE.get(role[1], "") if role else ""
    title = _text(top.get("title"))
    if title:
        yield title[0], "pgettext", (f"{key}:title", title[1]), [f"Title. {audience}".strip()]
    for item_node in _sequence(top.get("items")):
        item = _mapping(item_node)
        item_key = _text(item.get("key"))
        if item_key is None:
            continue
        context = f"{key}:{item_key[1]}"
        text = _text(item.get("text"))
        if text:
            yield text[0], "pgettext", (context, text[1]), [f"Question. {audience}".strip()]
        hint = _text(item.get("hint"))
        if hint:
            comment = f"Hint under the question. {audience}".strip()
            yield hint[0], "pgettext", (f"{context}:hint", hint[1]), [comment]


def _scales(top: dict[str, yaml.Node]) -> Iterator[Extracted]:
    for scale_key, scale_node in _mapping(top.get("scales")).items():
        scale = _mapping(scale_node)
        context = f"scale:{scale_key}"
        for option_node in _sequence(scale.get("options")):
            label = _text(_mapping(option_node).get("label"))
            if label:
                yield label[0], "pgettext", (context, label[1]), ["Answer option."]
        no_answer = _text(scale.get("no_answer"))
        if no_answer:
            comment = "The extra 'don't know' option: keep its meaning exact."
            yield no_answer[0], "pgettext", (context, no_answer[1]), [comment]


def extract_questionnaires(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Babel extraction method for questionnaires/*.yaml and questionnaires/scales.yaml."""
    encoding = str(options.get("encoding", "utf-8"))
    root = yaml.compose(fileobj.read().decode(encoding), Loader=yaml.SafeLoader)
    top = _mapping(root)
    if "scales" in top:
        yield from _scales(top)
    else:
        yield from _questionnaire(top)
