"""One class per question type: its WTForms field, and how a posted value becomes an answer."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, RadioField, SelectChoice, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from questionnaires import NO_ANSWER, Item, Questionnaire
from survey_app.questionnaires import texts


def _optional_str(value: Any) -> str | None:
    # WTForms would turn a missing value into the string "None" with coerce=str.
    return None if value is None or value == "" else str(value)


class AnswerRequired:
    """The respondent must pick an option (which may be the "don't know" option)."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.data in (None, ""):
            field.errors[:] = []
            raise StopValidation(str(_l("Välj ett av svaren.")))


class ScaleChoiceField(RadioField):
    """A radio group whose unknown values get a message a person understands."""

    def pre_validate(self, form: Form) -> None:
        if self.data in (None, ""):
            return  # optional unless AnswerRequired says otherwise
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(str(_l("Svaret finns inte bland alternativen. Välj igen.")))


class QuestionType(Protocol):
    kind: ClassVar[str]

    def field(self, questionnaire: Questionnaire, item: Item) -> Field: ...

    def answer(self, item: Item, posted: str | None) -> tuple[int | None, str | None]: ...


class ChoiceQuestion:
    """An item answered on a scale, with an optional "don't know"."""

    kind: ClassVar[str] = "choice"

    def field(self, questionnaire: Questionnaire, item: Item) -> Field:
        scale = item.choice_scale
        choices = [SelectChoice(str(o.value), texts.option_label(scale, o)) for o in scale.options]
        no_answer = texts.no_answer_label(scale)
        if no_answer is not None:
            choices.append(SelectChoice(NO_ANSWER, no_answer))
        validators = [AnswerRequired()] if item.required else []
        return ScaleChoiceField(
            label=texts.item_text(questionnaire, item),
            choices=choices,
            coerce=_optional_str,
            validators=validators,
            description=texts.item_hint(questionnaire, item) or "",
        )

    def answer(self, item: Item, posted: str | None) -> tuple[int | None, str | None]:
        """A scale value, or (None, None) for "don't know" and for no choice at all."""
        if posted is None or posted == NO_ANSWER or not posted.isdigit():
            return None, None
        value = int(posted)
        if value not in item.choice_scale.values:
            raise ValueError(f"{value} is not on scale {item.choice_scale.key}")
        return value, None


class TextQuestion:
    """An optional free-text item with a length limit."""

    kind: ClassVar[str] = "text"

    def field(self, questionnaire: Questionnaire, item: Item) -> Field:
        if item.max_length is None:
            raise TypeError(f"text item {item.key} has no max_length")
        return TextAreaField(
            label=texts.item_text(questionnaire, item),
            validators=[
                Length(
                    max=item.max_length,
                    message=_l(
                        "Texten får vara högst %(max)d tecken. Korta den lite och försök igen."
                    ),
                )
            ],
            filters=[lambda value: value.strip() if isinstance(value, str) else value],
            description=texts.item_hint(questionnaire, item) or "",
            render_kw={"maxlength": item.max_length, "rows": 4},
        )

    def answer(self, item: Item, posted: str | None) -> tuple[int | None, str | None]:
        text = (posted or "").strip()
        if item.max_length is not None and len(text) > item.max_length:
            raise ValueError(f"text longer than {item.max_length}")
        return None, text or None


QUESTION_TYPES: dict[str, QuestionType] = {
    question.kind: question for question in (ChoiceQuestion(), TextQuestion())
}


def question_type(item: Item) -> QuestionType:
    return QUESTION_TYPES[item.type]
