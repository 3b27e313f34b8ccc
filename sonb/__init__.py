"""sonb, the Second Opinion NoteBook: the domain core (pure Python and pandas).

This package never imports ipywidgets; the widget layer lives in `sonb.widgets`.
"""

from . import casefile
from .errors import CaseFileError, CaseNotFound, ConflictError, InvalidInput, SonbError
from .model import (
    SCHEMA_VERSION,
    Case,
    Clinician,
    Decision,
    DecisionKind,
    Factor,
    HowFound,
    Opinion,
    Option,
    OptionView,
    Plan,
    Preferences,
    Readiness,
    Role,
)
from .store import CaseStore

__all__ = [
    "SCHEMA_VERSION", "Case", "Clinician", "Decision", "DecisionKind", "Factor", "HowFound",
    "Opinion", "Option", "OptionView", "Plan", "Preferences", "Readiness", "Role",
    "CaseStore", "casefile", "CaseFileError", "CaseNotFound", "ConflictError", "InvalidInput", "SonbError",
]
