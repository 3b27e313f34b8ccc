"""Shared fixtures for the unit tests."""

from __future__ import annotations

import datetime as dt

import pytest

from sonb.model import (
    Case,
    Clinician,
    Decision,
    DecisionKind,
    Factor,
    Opinion,
    Option,
    OptionView,
    Preferences,
    Role,
)

HTML_ATTACK = "<img src=x onerror=alert(1)> & <script>alert('x')</script>"


@pytest.fixture(autouse=True)
def sonb_home(tmp_path_factory, monkeypatch):
    """Point SONB_HOME at a fresh temporary folder: no test touches the user's real data."""
    home = tmp_path_factory.mktemp("sonb-home")
    monkeypatch.setenv("SONB_HOME", str(home))
    return home


@pytest.fixture
def intl_case() -> Case:
    """A full case in several scripts (accents, Chinese, Arabic right-to-left) plus HTML."""
    doctors = [
        Clinician(
            id="c1", name="Dr José Müller-Ñúñez", role=Role.primary,
            institution="Hôpital Saint-Éloi",
        ),
        Clinician(id="c2", name="李明", specialty="骨科", institution="北京协和医院"),
        Clinician(
            id="c3", name="د. ليلى حسن", specialty="جراحة العظام",
            role=Role.other_professional,
        ),
        Clinician(id="c4", name=HTML_ATTACK, specialty="<b>bold</b>"),
    ]
    options = [
        Option(id="o1", name="Opération du genou", description="Arthroscopie, 3 semaines"),
        Option(id="o2", name="物理治疗", description="每周两次，持续三个月"),
        Option(id="o3", name="الانتظار", description="\u200fالانتظار ثلاثة أشهر ثم إعادة التقييم"),
    ]
    opinion = Opinion(
        clinician_id="c2",
        date=dt.date(2025, 3, 14),
        diagnosis="半月板撕裂 — déchirure méniscale",
        recommended_option="o2",
        confidence="fairly_sure",
        views={"o1": OptionView(risks=HTML_ATTACK), "o2": OptionView(benefits="减轻疼痛")},
        form_kind=DecisionKind.surgery,
        answers={
            "name": "Ménisectomie",
            "my_questions": ["¿Cuánto dura?", "多久能走路？", HTML_ATTACK],
        },
    )
    return Case(
        decision=f"Faut-il opérer mon genou ? 要不要做手术？ هل أحتاج إلى جراحة؟ {HTML_ATTACK}",
        kind=DecisionKind.surgery,
        assessment={"costly_or_risky": True, "unsure_diagnosis": False},
        clinicians=doctors,
        options=options,
        opinions=[opinion],
        preferences=Preferences(
            factors=[Factor(id="f1", label="Pouvoir marcher 🚶", weight=5)],
            fit={"o1": {"f1": 4}, "o2": {"f1": 3}},
        ),
        choice=Decision(option="o2", reasons="أفضل العلاج الطبيعي أولاً"),
    )
