"""The corpus forms and their cases, compactly; `_generate.py` turns them into JSON.

A case is (name, answers, off[, status]): `answers` maps linkIds to compact values (a
choice's code or option value, (value, unit) for a quantity, a list for repeats, and for
a repeating group a list of instances, each a dict of the same kind); `off` lists, by
hand, the highest disabled paths of the form for that response.
"""

from __future__ import annotations

from _engine import item as I, questionnaire, value_set

LOINC = "http://loinc.org"
SCT = "http://snomed.info/sct"
V2 = "http://terminology.hl7.org/CodeSystem/v2-0136"
EX = "http://example.org/fhir/CodeSystem/"
YN = [("coding", "Y", "Yes", V2), ("coding", "N", "No", V2),
      ("coding", "UNK", "Don't know", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor")]
FREQ = [("coding", "LA6568-5", "Not at all", LOINC), ("coding", "LA6569-3", "Several days", LOINC),
        ("coding", "LA6570-1", "More than half the days", LOINC),
        ("coding", "LA6571-9", "Nearly every day", LOINC)]


def phq9():
    texts = ["Little interest or pleasure in doing things",
             "Feeling down, depressed, or hopeless",
             "Trouble falling or staying asleep, or sleeping too much",
             "Feeling tired or having little energy",
             "Poor appetite or overeating",
             "Feeling bad about yourself, or that you have let yourself or your family down",
             "Trouble concentrating on things, such as reading or watching television",
             "Moving or speaking more slowly than usual, or being fidgety or restless",
             "Thoughts that you would be better off dead, or of hurting yourself"]
    q = lambda n: I(f"phq-{n}", "choice", texts[n - 1], prefix=f"{n}.", options=FREQ,
                    control="radio-button", required=n <= 2 or None)
    bad_days = [("phq-9", "=", c) for c in ("LA6569-3", "LA6570-1", "LA6571-9")]
    form = questionnaire("phq9-screen", "Mood screen (PHQ-2, then PHQ-9)", [
        I("intro", "display", "Over the last 2 weeks, how often have you been bothered by "
          "any of the following problems?"),
        I("phq2", "group", "First two questions", items=[q(1), q(2)]),
        I("phq9-rest", "group", "Seven more questions", items=[q(n) for n in range(3, 10)],
          when=[("phq-1", "!=", "LA6568-5"), ("phq-2", "!=", "LA6568-5")], behavior="any"),
        I("safety", "display", "If you are having thoughts of hurting yourself, please tell "
          "the nurse now or call the crisis line at any time.", when=bad_days, behavior="any"),
        I("difficulty", "choice", "How difficult have these problems made it for you to do "
          "your work, take care of things at home, or get along with other people?",
          control="drop-down", when=[("phq-1", "exists", True)], options=[
              ("coding", "LA6572-7", "Not difficult at all", LOINC),
              ("coding", "LA6573-5", "Somewhat difficult", LOINC),
              ("coding", "LA6575-0", "Very difficult", LOINC),
              ("coding", "LA6574-3", "Extremely difficult", LOINC)]),
    ])
    rest = {f"phq-{n}": "LA6569-3" for n in range(3, 9)}
    return form, [
        ("both not at all", {"phq-1": "LA6568-5", "phq-2": "LA6568-5"},
         ["phq9-rest", "safety"]),
        ("nothing answered", {}, ["safety", "difficulty"], "in-progress"),
        ("positive screen, no thoughts of self-harm",
         {"phq-1": "LA6570-1", "phq-2": "LA6568-5", **rest, "phq-9": "LA6568-5",
          "difficulty": "LA6573-5"}, ["safety"]),
        ("thoughts of self-harm on several days",
         {"phq-1": "LA6571-9", "phq-2": "LA6569-3", **rest, "phq-9": "LA6569-3"}, []),
        ("stale answer under a hidden group",
         {"phq-1": "LA6568-5", "phq-2": "LA6568-5", "phq-9": "LA6571-9"},
         ["phq9-rest", "safety"], "in-progress"),
    ]


def medication_list():
    form = questionnaire("medication-list", "Medicines you take", [
        I("takes-meds", "boolean", "Do you take any medicines, vitamins or supplements?",
          required=True),
        I("meds", "group", "Your medicines (one entry for each)", repeats=True,
          when=[("takes-meds", "=", True)], items=[
              I("med-name", "string", "Name of the medicine", required=True, max_length=100,
                control="text-box"),
              I("med-dose", "quantity", "Dose each time"),
              I("med-frequency", "choice", "How often", control="drop-down", options=[
                  ("string", "Once a day"), ("string", "Twice a day"),
                  ("string", "Three times a day"), ("string", "Only when needed")]),
              I("med-prn", "boolean", "Do you take it only when you need it?"),
              I("med-prn-reason", "string", "What do you take it for?",
                when=[("med-prn", "=", True)]),
              I("med-started", "date", "When did you start it?"),
              I("med-current", "boolean", "Are you still taking it?",
                initial={"valueBoolean": True}),
              I("med-stopped", "date", "When did you stop?", when=[("med-current", "=", False)]),
          ]),
        I("med-notes", "text", "Anything else about your medicines?",
          when=[("takes-meds", "exists", True)]),
    ])
    metformin = {"med-name": "Metformin", "med-dose": (500, "mg"),
                 "med-frequency": "Twice a day", "med-prn": False,
                 "med-started": "2019-04-01", "med-current": True}
    ibuprofen = {"med-name": "Ibuprofen", "med-dose": (200, "mg"),
                 "med-frequency": "Only when needed", "med-prn": True,
                 "med-prn-reason": "Knee pain", "med-current": False, "med-stopped": "2024-02-10"}
    return form, [
        ("no medicines", {"takes-meds": False}, ["meds"]),
        ("nothing answered", {}, ["meds", "med-notes"], "in-progress"),
        ("yes, none listed yet", {"takes-meds": True},
         [("meds", 0, "med-prn-reason"), ("meds", 0, "med-stopped")], "in-progress"),
        ("two medicines", {"takes-meds": True, "meds": [metformin, ibuprofen],
                           "med-notes": "I sometimes forget the evening dose."},
         [("meds", 0, "med-prn-reason"), ("meds", 0, "med-stopped")]),
        ("list kept after answering no", {"takes-meds": False, "meds": [ibuprofen]}, ["meds"],
         "in-progress"),
    ]


def pain_diary():
    site = lambda code, display: ("coding", code, display, EX + "body-area")
    form = questionnaire("pain-diary", "Daily pain diary", [
        I("pain-now", "integer", "On a scale from 0 (no pain) to 10 (worst pain you can "
          "imagine), how bad is your pain right now?", required=True,
          min_value=("valueInteger", 0), max_value=("valueInteger", 10)),
        I("pain-severe", "group", "Severe pain", when=[("pain-now", ">=", 7)], items=[
            I("severe-info", "display", "Pain of 7 or more: if it is new or getting worse, "
              "call your care team today."),
            I("severe-urgent-care", "boolean", "Did you go to urgent care for this pain?"),
        ]),
        I("pain-mild", "display", "Mild pain: keep up your usual activities if you can.",
          when=[("pain-now", "<", 4)]),
        I("pain-meds-helped", "boolean", "Did your pain medicine help?",
          when=[("pain-now", ">", 5)]),
        I("pain-free-days", "integer", "On how many days of the last week were you free of "
          "pain?", when=[("pain-now", "<=", 2)], min_value=("valueInteger", 0),
          max_value=("valueInteger", 7)),
        I("pain-location", "choice", "Where is the pain? (choose all that apply)",
          repeats=True, control="check-box", options=[
              site("head", "Head"), site("back", "Back"), site("knee", "Knee"),
              site("abdomen", "Belly")]),
        I("pain-knee-side", "choice", "Which knee?", control="radio-button",
          when=[("pain-location", "=", "knee")],
          options=[("string", "Left"), ("string", "Right"), ("string", "Both")]),
        I("pain-onset", "dateTime", "When did this pain start?"),
        I("episodes", "group", "Pain episodes today", repeats=True, items=[
            I("ep-start", "time", "Start time"),
            I("ep-score", "integer", "How bad (0 to 10)?", min_value=("valueInteger", 0),
              max_value=("valueInteger", 10)),
            I("ep-relief", "string", "What helped?", when=[("ep-score", ">", 3)]),
        ]),
    ])
    e0 = ("episodes", 0, "ep-relief")
    return form, [
        ("severe back and knee pain",
         {"pain-now": 8, "pain-location": ["back", "knee"], "pain-knee-side": "Left",
          "pain-onset": "2025-03-01T07:30:00+01:00"},
         ["pain-mild", "pain-free-days", e0]),
        ("exactly 7, two episodes",
         {"pain-now": 7, "episodes": [{"ep-start": "08:00:00", "ep-score": 7},
                                      {"ep-start": "14:30:00", "ep-score": 3}]},
         ["pain-mild", "pain-free-days", "pain-knee-side", ("episodes", 1, "ep-relief")]),
        ("mild head pain", {"pain-now": 2, "pain-location": ["head"], "pain-free-days": 4},
         ["pain-severe", "pain-meds-helped", "pain-knee-side", e0]),
        ("pain of 4 (no band)", {"pain-now": 4, "episodes": [{"ep-score": 4}]},
         ["pain-severe", "pain-mild", "pain-meds-helped", "pain-free-days", "pain-knee-side"]),
        ("nothing answered", {}, ["pain-severe", "pain-mild", "pain-meds-helped",
                                  "pain-free-days", "pain-knee-side", e0], "in-progress"),
        ("pain of 6 and 0", {"pain-now": 6, "episodes": [{"ep-score": 0}]},
         ["pain-severe", "pain-mild", "pain-free-days", "pain-knee-side", e0]),
    ]


def allergy_list():
    sev = "http://hl7.org/fhir/reaction-event-severity"
    contained = [
        value_set("severity", [("mild", "Mild", sev), ("moderate", "Moderate", sev),
                               ("severe", "Severe", sev)]),
        value_set("reaction-type", [("hives", None, EX + "reaction"),
                                    ("swelling", None, EX + "reaction"),
                                    ("wheeze", None, EX + "reaction"),
                                    ("vomiting", None, EX + "reaction")]),
    ]
    allergen = lambda code, display: ("coding", code, display, EX + "allergen")
    form = questionnaire("allergy-list", "Allergies", contained=contained, items=[
        I("has-allergies", "choice", "Do you have any allergies?", options=YN,
          control="radio-button", required=True),
        I("allergy-unknown", "display", "Please bring any allergy letters or cards you have "
          "to your appointment.", when=[("has-allergies", "=", "UNK")]),
        I("allergy", "group", "Each allergy", repeats=True, when=[("has-allergies", "=", "Y")],
          items=[
              I("substance", "open-choice", "What are you allergic to?",
                control="autocomplete", options=[
                    allergen("penicillin", "Penicillin"), allergen("peanut", "Peanuts"),
                    allergen("latex", "Latex"), allergen("bee", "Bee stings")]),
              I("reaction", "choice", "What happens?", repeats=True, control="check-box",
                value_set="#reaction-type"),
              I("severity", "choice", "How bad was the worst reaction?",
                control="radio-button", value_set="#severity"),
              I("epipen", "boolean", "Were you given an adrenaline auto-injector?",
                when=[("severity", "=", "severe")]),
          ]),
    ])
    return form, [
        ("no allergies", {"has-allergies": "N"}, ["allergy-unknown", "allergy"]),
        ("does not know", {"has-allergies": "UNK"}, ["allergy"]),
        ("penicillin and a free-text allergen",
         {"has-allergies": "Y", "allergy": [
             {"substance": "penicillin", "reaction": ["hives", "swelling"], "severity": "severe",
              "epipen": True},
             {"substance": "Cat dander", "reaction": ["wheeze"], "severity": "mild"}]},
         ["allergy-unknown", ("allergy", 1, "epipen")]),
        ("yes, none listed yet", {"has-allergies": "Y"},
         ["allergy-unknown", ("allergy", 0, "epipen")], "in-progress"),
        ("nothing answered", {}, ["allergy-unknown", "allergy"], "in-progress"),
    ]


def preop_checklist():
    form = questionnaire("preop-checklist", "Before your operation on 10 March 2025", [
        I("not-ready", "display", "Please call the pre-operative clinic before you come in.",
          when=[("fasting", "!=", True), ("escort", "!=", True)], behavior="any"),
        I("surgery-date", "date", "Date of your operation", read_only=True,
          initial={"valueDate": "2025-03-10"}),
        I("fasting", "boolean", "Have you had nothing to eat since midnight?",
          control="check-box"),
        I("last-meal", "dateTime", "When did you last eat?", when=[("fasting", "=", False)]),
        I("late-meal", "display", "You ate less than 6 hours before your 8:00 operation: "
          "tell the nurse straight away.",
          when=[("last-meal", ">", "2025-03-10T02:00:00+01:00")]),
        I("anticoagulant", "boolean", "Do you take a blood thinner (for example warfarin or "
          "apixaban)?"),
        I("anticoag-last", "date", "When did you take the last dose?",
          when=[("anticoagulant", "=", True)]),
        I("anticoag-noted", "display", "The anaesthetist will check your last dose with you.",
          when=[("anticoag-last", "exists", True)]),
        I("consent-signed", "boolean", "Consent form signed (filled in by the clinic)",
          read_only=True),
        I("escort", "boolean", "Will an adult take you home and stay with you overnight?"),
        I("ready", "display", "All set: please arrive one hour before your operation.",
          when=[("fasting", "=", True), ("consent-signed", "=", True), ("escort", "=", True)],
          behavior="all"),
        I("checked-by", "string", "Checked by", read_only=True,
          initial={"valueString": "Pre-op nurse"}),
    ])
    base = {"surgery-date": "2025-03-10", "consent-signed": True, "checked-by": "Pre-op nurse"}
    return form, [
        ("all ready", {**base, "fasting": True, "anticoagulant": False, "escort": True},
         ["not-ready", "last-meal", "late-meal", "anticoag-last", "anticoag-noted"]),
        ("ate early this morning",
         {**base, "fasting": False, "last-meal": "2025-03-10T06:30:00+01:00", "escort": True},
         ["anticoag-last", "anticoag-noted", "ready"]),
        ("ate last evening",
         {**base, "fasting": False, "last-meal": "2025-03-09T20:00:00+01:00", "escort": True},
         ["late-meal", "anticoag-last", "anticoag-noted", "ready"]),
        ("only the clinic's part", base,
         ["last-meal", "late-meal", "anticoag-last", "anticoag-noted", "ready"], "in-progress"),
        ("blood thinner, no escort",
         {**base, "fasting": True, "anticoagulant": True, "anticoag-last": "2025-03-07",
          "escort": False}, ["last-meal", "late-meal", "ready"]),
        ("blood thinner dose date stale",
         {**base, "fasting": True, "anticoagulant": False, "anticoag-last": "2025-03-07",
          "escort": True, "consent-signed": False},
         ["not-ready", "last-meal", "late-meal", "anticoag-last", "anticoag-noted", "ready"],
         "in-progress"),
    ]


def vaccination_history():
    cvx = "http://hl7.org/fhir/sid/cvx"
    contained = [value_set("vaccines", [
        ("03", "MMR (measles, mumps, rubella)", cvx), ("08", "Hepatitis B", cvx),
        ("115", "Tdap (tetanus, diphtheria, whooping cough)", cvx),
        ("140", "Influenza (flu)", cvx), ("208", "COVID-19", cvx)])]
    form = questionnaire("vaccination-history", "Vaccination history", contained=contained,
                         items=[
        I("vaccine", "group", "Vaccines you have had", repeats=True, items=[
            I("vax-code", "choice", "Vaccine", control="drop-down", value_set="#vaccines",
              required=True),
            I("vax-date", "date", "Date given", min_value=("valueDate", "1900-01-01"),
              max_value=("valueDate", "2030-12-31")),
            I("vax-dose", "integer", "Dose number in the series", min_value=("valueInteger", 1),
              max_value=("valueInteger", 10)),
            I("vax-old", "display", "Given before 2015: ask whether a booster is due.",
              when=[("vax-date", "<", "2015-01-01")]),
            I("vax-recent", "display", "Given this season.",
              when=[("vax-date", ">=", "2024-09-01")]),
        ]),
        I("last-tetanus", "date", "When was your last tetanus shot?",
          max_value=("valueDate", "2030-12-31")),
        I("tetanus-due", "display", "Your tetanus booster is due (more than 10 years).",
          when=[("last-tetanus", "<=", "2015-06-30")]),
        I("tetanus-ok", "display", "Your tetanus protection is up to date.",
          when=[("last-tetanus", ">", "2015-06-30")]),
        I("clinic-day", "choice", "Which vaccination clinic day suits you?",
          control="radio-button", options=[("date", "2025-04-07"), ("date", "2025-04-14"),
                                           ("date", "2025-04-21")]),
        I("clinic-first", "display", "The 7 April clinic is at the North site.",
          when=[("clinic-day", "=", "2025-04-07")]),
        I("clinic-reminder", "boolean", "Would you like a text reminder?",
          when=[("clinic-day", "!=", "2025-04-21")]),
        I("clinic-date-other", "date", "If none suits you, which date would?",
          when=[("clinic-day", "exists", False)]),
    ])
    return form, [
        ("flu this season and MMR as a child",
         {"vaccine": [{"vax-code": "140", "vax-date": "2024-10-02", "vax-dose": 1},
                      {"vax-code": "03", "vax-date": "1988-05-12", "vax-dose": 2}],
          "last-tetanus": "2012-03-01", "clinic-day": "2025-04-07"},
         [("vaccine", 0, "vax-old"), ("vaccine", 1, "vax-recent"), "tetanus-ok",
          "clinic-date-other"]),
        ("boundary dates",
         {"vaccine": [{"vax-code": "208", "vax-date": "2015-01-01"}],
          "last-tetanus": "2015-06-30", "clinic-day": "2025-04-21"},
         [("vaccine", 0, "vax-old"), ("vaccine", 0, "vax-recent"), "tetanus-ok",
          "clinic-first", "clinic-reminder", "clinic-date-other"]),
        ("nothing answered", {},
         [("vaccine", 0, "vax-old"), ("vaccine", 0, "vax-recent"), "tetanus-due", "tetanus-ok",
          "clinic-first"], "in-progress"),
        ("Tdap on the first day of the season",
         {"vaccine": [{"vax-code": "115", "vax-date": "2024-09-01", "vax-dose": 1}],
          "last-tetanus": "2024-09-01", "clinic-day": "2025-04-14"},
         [("vaccine", 0, "vax-old"), "tetanus-due", "clinic-first", "clinic-date-other"]),
    ]


def vitals():
    pos = "http://example.org/fhir/CodeSystem/body-position"
    contained = [value_set("body-position", [("sitting", "Sitting", pos),
                                             ("standing", "Standing", pos),
                                             ("lying", "Lying down", pos)])]
    form = questionnaire("vital-signs", "Vital signs", contained=contained, items=[
        I("temp", "decimal", "Body temperature (°C)", min_value=("valueDecimal", 30.0),
          max_value=("valueDecimal", 45.0)),
        I("fever", "display", "Fever: follow the fever protocol.", when=[("temp", ">", 38.0)]),
        I("hypothermia", "display", "Low temperature: re-check and warm the patient.",
          when=[("temp", "<", 35.0)]),
        I("temp-normal", "display", "Temperature in the normal range.",
          when=[("temp", ">=", 36.1), ("temp", "<=", 37.5)], behavior="all"),
        I("spo2", "decimal", "Oxygen saturation (%)", min_value=("valueDecimal", 50.0),
          max_value=("valueDecimal", 100.0)),
        I("spo2-oxygen", "boolean", "Was the patient on extra oxygen for this reading?",
          when=[("spo2", "!=", 100.0)]),
        I("weight", "quantity", "Body weight (kg)"),
        I("weight-low", "display", "Under 40 kg: check the dose of every weight-based medicine.",
          when=[("weight", "<", (40, "kg"))]),
        I("weight-high", "display", "Over 150 kg: use the bariatric bed and chair.",
          when=[("weight", ">", (150, "kg"))]),
        I("weight-adult-dose", "display", "50 kg or more: standard adult doses apply.",
          when=[("weight", ">=", (50, "kg"))]),
        I("weight-based-dose", "display", "50 kg or less: use weight-based doses.",
          when=[("weight", "<=", (50, "kg"))]),
        I("position", "choice", "Position for the blood pressure", value_set="#body-position",
          control="drop-down", initial={"valueCoding": {"system": pos, "code": "sitting",
                                                        "display": "Sitting"}}),
        I("bp-systolic", "integer", "Systolic blood pressure (mmHg)"),
        I("bp-diastolic", "integer", "Diastolic blood pressure (mmHg)"),
        I("bp-high", "display", "High blood pressure: repeat in 5 minutes.",
          when=[("bp-systolic", ">=", 140), ("bp-diastolic", ">=", 90)], behavior="any"),
    ])
    return form, [
        ("fever, high systolic",
         {"temp": 38.5, "spo2": 97.0, "weight": (72.5, "kg"), "position": "sitting",
          "bp-systolic": 150, "bp-diastolic": 85},
         ["hypothermia", "temp-normal", "weight-low", "weight-high", "weight-based-dose"]),
        ("cold and light",
         {"temp": 34.2, "spo2": 100.0, "weight": (38, "kg"), "bp-systolic": 118,
          "bp-diastolic": 76},
         ["fever", "temp-normal", "spo2-oxygen", "weight-high", "weight-adult-dose", "bp-high"]),
        ("normal edges, 50 kg",
         {"temp": 36.1, "spo2": 100, "weight": (50, "kg"), "position": "lying",
          "bp-systolic": 120, "bp-diastolic": 95},
         ["fever", "hypothermia", "spo2-oxygen", "weight-low", "weight-high"]),
        ("nothing answered", {},
         ["fever", "hypothermia", "temp-normal", "weight-low", "weight-high",
          "weight-adult-dose", "weight-based-dose", "bp-high"], "in-progress"),
        ("37.5 and heavy", {"temp": 37.5, "weight": (160, "kg"), "spo2": 95.5},
         ["fever", "hypothermia", "weight-low", "weight-based-dose", "bp-high"]),
    ]


def sleep_diary():
    form = questionnaire("sleep-diary", "Sleep diary (last night)", [
        I("bedtime", "time", "What time did you go to bed?"),
        I("late-bed", "display", "You went to bed after 23:30.",
          when=[("bedtime", ">", "23:30:00")]),
        I("early-bed", "display", "Your bedtime was before 21:00 (clock time).",
          when=[("bedtime", "<", "21:00:00")]),
        I("waketime", "time", "What time did you wake up for the day?"),
        I("early-wake", "display", "Waking at 5:00 or earlier: note whether you could fall "
          "asleep again.", when=[("waketime", "<=", "05:00:00")]),
        I("late-wake", "display", "Waking at 9:30 or later.",
          when=[("waketime", ">=", "09:30:00")]),
        I("sleep-hours", "decimal", "About how many hours did you sleep?",
          min_value=("valueDecimal", 0.0), max_value=("valueDecimal", 24.0),
          initial={"valueDecimal": 7.5}),
        I("usual-bedtime", "time", "Your usual bedtime", initial={"valueTime": "22:00:00"}),
        I("naps", "time", "Start time of each nap yesterday", repeats=True),
        I("nap-reason", "string", "What made you need a nap?", when=[("naps", "exists", True)]),
        I("caffeine-cutoff", "choice", "When did you have your last coffee, tea or cola?",
          control="radio-button",
          options=[("time", "12:00:00"), ("time", "15:00:00"), ("time", "18:00:00")]),
        I("caffeine-late", "display", "Caffeine late in the day can keep you awake.",
          when=[("caffeine-cutoff", "=", "18:00:00")]),
        I("alarm", "choice", "Alarm time you would like for tomorrow", control="drop-down",
          options=[("time", "06:00:00"), ("time", "06:30:00"), ("time", "07:00:00", "*")]),
    ])
    return form, [
        ("late to bed, two naps",
         {"bedtime": "23:45:00", "waketime": "07:15:00", "naps": ["13:00:00", "16:30:00"],
          "nap-reason": "Night shift", "caffeine-cutoff": "18:00:00", "alarm": "07:00:00",
          "sleep-hours": 6.5, "usual-bedtime": "22:00:00"},
         ["early-bed", "early-wake", "late-wake"]),
        ("early to bed, early up",
         {"bedtime": "20:30:00", "waketime": "04:45:00", "caffeine-cutoff": "12:00:00",
          "sleep-hours": 7.5, "usual-bedtime": "22:00:00"},
         ["late-bed", "late-wake", "nap-reason", "caffeine-late"]),
        ("after midnight (times compare as clock times)",
         {"bedtime": "00:30:00", "waketime": "09:30:00", "naps": ["15:00:00"],
          "caffeine-cutoff": "15:00:00"},
         ["late-bed", "early-wake", "caffeine-late"]),
        ("nothing answered", {},
         ["late-bed", "early-bed", "early-wake", "late-wake", "nap-reason", "caffeine-late"],
         "in-progress"),
        ("exactly on the limits", {"bedtime": "23:30:00", "waketime": "05:00:00"},
         ["late-bed", "early-bed", "late-wake", "nap-reason", "caffeine-late"]),
    ]


def referral():
    form = questionnaire("specialist-referral", "Referral to a specialist", [
        I("referrer", "reference", "Referring clinician"),
        I("referrer-known", "display", "Dr López's office will get a copy of every letter.",
          when=[("referrer", "=", "Practitioner/dr-lopez")]),
        I("specialty", "choice", "Specialty", control="drop-down", required=True, options=[
            ("coding", "cardio", "Cardiology"), ("coding", "derm", "Dermatology"),
            ("coding", "ortho", "Orthopaedics"), ("coding", "neuro")]),
        I("derm-photos", "display", "Please attach photos of the skin problem if you can.",
          when=[("specialty", "=", "derm")]),
        I("neuro-imaging", "boolean", "Has the patient had a brain scan?",
          when=[("specialty", "=", "neuro")]),
        I("reason", "text", "Reason for the referral", required=True),
        I("urgent", "boolean", "Is this urgent?"),
        I("urgent-reason", "string", "Why is it urgent?", max_length=200,
          when=[("urgent", "=", True)]),
        I("letter-url", "url", "Link to the referral letter"),
        I("letter-noted", "display", "We will download the letter from that link.",
          when=[("letter-url", "exists", True)]),
        I("no-letter", "string", "Why is there no letter?", when=[("letter-url", "exists", False)]),
        I("site", "choice", "Where would the patient like to be seen?", control="radio-button",
          options=[("reference", "Location/north", "North clinic"),
                   ("reference", "Location/central", "Central hospital")]),
        I("site-parking", "display", "Parking at the Central hospital is in the multi-storey "
          "car park on Mill Road.", when=[("site", "=", "Location/central")]),
    ])
    return form, [
        ("urgent dermatology with a letter",
         {"referrer": "Practitioner/dr-lopez", "specialty": "derm",
          "reason": "Changing mole on the back", "urgent": True,
          "urgent-reason": "Bleeding and growing fast",
          "letter-url": "https://example.org/letters/8812.pdf", "site": "Location/central"},
         ["neuro-imaging", "no-letter"]),
        ("neurology without a letter",
         {"referrer": "Practitioner/dr-okafor", "specialty": "neuro",
          "reason": "Recurrent headaches", "urgent": False, "no-letter": "Sent by fax",
          "site": "Location/north", "neuro-imaging": True},
         ["referrer-known", "derm-photos", "urgent-reason", "letter-noted", "site-parking"]),
        ("nothing answered", {},
         ["referrer-known", "derm-photos", "neuro-imaging", "urgent-reason", "letter-noted",
          "site-parking"], "in-progress"),
        ("cardiology, letter link",
         {"specialty": "cardio", "reason": "Palpitations", "letter-url": "https://example.org/l/1"},
         ["referrer-known", "derm-photos", "neuro-imaging", "urgent-reason", "no-letter",
          "site-parking"]),
    ]


def wound_photos():
    photo = lambda n: {"contentType": "image/jpeg", "title": f"wound-{n}.jpg",
                       "url": f"https://example.org/uploads/wound-{n}.jpg"}
    form = questionnaire("wound-photos", "Wound check with photos", [
        I("has-wound", "boolean", "Do you have a wound that is healing?"),
        I("wound", "group", "Your wound", when=[("has-wound", "=", True)], items=[
            I("wound-photos", "attachment", "Photos of the wound", repeats=True),
            I("photo-consent", "boolean", "May the care team keep these photos in your record?",
              when=[("wound-photos", "exists", True)]),
            I("no-photo-reason", "choice", "Why no photo?",
              when=[("wound-photos", "exists", False)], control="radio-button",
              options=[("string", "No camera"), ("string", "The wound is covered"),
                       ("string", "Other")]),
            I("wound-size", "quantity", "Longest length of the wound (cm)"),
            I("wound-large", "display", "5 cm or more: a nurse will call you.",
              when=[("wound-size", ">=", (5, "cm"))]),
            I("wound-closed", "display", "Length 0: the wound looks closed.",
              when=[("wound-size", "=", (0, "cm"))]),
        ]),
        I("dressing-report", "attachment", "Nurse's dressing report (PDF)"),
        I("report-received", "display", "Thank you, the report has been received.",
          when=[("dressing-report", "exists", True)]),
    ])
    report = {"contentType": "application/pdf", "title": "dressing.pdf",
              "data": "JVBERi0xLjQKJcOkw7zDtsOfCg=="}
    return form, [
        ("two photos, large",
         {"has-wound": True, "wound-photos": [photo(1), photo(2)], "photo-consent": True,
          "wound-size": (6, "cm"), "dressing-report": report},
         ["no-photo-reason", "wound-closed"]),
        ("no photo, small",
         {"has-wound": True, "no-photo-reason": "The wound is covered", "wound-size": (2, "cm")},
         ["photo-consent", "wound-large", "wound-closed", "report-received"]),
        ("no wound, old photo kept",
         {"has-wound": False, "wound-photos": [photo(3)], "dressing-report": report},
         ["wound"], "in-progress"),
        ("nothing answered", {}, ["wound", "report-received"], "in-progress"),
        ("closed wound", {"has-wound": True, "wound-size": (0.0, "cm")},
         ["photo-consent", "wound-large", "report-received"]),
    ]


def diet():
    d = lambda code, display=None: ("coding", code, display, EX + "diet")
    form = questionnaire("diet-intake", "What you eat", [
        I("diet", "open-choice", "Do you follow a special diet? Pick one or type your own.",
          control="autocomplete", options=[d("regular", "No special diet"),
                                           d("vegetarian", "Vegetarian"), d("vegan", "Vegan"),
                                           d("gluten-free"), d("low-salt", "Low salt")]),
        I("diet-b12", "boolean", "Do you take vitamin B12?", when=[("diet", "=", "vegan")]),
        I("diet-keto", "display", "A ketogenic diet can change how some medicines work: tell "
          "your dietitian.", when=[("diet", "=", ("string", "Keto"))]),
        I("diet-detail", "text", "Tell us more about your diet",
          when=[("diet", "exists", True)]),
        I("foods-avoid", "open-choice", "Foods you avoid (pick or type)", repeats=True,
          control="check-box", options=[("string", "Dairy"), ("string", "Eggs"),
                                        ("string", "Nuts"), ("string", "Shellfish")]),
        I("nuts-info", "display", "We will flag a nut allergy risk for the kitchen.",
          when=[("foods-avoid", "=", "Nuts")]),
        I("meals-per-day", "integer", "How many meals do you eat on a usual day?"),
        I("meals-why", "string", "Why not three meals?", max_length=300,
          when=[("meals-per-day", "!=", 3)]),
    ])
    return form, [
        ("vegan, three meals",
         {"diet": "vegan", "diet-b12": True, "foods-avoid": ["Dairy", "Eggs"],
          "meals-per-day": 3}, ["diet-keto", "nuts-info", "meals-why"]),
        ("keto typed in, nuts and sesame",
         {"diet": "Keto", "diet-detail": "Since January", "foods-avoid": ["Nuts", "Sesame"],
          "meals-per-day": 2}, ["diet-b12"]),
        ("nothing answered", {}, ["diet-b12", "diet-keto", "diet-detail", "nuts-info"],
         "in-progress"),
        ("keto in lower case (strings compare exactly)",
         {"diet": "keto", "foods-avoid": ["Sesame"], "meals-per-day": 3},
         ["diet-b12", "diet-keto", "nuts-info", "meals-why"]),
        ("gluten-free coded", {"diet": "gluten-free", "meals-per-day": 5},
         ["diet-b12", "diet-keto", "nuts-info"]),
    ]


def family_history():
    role = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
    form = questionnaire("family-history", "Family health history", [
        I("fh-unknown", "boolean", "I don't know my family's health history"),
        I("relative", "group", "Relatives", repeats=True, when=[("fh-unknown", "!=", True)],
          items=[
              I("relation", "choice", "Relation to you", control="drop-down", options=[
                  ("coding", "MTH", "Mother", role), ("coding", "FTH", "Father", role),
                  ("coding", "SIS", "Sister", role), ("coding", "BRO", "Brother", role)]),
              I("living", "boolean", "Is this relative alive?"),
              I("death-age", "integer", "Age at death", when=[("living", "=", False)]),
              I("condition", "group", "Health conditions", repeats=True, items=[
                  I("cond-name", "string", "Condition", max_length=80),
                  I("cond-age", "integer", "Age when it started"),
                  I("cond-early", "display", "Started before 50: your own screening may "
                    "need to start earlier.", when=[("cond-age", "<", 50)]),
                  I("cond-cause", "boolean", "Was this the cause of death?",
                    when=[("living", "=", False)]),
              ]),
          ]),
    ])
    r = "relative"
    return form, [
        ("mother and father",
         {r: [{"relation": "MTH", "living": True, "condition": [
                  {"cond-name": "Breast cancer", "cond-age": 45},
                  {"cond-name": "High blood pressure", "cond-age": 60}]},
              {"relation": "FTH", "living": False, "death-age": 70, "condition": [
                  {"cond-name": "Heart attack", "cond-age": 68, "cond-cause": True}]}]},
         [(r, 0, "death-age"), (r, 0, "condition", 0, "cond-cause"),
          (r, 0, "condition", 1, "cond-early"), (r, 0, "condition", 1, "cond-cause"),
          (r, 1, "condition", 0, "cond-early")]),
        ("nothing answered", {},
         [(r, 0, "death-age"), (r, 0, "condition", 0, "cond-early"),
          (r, 0, "condition", 0, "cond-cause")], "in-progress"),
        ("history unknown", {"fh-unknown": True}, [r]),
        ("a brother who died, no conditions listed",
         {"fh-unknown": False, r: [{"relation": "BRO", "living": False, "death-age": 41}]},
         [(r, 0, "condition", 0, "cond-early")]),
        ("a sister, second with early condition",
         {r: [{"relation": "SIS", "living": True},
              {"relation": "SIS", "condition": [{"cond-name": "Diabetes", "cond-age": 12}]}]},
         [(r, 0, "death-age"), (r, 0, "condition", 0, "cond-early"),
          (r, 0, "condition", 0, "cond-cause"), (r, 1, "death-age"),
          (r, 1, "condition", 0, "cond-cause")]),
    ]


def translated_intake():
    lang = "urn:ietf:bcp:47"
    form = questionnaire("translated-intake", "New patient intake", title_es="Registro de "
                         "paciente nuevo", items=[
        I("full-name", "string", "Your full name", es="Su nombre completo", max_length=120),
        I("birth-date", "date", "Date of birth", es="Fecha de nacimiento"),
        I("language", "choice", "Which language do you prefer?",
          es="¿Qué idioma prefiere?", control="radio-button", options=[
              ("coding", "en", "English", lang), ("coding", "es", "Español", lang),
              ("coding", "zh", "中文", lang)]),
        I("interpreter", "boolean", "Would you like an interpreter?",
          es="¿Desea un intérprete?", when=[("language", "!=", "en")]),
        I("interpreter-note", "string", "Anything the interpreter should know?",
          es="¿Algo que el intérprete deba saber?", when=[("interpreter", "=", True)]),
        I("pregnant", "boolean", "Are you pregnant?", es="¿Está embarazada?"),
        I("due-date", "date", "Expected due date", es="Fecha probable de parto",
          when=[("pregnant", "=", True)]),
        I("visit-reason", "text", "Why are you coming today?", es="¿Por qué viene hoy?"),
        I("privacy", "display", "Your answers are private and shared only with your care team.",
          es="Sus respuestas son privadas y solo se comparten con su equipo de atención."),
    ])
    return form, [
        ("English speaker", {"full-name": "Ana Smith", "language": "en", "pregnant": False},
         ["interpreter", "interpreter-note", "due-date"]),
        ("Spanish with interpreter, pregnant",
         {"full-name": "Lucía Pérez", "birth-date": "1992-07-14", "language": "es",
          "interpreter": True, "interpreter-note": "Prefiere una intérprete mujer",
          "pregnant": True, "due-date": "2025-09-01", "visit-reason": "Control prenatal"},
         []),
        ("nothing answered", {}, ["interpreter-note", "due-date"], "in-progress"),
        ("interpreter answer kept after switching to English",
         {"language": "en", "interpreter": True, "interpreter-note": "Cantonese"},
         ["interpreter", "interpreter-note", "due-date"], "in-progress"),
    ]


def smoking():
    form = questionnaire("smoking-status", "Tobacco and vaping", [
        I("counsel", "display", "We will offer you a short talk about help to stop smoking.",
          when=[("packs-per-day", ">", 0.5)]),
        I("smoke-status", "choice", "Do you smoke tobacco?", control="radio-button", options=[
            ("coding", "449868002", "Yes, every day", SCT),
            ("coding", "8517006", "I used to smoke", SCT),
            ("coding", "266919005", "I have never smoked", SCT)]),
        I("packs-per-day", "decimal", "How many packs a day?",
          min_value=("valueDecimal", 0.0), max_value=("valueDecimal", 10.0),
          when=[("smoke-status", "=", "449868002")]),
        I("smoking-years", "integer", "For how many years have you smoked (in total)?",
          when=[("smoke-status", "!=", "266919005")]),
        I("quit-date", "date", "When did you stop?", when=[("smoke-status", "=", "8517006")]),
        I("long-smoker", "display", "20 years or more: you may be offered a lung check.",
          when=[("smoking-years", ">=", 20)]),
        I("vape", "boolean", "Do you vape (e-cigarettes)?"),
        I("vape-daily", "boolean", "Every day?", when=[("vape", "=", True)]),
    ])
    return form, [
        ("daily smoker", {"smoke-status": "449868002", "packs-per-day": 1.0,
                          "smoking-years": 25, "vape": False},
         ["quit-date", "vape-daily"]),
        ("ex-smoker with an old packs answer",
         {"smoke-status": "8517006", "packs-per-day": 2.0, "smoking-years": 10,
          "quit-date": "2019-01-15"}, ["counsel", "packs-per-day", "long-smoker", "vape-daily"],
         "in-progress"),
        ("never smoked, old years answer",
         {"smoke-status": "266919005", "smoking-years": 30, "vape": True, "vape-daily": False},
         ["counsel", "packs-per-day", "smoking-years", "quit-date", "long-smoker"],
         "in-progress"),
        ("nothing answered", {},
         ["counsel", "packs-per-day", "quit-date", "long-smoker", "vape-daily"], "in-progress"),
        ("half a pack, 20 years",
         {"smoke-status": "449868002", "packs-per-day": 0.5, "smoking-years": 20,
          "vape": True}, ["counsel", "quit-date"]),
    ]


def contact_details():
    form = questionnaire("contact-details", "How to reach you", [
        I("1", "group", "Contact", items=[
            I("1.1", "string", "Phone number", max_length=20),
            I("1.2/a", "boolean", "May we send you text messages?"),
            I("1.2/b", "string", "Mobile number for texts", max_length=20,
              when=[("1.2/a", "=", True)]),
            I("q:3", "choice", "How do you prefer to be contacted?", control="radio-button",
              options=[("string", "Phone"), ("string", "Email"), ("string", "Letter")]),
            I("q:3/email", "string", "Email address", max_length=254,
              when=[("q:3", "=", "Email")]),
            I("x/y:z", "display", "We will contact you within two working days.",
              when=[("q:3", "!=", "Letter")]),
        ]),
        I("addr", "group", "Address", items=[
            I("addr.line", "string", "Street and number", max_length=100),
            I("addr.postal", "string", "Postal code (5 digits)", max_length=5),
            I("addr.north", "display", "You live in the northern service area (postal codes "
              "10000 to 49999).", when=[("addr.postal", ">=", "10000"),
                                        ("addr.postal", "<", "50000")], behavior="all"),
            I("addr:other", "text", "Directions for the visiting nurse"),
        ]),
    ])
    return form, [
        ("texts and email, north",
         {"1.1": "555-0100", "1.2/a": True, "1.2/b": "555-0199", "q:3": "Email",
          "q:3/email": "pat@example.org", "addr.postal": "20145"}, []),
        ("letters, south",
         {"1.2/a": False, "q:3": "Letter", "addr.line": "4 High Street", "addr.postal": "60100"},
         ["1.2/b", "q:3/email", "x/y:z", "addr.north"]),
        ("nothing answered", {}, ["1.2/b", "q:3/email", "addr.north"], "in-progress"),
        ("phone, postal code on the boundary",
         {"q:3": "Phone", "addr.postal": "50000", "addr:other": "Blue door at the back"},
         ["1.2/b", "q:3/email", "addr.north"]),
        ("lowest northern code", {"q:3": "Email", "addr.postal": "10000"},
         ["1.2/b"]),
    ]


def symptom_timeline():
    s = lambda code, display: ("coding", code, display, EX + "symptom")
    form = questionnaire("symptom-timeline", "When your symptoms started", [
        I("symptoms", "choice", "Which symptoms do you have?", repeats=True, control="check-box",
          options=[s("cough", "Cough"), s("fever", "Fever"), s("headache", "Headache"),
                   s("rash", "Rash")]),
        I("onset", "dateTime", "When did the symptoms start?", required=True),
        I("onset-before", "display", "Started before this year: we will treat this as a "
          "long-standing problem.", when=[("onset", "<", "2025-01-01T00:00:00Z")]),
        I("onset-recent", "display", "Started this month.",
          when=[("onset", ">=", "2025-03-01T00:00:00Z")]),
        I("ongoing", "boolean", "Do you still have symptoms?", initial={"valueBoolean": True}),
        I("resolved", "dateTime", "When did they stop?", when=[("ongoing", "=", False)]),
        I("resolved-late", "display", "They stopped after the middle of March.",
          when=[("resolved", ">", "2025-03-15T12:00:00Z")]),
        I("resolved-early", "display", "They stopped in the first days of March.",
          when=[("resolved", "<=", "2025-03-02T00:00:00Z")]),
    ])
    return form, [
        ("since November, ongoing",
         {"symptoms": ["cough"], "onset": "2024-11-20T08:00:00Z", "ongoing": True},
         ["onset-recent", "resolved", "resolved-late", "resolved-early"]),
        ("from 1 March, stopped late",
         {"symptoms": ["fever", "headache"], "onset": "2025-03-01T00:00:00Z", "ongoing": False,
          "resolved": "2025-03-20T09:00:00Z"}, ["onset-before", "resolved-early"]),
        ("February, stopped 2 March",
         {"onset": "2025-02-10T14:30:00Z", "ongoing": False, "resolved": "2025-03-02T00:00:00Z"},
         ["onset-before", "onset-recent", "resolved-late"]),
        ("nothing answered", {},
         ["onset-before", "onset-recent", "resolved", "resolved-late", "resolved-early"],
         "in-progress"),
        ("ongoing again, old stop date kept",
         {"onset": "2025-03-05T10:00:00Z", "ongoing": True, "resolved": "2025-03-20T09:00:00Z"},
         ["onset-before", "resolved", "resolved-late", "resolved-early"], "in-progress"),
    ]


def anxiety():
    form = questionnaire("anxiety-check", "Anxiety check-in", [
        I("panic-count", "choice", "How many panic attacks did you have this week? "
          "(4 means 4 or more)", control="radio-button", prefix="A.",
          options=[("integer", n) for n in range(5)]),
        I("panic-help", "display", "Panic attacks can be treated: ask us about help.",
          when=[("panic-count", "!=", 0)]),
        I("panic-call", "boolean", "Would you like a call from the mental health team today?",
          when=[("panic-count", "=", 4)]),
        I("worry-days", "integer", "On how many of the last 7 days did worry get in the way?",
          prefix="B.", min_value=("valueInteger", 0), max_value=("valueInteger", 7),
          initial={"valueInteger": 0}),
        I("worry-most", "display", "Worry on most days: let's talk about it at your visit.",
          when=[("worry-days", ">=", 4)]),
        I("contact-ok", "choice", "How may we contact you?", prefix="C.",
          control="radio-button", options=[("string", "Phone", "*"), ("string", "Text message"),
                                           ("string", "Please do not contact me")]),
    ])
    return form, [
        ("no panic, worried most days", {"panic-count": 0, "worry-days": 5,
                                         "contact-ok": "Phone"}, ["panic-help", "panic-call"]),
        ("four or more panic attacks", {"panic-count": 4, "worry-days": 0,
                                        "contact-ok": "Text message"}, ["worry-most"]),
        ("nothing answered", {}, ["panic-call", "worry-most"], "in-progress"),
        ("two panic attacks, four days", {"panic-count": 2, "worry-days": 4},
         ["panic-call"]),
    ]


def child_growth():
    m = lambda code, display: ("coding", code, display, EX + "milestone")
    form = questionnaire("child-growth", "Child growth and development", [
        I("child-name", "string", "Child's name"),
        I("visit", "group", "Check-ups", repeats=True, items=[
            I("visit-date", "date", "Date of the check-up", required=True),
            I("visit-age", "integer", "Age in months", min_value=("valueInteger", 0),
              max_value=("valueInteger", 216)),
            I("visit-weight", "quantity", "Weight (kg)"),
            I("weight-check", "display", "2.5 kg or less: low weight, see the doctor.",
              when=[("visit-weight", "<=", (2.5, "kg"))]),
            I("visit-height", "quantity", "Length or height (cm)"),
            I("height-tall", "display", "Over 100 cm.", when=[("visit-height", ">", (100, "cm"))]),
            I("head-circ", "quantity", "Head circumference (cm), under 2 years",
              when=[("visit-age", "<", 24)]),
            I("milestones", "choice", "What can the child do?", repeats=True,
              control="check-box", when=[("visit-age", ">=", 9)],
              options=[m("sits", "Sits without support"), m("crawls", "Crawls"),
                       m("walks", "Walks alone"), m("words", "Says first words")]),
            I("walks-note", "string", "At what age (months) did walking start?",
              when=[("milestones", "=", "walks")]),
        ]),
    ])
    v = "visit"
    return form, [
        ("newborn and toddler",
         {"child-name": "Sam", v: [
             {"visit-date": "2024-01-10", "visit-age": 0, "visit-weight": (2.4, "kg"),
              "visit-height": (48, "cm"), "head-circ": (33.5, "cm")},
             {"visit-date": "2025-01-12", "visit-age": 12, "visit-weight": (9.8, "kg"),
              "visit-height": (76, "cm"), "head-circ": (46, "cm"),
              "milestones": ["sits", "walks"], "walks-note": "11"}]},
         [(v, 0, "height-tall"), (v, 0, "milestones"), (v, 0, "walks-note"),
          (v, 1, "weight-check"), (v, 1, "height-tall")]),
        ("one check-up at 30 months",
         {v: [{"visit-date": "2025-06-01", "visit-age": 30, "visit-weight": (13, "kg"),
               "visit-height": (101.5, "cm"), "milestones": ["words"]}]},
         [(v, 0, "weight-check"), (v, 0, "head-circ"), (v, 0, "walks-note")]),
        ("no check-ups yet", {"child-name": "Ali"},
         [(v, 0, "weight-check"), (v, 0, "height-tall"), (v, 0, "head-circ"),
          (v, 0, "milestones"), (v, 0, "walks-note")], "in-progress"),
        ("exactly 2.5 kg, walking answer kept at 6 months",
         {v: [{"visit-date": "2024-07-01", "visit-age": 6, "visit-weight": (2.5, "kg"),
               "milestones": ["walks"], "walks-note": "early"},
              {"visit-date": "2024-10-01", "visit-age": 9, "visit-height": (100, "cm")}]},
         [(v, 0, "height-tall"), (v, 0, "milestones"), (v, 0, "walks-note"),
          (v, 1, "weight-check"), (v, 1, "height-tall"), (v, 1, "walks-note")], "in-progress"),
    ]


def exercise():
    x = lambda code, display: ("coding", code, display, EX + "intensity")
    form = questionnaire("exercise-habits", "Physical activity", [
        I("active-days", "integer", "On how many days last week did you exercise for at least "
          "30 minutes?", min_value=("valueInteger", 0), max_value=("valueInteger", 7)),
        I("inactive", "display", "Even a 10-minute walk each day helps.",
          when=[("active-days", "=", 0)]),
        I("why-not", "text", "What makes exercise hard for you?", when=[("active-days", "=", 0)]),
        I("every-day", "display", "Great: you were active every day.",
          when=[("active-days", "=", 7)]),
        I("activities", "group", "Your activities", repeats=True,
          when=[("active-days", ">", 0)], items=[
              I("activity", "string", "Activity", max_length=60, control="text-box"),
              I("activity-minutes", "integer", "Minutes each time"),
              I("intensity", "choice", "How hard was it?", control="radio-button",
                options=[x("light", "Light"), x("moderate", "Moderate"),
                         x("vigorous", "Vigorous")]),
              I("hr-monitor", "boolean", "Did you wear a heart rate monitor?",
                when=[("intensity", "=", "vigorous")]),
          ]),
        I("distance", "decimal", "About how many km do you walk a day?",
          when=[("active-days", "exists", True)]),
        I("no-walking", "display", "No walking at all: tell us if something stops you.",
          when=[("distance", "=", 0.0)]),
    ])
    a = "activities"
    return form, [
        ("not active, no walking", {"active-days": 0, "why-not": "Knee pain", "distance": 0.0},
         ["every-day", a]),
        ("every day, run and yoga",
         {"active-days": 7, a: [{"activity": "Running", "activity-minutes": 45,
                                 "intensity": "vigorous", "hr-monitor": True},
                                {"activity": "Yoga", "activity-minutes": 60,
                                 "intensity": "light"}], "distance": 5.5},
         ["inactive", "why-not", (a, 1, "hr-monitor"), "no-walking"]),
        ("nothing answered", {}, ["inactive", "why-not", "every-day", a, "distance",
                                  "no-walking"],
         "in-progress"),
        ("three days, none listed", {"active-days": 3, "distance": 0},
         ["inactive", "why-not", "every-day", (a, 0, "hr-monitor")], "in-progress"),
        ("activities kept after changing to 0",
         {"active-days": 0, a: [{"activity": "Swimming", "intensity": "vigorous"}],
          "distance": 1.25}, ["every-day", a, "no-walking"], "in-progress"),
    ]


def home_safety():
    form = questionnaire("falls-risk", "Falls and home safety", [
        I("falls-count", "integer", "How many times have you fallen in the last 12 months?",
          min_value=("valueInteger", 0)),
        I("fall-details", "group", "About your falls", when=[("falls-count", ">", 0)],
          items=[
              I("fall-injury", "boolean", "Were you hurt in any fall?"),
              I("fall-injury-kind", "string", "What injury?",
                when=[("fall-injury", "=", True)]),
              I("fall-last", "date", "Date of the last fall", max_value=("valueDate",
                                                                          "2030-12-31")),
              I("fall-recent", "display", "A fall in the last three months: we will arrange "
                "a balance check.", when=[("fall-last", ">=", "2025-01-01")]),
              I("fall-last-time", "time", "About what time of day?"),
              I("fall-night", "display", "Falls at night: a night light may help.",
                when=[("fall-last-time", "<=", "06:00:00"), ("fall-last-time", ">=", "22:00:00")],
                behavior="any"),
          ]),
        I("aids", "open-choice", "Which walking aids do you use?", repeats=True,
          control="check-box", options=[("string", "Stick"), ("string", "Frame"),
                                        ("string", "Wheelchair")]),
        I("aid-check", "display", "Bring your walking aid so we can check it.",
          when=[("aids", "exists", True)]),
        I("home-hazards", "string", "Anything at home you trip over?", repeats=True,
          max_length=100),
        I("hazard-visit", "boolean", "Would you like a home safety visit?",
          when=[("home-hazards", "exists", True), ("falls-count", ">=", 2)], behavior="any"),
    ])
    return form, [
        ("two falls, one at night",
         {"falls-count": 2, "fall-injury": True, "fall-injury-kind": "Bruised hip",
          "fall-last": "2025-02-14", "fall-last-time": "03:15:00", "aids": ["Stick"]},
         []),
        ("no falls, rugs", {"falls-count": 0, "home-hazards": ["Loose rug", "Cables"]},
         ["fall-details", "aid-check"]),
        ("nothing answered", {}, ["fall-details", "aid-check", "hazard-visit"], "in-progress"),
        ("one fall in the afternoon, own aid",
         {"falls-count": 1, "fall-injury": False, "fall-last": "2024-11-30",
          "fall-last-time": "15:00:00", "aids": ["Shopping trolley"]},
         ["fall-injury-kind", "fall-recent", "fall-night", "hazard-visit"]),
        ("late evening fall", {"falls-count": 3, "fall-last-time": "22:00:00"},
         ["fall-injury-kind", "fall-recent", "aid-check"]),
    ]


def discharge():
    form = questionnaire("discharge-plan", "Going home from hospital", [
        I("discharge-dt", "dateTime", "Planned discharge date and time"),
        I("weekend", "display", "Discharge on Saturday 15 March: the pharmacy closes at noon.",
          when=[("discharge-dt", ">=", "2025-03-15T00:00:00+00:00"),
                ("discharge-dt", "<", "2025-03-16T00:00:00+00:00")], behavior="all"),
        I("transport", "choice", "How will you get home?", control="drop-down", options=[
            ("coding", "family", "Family or friends"), ("coding", "taxi", "Taxi"),
            ("coding", "ambulance", "Patient transport")]),
        I("transport-time", "time", "Pick-up time", when=[("transport", "exists", True)]),
        I("transport-late", "display", "Pick-up after 20:00: tell the ward.",
          when=[("transport-time", ">", "20:00:00")]),
        I("gp-letter", "reference", "GP practice to send the letter to"),
        I("home-support", "group", "Help at home", repeats=True, items=[
            I("helper", "string", "Who will help?"),
            I("helper-visits", "integer", "Visits per week"),
            I("helper-more", "display", "Fewer than 3 visits: we will ask about extra care.",
              when=[("helper-visits", "<", 3)]),
        ]),
        I("followup-date", "date", "Follow-up appointment"),
        I("followup-soon", "display", "Follow-up within a week of discharge.",
          when=[("followup-date", "<", "2025-03-22")]),
    ])
    h = "home-support"
    return form, [
        ("Saturday, taxi late",
         {"discharge-dt": "2025-03-15T10:00:00+00:00", "transport": "taxi",
          "transport-time": "20:30:00", "gp-letter": "Organization/high-st-surgery",
          h: [{"helper": "Daughter", "helper-visits": 7}, {"helper": "Carer", "helper-visits": 2}],
          "followup-date": "2025-03-20"},
         [(h, 0, "helper-more")]),
        ("Friday, family",
         {"discharge-dt": "2025-03-14T16:00:00+00:00", "transport": "family",
          "transport-time": "17:00:00", "followup-date": "2025-04-02"},
         ["weekend", "transport-late", (h, 0, "helper-more"), "followup-soon"]),
        ("nothing answered", {},
         ["weekend", "transport-time", "transport-late", (h, 0, "helper-more"),
          "followup-soon"], "in-progress"),
        ("Sunday midnight, one helper",
         {"discharge-dt": "2025-03-16T00:00:00+00:00", h: [{"helper-visits": 0}],
          "followup-date": "2025-03-22"},
         ["weekend", "transport-time", "transport-late", "followup-soon"]),
    ]


def lab_followup():
    form = questionnaire("lab-followup", "Your blood test results", title_es="Sus resultados "
                         "de análisis de sangre", items=[
        I("lab:id", "string", "Test number", es="Número de análisis", read_only=True,
          initial={"valueString": "LAB-2025-0042"}),
        I("lab:taken", "date", "Date the blood was taken", es="Fecha de la extracción",
          min_value=("valueDate", "2020-01-01"), initial={"valueDate": "2025-03-12"}),
        I("hb", "decimal", "Haemoglobin (g/dL)", es="Hemoglobina (g/dL)",
          min_value=("valueDecimal", 3.0), max_value=("valueDecimal", 25.0)),
        I("hb-low", "display", "Low haemoglobin: we will check your iron.",
          es="Hemoglobina baja: revisaremos su hierro.", when=[("hb", "<", 12.0)]),
        I("hb-ok", "display", "Haemoglobin in the usual range.",
          es="Hemoglobina en el rango habitual.",
          when=[("hb", ">=", 12.0), ("hb", "<=", 17.5)], behavior="all"),
        I("result-date", "date", "Date of the result", es="Fecha del resultado"),
        I("result-old", "display", "This result is from last year.",
          when=[("result-date", "<=", "2024-12-31")]),
        I("result-new", "display", "This result is from this year.",
          when=[("result-date", ">", "2024-12-31")]),
        I("result-today", "display", "This result came on the day of the test.",
          when=[("result-date", "=", "2025-03-12")]),
        I("lab/report-url", "url", "Link to the full report"),
        I("lab/report-ok", "display", "You can open the full report from the link.",
          when=[("lab/report-url", "exists", True)]),
        I("lab/scans", "attachment", "Scans of paper results", repeats=True),
        I("lab/scans-note", "string", "What do the scans show?",
          when=[("lab/scans", "exists", True)]),
        I("report-status", "choice", "Report status", control="drop-down",
          options=[("string", "Final"), ("string", "Preliminary"), ("string", "Corrected")]),
        I("prelim-warning", "display", "These results may still change.",
          when=[("report-status", "!=", "Final")]),
        I("tubes", "choice", "Number of tubes taken", control="radio-button",
          options=[("integer", 1), ("integer", 2), ("integer", 3)]),
        I("tubes-many", "display", "Three tubes: drink some water after the test.",
          when=[("tubes", "=", 3)]),
    ])
    base = {"lab:id": "LAB-2025-0042", "lab:taken": "2025-03-12"}
    scan = {"contentType": "image/png", "title": "page1.png",
            "url": "https://example.org/scans/page1.png"}
    return form, [
        ("low result today, final",
         {**base, "hb": 11.2, "result-date": "2025-03-12",
          "lab/report-url": "https://example.org/reports/42", "lab/scans": [scan, scan],
          "lab/scans-note": "Iron studies", "report-status": "Final", "tubes": 3},
         ["hb-ok", "result-old", "prelim-warning"]),
        ("12.0 last year, preliminary",
         {**base, "hb": 12.0, "result-date": "2024-12-31", "report-status": "Preliminary",
          "tubes": 1},
         ["hb-low", "result-new", "result-today", "lab/report-ok", "lab/scans-note",
          "tubes-many"]),
        ("only the test number", {"lab:id": "LAB-2025-0042"},
         ["hb-low", "hb-ok", "result-old", "result-new", "result-today", "lab/report-ok",
          "lab/scans-note", "tubes-many"], "in-progress"),
        ("high, corrected", {**base, "hb": 17.6, "result-date": "2025-01-01",
                             "report-status": "Corrected", "tubes": 2},
         ["hb-low", "hb-ok", "result-old", "result-today", "lab/report-ok", "lab/scans-note",
          "tubes-many"]),
    ]


FORMS = [phq9, medication_list, pain_diary, allergy_list, preop_checklist,
         vaccination_history, vitals, sleep_diary, referral, wound_photos, diet,
         family_history, translated_intake, smoking, contact_details, symptom_timeline,
         anxiety, child_growth, exercise, home_safety, discharge, lab_followup]
