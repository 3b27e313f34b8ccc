"""The patient's "Did they say the same thing?" about two doctors' answers (step 5).

One form per pair of answers (`target`: the pair's name from `sonb.compare.pairs`); its one
answer, `same`, is stored in `Case.judgements` with the two texts it is about, so it holds only
while both doctors' answers stay as they were. It always wins over sonb's own verdict.
"""

from __future__ import annotations

from .. import questionnaire as Q
from ..errors import SonbError
from ..model import Case
from .base import Binding, Loc, Target


def _pair(case: Case, target: Target):
    from ..compare import pairs

    pair = pairs(case).get(target or "")
    if pair is None:
        raise SonbError(Q.message("no_pair"))
    return pair


@Q.bilingual  # the topic's words come from the comparison, in each language
def _form(case: Case, target: Target) -> dict:
    pair = _pair(case, target)
    return Q.judgement_questionnaire(pair.topic, pair.first.name, pair.second.name)


def _read(case: Case, target: Target) -> dict:
    yours = _pair(case, target).yours
    return {"same": yours} if yours else {}


def _put(data: dict, target: Target, answers: dict, q: dict) -> None:
    from ..compare import with_judgement

    case = Case.model_validate(data)
    data["judgements"] = [j.model_dump(mode="json") for j in
                          with_judgement(case, target, answers.get("same")).judgements]


def _link(case: Case, target: Target, loc: Loc) -> str | None:
    return "same" if loc[:1] == ("judgements",) else None


def _targets(case: Case) -> list[str]:
    from ..compare import pairs

    return list(pairs(case))


JUDGEMENT = Binding("judgement", Q.message("what_judgements"), form=_form, read=_read, put=_put,
                    link_of=_link, targets=_targets)
