"""The forms as data: FHIR R4 Questionnaires and their answers. Pure Python.

- `items`: constants and walking helpers (choice codes, integer ranges, blank answers)
- `schema`: load sonb's bundled forms and check any form's structure
- `enable`: enableWhen, which items are shown
- `answers`: validate answers, keep those of enabled items, list open questions
- `response`: answers <-> QuestionnaireResponse
- `builders`: the forms built from a case (opinion, preferences, decision)

How each form's answers are read from and written to a case is `sonb.binding`.
"""

from .answers import clean_answers, message, missing_required, unanswered, validate_answers
from .builders import (bilingual, decision_questionnaire, default_factors, judgement_questionnaire,
                       opinion_questionnaire, person_questionnaire, preferences_questionnaire)
from .enable import enabled_items, is_enabled
from .items import (ASPECT_SYSTEM, ASPECTS, CODE_SYSTEM, FORM_FOR_KIND, ITEM_CONTROL, MAX_LENGTH,
                    MAX_VALUE, MIN_VALUE, NONE, OTHER, QUESTION_TYPES, URL_PREFIX, aspects_of,
                    choice_codes, index, int_range, is_blank, is_question, iter_items, questions,
                    title, values_of)
from .response import from_response, to_response
from .schema import ITEM_KEYS, check, fhir_id, load, names

__all__ = [
    "clean_answers", "message", "missing_required", "unanswered", "validate_answers",
    "bilingual", "decision_questionnaire", "default_factors", "judgement_questionnaire", "opinion_questionnaire",
    "person_questionnaire", "preferences_questionnaire", "enabled_items", "is_enabled", "ASPECT_SYSTEM", "ASPECTS",
    "CODE_SYSTEM", "FORM_FOR_KIND", "ITEM_CONTROL", "MAX_LENGTH", "MAX_VALUE", "MIN_VALUE", "NONE",
    "OTHER", "QUESTION_TYPES", "URL_PREFIX", "aspects_of", "choice_codes", "index", "int_range",
    "is_blank", "is_question", "iter_items", "questions", "title", "values_of", "from_response",
    "to_response", "ITEM_KEYS", "check", "fhir_id", "load", "names",
]
