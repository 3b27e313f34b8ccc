"""The forms as data: FHIR R4 Questionnaires and their answers. Pure Python.

- `items`: constants and walking helpers (choice codes, integer ranges, blank answers)
- `standard`: any FHIR R4 Questionnaire: every problem sonb would not honour, listed; a form
  made ready to show (`load_standard`)
- `schema`: load sonb's bundled forms and check them (standard plus house rules)
- `values`: one answer of each item type: check it, to FHIR and back, initial answers
- `enable`: enableWhen, which items are shown (paths into repeating groups)
- `answers`: validate answers, keep those of enabled items, list open questions
- `response`: answers <-> QuestionnaireResponse (`read_response` keeps what fits)
- `builders`: the forms built from a case (opinion, preferences, decision)

How each form's answers are read from and written to a case is `sonb.binding`.
"""

from .answers import clean_answers, message, missing_required, unanswered, validate_answers
from .builders import (bilingual, decision_questionnaire, default_factors, judgement_questionnaire,
                       opinion_questionnaire, person_questionnaire, preferences_questionnaire)
from .answers import where
from .enable import enabled_items, enabled_paths, is_enabled, shown_paths, walk_answers
from .items import (ASPECT_SYSTEM, ASPECTS, CODE_SYSTEM, FORM_FOR_KIND, ITEM_CONTROL, MAX_LENGTH,
                    MAX_VALUE, MIN_VALUE, NONE, OTHER, QUESTION_TYPES, URL_PREFIX, Option,
                    aspects_of, choice_codes, index, int_range, is_blank, is_question, iter_items,
                    options, questions, title, values_of)
from .response import Reading, from_response, read_response, to_response
from .schema import ITEM_KEYS, check, fhir_id, load, names
from .standard import WHOLE_FORM, check_standard, load_standard, prepare, read_form_file
from .values import initial_answers, value_range

__all__ = [
    "clean_answers", "message", "missing_required", "unanswered", "validate_answers",
    "bilingual", "decision_questionnaire", "default_factors", "judgement_questionnaire", "opinion_questionnaire",
    "person_questionnaire", "preferences_questionnaire", "enabled_items", "is_enabled", "ASPECT_SYSTEM", "ASPECTS",
    "CODE_SYSTEM", "FORM_FOR_KIND", "ITEM_CONTROL", "MAX_LENGTH", "MAX_VALUE", "MIN_VALUE", "NONE",
    "OTHER", "QUESTION_TYPES", "URL_PREFIX", "aspects_of", "choice_codes", "index", "int_range",
    "is_blank", "is_question", "iter_items", "questions", "title", "values_of", "from_response",
    "to_response", "ITEM_KEYS", "check", "fhir_id", "load", "names", "where", "enabled_paths",
    "shown_paths", "walk_answers", "Option", "options", "Reading", "read_response", "WHOLE_FORM",
    "check_standard", "load_standard", "prepare", "read_form_file", "initial_answers", "value_range",
]
