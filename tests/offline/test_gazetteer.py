"""Places and employers read from the postings' own names: other spellings, close misspellings, and nothing else."""

from __future__ import annotations

import pytest

from assistant.offline.gazetteer import Gazetteer, gazetteer_for, key
from assistant.offline.plan import who_asks
from assistant.offline.router import Router
from assistant.offline.slots import find_slots
from assistant.services import Services
from assistant.vocab.skills import Taxonomy
from assistant.vocab.world import WorldName, world_names

PLACES = Gazetteer(
    cities=["New York", "Bengaluru", "Berlin", "Los Angeles", "Amsterdam"],
    countries=["USA", "GBR", "DEU"],
    companies=["Anthropic", "Scale AI", "Stripe", "Capital One", "Writer", "Earnin", "Visa Inc,"],
)
TAX = Taxonomy.load()


def _read(question: str, lower_ok: bool = True) -> list[tuple[str, str, str]]:
    return [(f.slot, f.value, f.how) for f in PLACES.find(question, companies_in_lower_case=lower_ok)]


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("AI jobs in NYC?", [("city", "New York", "other name")]),
        ("who hires in new york city", [("city", "New York", "other name")]),
        ("Roles in Bangalore or Berlín", [("city", "Bengaluru", "other name"), ("city", "Berlin", "other name")]),
        ("positions in LA", [("city", "Los Angeles", "other name")]),
        ("What do they pay in the UK?", [("country", "GBR", "other name")]),
        ("jobs at antropic in amsterdm", [("company", "Anthropic", "close spelling"), ("city", "Amsterdam", "close spelling")]),
        ("Is Capital One hiring?", [("company", "Capital One", "as listed")]),
        ("openings at Visa", [("company", "Visa Inc,", "as listed")]),
    ],
)
def test_names_are_found_however_they_are_written(question: str, found: list[tuple[str, str, str]]) -> None:
    assert _read(question) == found


@pytest.mark.parametrize(
    "question",
    [
        "What do AI engineers earn in Germany's startups?",  # "earn in" is not Earnin
        "I write code all day",  # "write" is not the employer Writer
        "la la land of AI jobs",  # "la" is not LA
        "What Should I Learn first?",  # capitalised words that are no names
    ],
)
def test_ordinary_words_are_not_names(question: str) -> None:
    assert [f for f in _read(question, lower_ok=False) if f[0] == "company" or f[1] == "Los Angeles"] == []


def test_a_one_word_employer_in_lower_case_only_when_the_question_carries_no_case() -> None:
    assert _read("does stripe have openings", lower_ok=True) == [("company", "Stripe", "as listed")]
    assert _read("does stripe have openings", lower_ok=False) == []


def test_names_fold_punctuation_and_legal_suffixes() -> None:
    assert key("Visa Inc,") == key("visa") == "visa" and key("Scale AI's") == "scale ai"


def test_the_index_gives_its_names_once_per_state(tiny: Services) -> None:
    first = gazetteer_for(tiny.store)
    assert first is gazetteer_for(tiny.store)
    assert any(e.slot == "city" for e in first.entries.values())


def test_slots_carry_what_the_postings_list_and_how_it_was_written() -> None:
    slots = find_slots("Remote LangGraph roles in NYC at Scale AI?", TAX, PLACES)
    assert (slots.city, slots.company, slots.skills, slots.remote) == ("New York", "Scale AI", ("LangGraph",), True)
    assert slots.resolved() == ["NYC → New York (other name)"]


def test_a_lower_case_question_still_names_its_skills() -> None:
    assert find_slots("hw many jobs want rag and cursor", TAX, PLACES).skills == ("RAG", "Cursor")


def test_stated_skills_are_never_replaced_by_a_role_preset(router: Router) -> None:
    from assistant.offline.intent import detect

    intent = detect(
        "I'm a backend developer with Python and Postgres. What am I missing for AI engineering?", [], TAX, router, PLACES
    )
    assert who_asks(intent) == {"skills": ["Python", "PostgreSQL"], "background": "backend-engineer"}
    named = detect("I'm a backend developer. What am I missing for AI engineering?", [], TAX, router, PLACES)
    assert who_asks(named) == {"background": "backend-engineer"}
    plain = detect("I teach high-school physics. Could I become an AI engineer?", [], TAX, router, PLACES)
    assert set(who_asks(plain)) == {"about_me"}


def test_of_two_roles_named_the_asker_is_the_one_their_skills_fit() -> None:
    mine = "I build React and TypeScript dashboards. The AI team all came from backend. Does my frontend background help?"
    assert find_slots(mine, TAX, PLACES).background == "frontend-engineer"
    # No skills to tell them apart: the first role of the vocabulary's order, as before.
    assert find_slots("Is backend or frontend closer to AI engineering?", TAX, PLACES).background == "backend-engineer"


WORLD = [
    WorldName("country", "CHE", "Switzerland", 8_500_000),
    WorldName("city", "Zürich", "Zürich", 340_000),
    WorldName("city", "Zürich", "Zurich", 340_000),
    WorldName("city", "Reading", "Reading", 320_000),
    WorldName("city", "Berlin", "Berlin", 3_400_000),
    WorldName("city", "Munich", "München", 1_500_000, other=True),
]
# The corpus writes "reading" as a word, never "zürich".
PROSE = ["Start by reading the guide.", "Keep reading papers.", "Reading list: see reading.md for what to read"]
ABROAD = Gazetteer(cities=["Berlin"], countries=["DEU"], companies=["Stripe"], world=lambda: WORLD, prose=lambda: PROSE)


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("AI engineer jobs in Zurich", [("city", "Zürich", "not in the postings")]),
        ("pay in Zürich vs Berlin", [("city", "Zürich", "not in the postings"), ("city", "Berlin", "as listed")]),
        ("who hires in Switzerland?", [("country", "CHE", "not in the postings")]),
        ("jobs in münchen", [("city", "Munich", "not in the postings")]),
        ("moving from Reading to Berlin", [("city", "Reading", "not in the postings"), ("city", "Berlin", "as listed")]),
        ("Zürich jobs?", [("city", "Zürich", "not in the postings")]),
        ("Hi there. Zurich, any AI roles?", [("city", "Zürich", "not in the postings")]),
        ("münchen ai jobs?", [("city", "Munich", "not in the postings")]),
        (
            "Switzerland or Berlin: where do AI engineers earn more?",
            [("country", "CHE", "not in the postings"), ("city", "Berlin", "as listed")],
        ),
    ],
)
def test_a_place_the_postings_never_list_is_still_a_place(question: str, found: list[tuple[str, str, str]]) -> None:
    assert [(f.slot, f.value, f.how) for f in ABROAD.find(question)] == found


@pytest.mark.parametrize(
    "question",
    [
        "Reading about RAG, where do I start?",
        "Any tips? Reading lists welcome",
        "zurich ai roles",  # in lower case, only a place as large as Munich
        "I enjoy Reading papers",
        "jobs in zurich AND Berlin",
        "how do i get better in reading papers",
    ],
)
def test_a_world_name_counts_only_where_a_place_is_written(question: str) -> None:
    # Opening a question as a word the corpus writes in lower case, after a word that leads to no place, in lower
    # case beside capitals, or a smaller place in lower case: a word, not a place.
    assert all(f.how != "not in the postings" for f in ABROAD.find(question))


def test_a_place_the_postings_list_is_never_read_as_missing() -> None:
    assert [(f.value, f.how) for f in ABROAD.find("roles in Berlin")] == [("Berlin", "as listed")]


def test_world_names_come_from_geonames_own_names_first() -> None:
    names = world_names()
    first = {}
    for w in names:
        first.setdefault(w.name, w)
    assert (first["Zurich"].slot, first["Zurich"].value) == ("city", "Zürich")
    assert first["München"].value == "Munich"
    assert first["Switzerland"].value == "CHE"
    assert first["Victoria"].other is False  # the city of that name, not Hong Kong's other name
    assert all(w.population >= 200_000 for w in names if w.slot == "city")


def test_the_world_is_read_only_when_a_question_writes_an_unlisted_name_as_a_place() -> None:
    calls: list[int] = []

    def counted() -> list[WorldName]:
        calls.append(1)
        return WORLD

    places = Gazetteer(cities=["Berlin"], countries=["DEU"], companies=[], world=counted)
    places.find("what should a data engineer learn to become an AI engineer in Berlin?")
    assert calls == []  # GeoNames takes a third of a second to read: a question naming only listed places never pays it
    assert [f.value for f in places.find("and in Zurich?")] == ["Zürich"]
    places.find("What about Reading?")
    assert calls == [1]  # read once, then kept


def test_a_segment_word_is_not_also_an_employer() -> None:
    places = Gazetteer(cities=["Berlin"], countries=["DEU"], companies=["Junior", "Remote", "Stripe"])
    slots = find_slots("any remote junior positions?", TAX, places)
    assert (slots.company, slots.level, slots.remote) == (None, "Junior", True)


def test_a_vendor_after_at_is_the_employer_not_its_product() -> None:
    slots = find_slots("what's the interview loop like at Anthropic", TAX, PLACES)
    assert (slots.company, slots.skills, slots.sets) == ("Anthropic", (), ())


@pytest.mark.parametrize("question", ["list postings that mention Azure OpenAI", "azure openai jobs at Stripe"])
def test_an_employer_inside_a_skills_name_is_not_read(question: str) -> None:
    places = Gazetteer(cities=["Berlin"], countries=["DEU"], companies=["OpenAI", "Stripe"])
    slots = find_slots(question, TAX, places)
    assert "Azure OpenAI" in slots.skills
    assert slots.company == ("Stripe" if "Stripe" in question else None)


@pytest.mark.parametrize(
    "question", ["jobs in SF for prompt engineers", "openings in the Bay Area", "AI roles in Silicon Valley"]
)
def test_a_metro_or_short_name_geonames_lacks_is_its_city(question: str) -> None:
    places = Gazetteer(cities=["Berlin"], countries=["DEU"], companies=[], world=world_names)
    assert [(f.slot, f.value, f.how) for f in places.find(question)] == [("city", "San Francisco", "not in the postings")]


@pytest.mark.integration
def test_the_full_index_says_which_world_names_are_words(full_index: Services) -> None:
    places = gazetteer_for(full_index.store)
    assert [(f.value, f.how) for f in places.find("Zürich jobs?")] == [("Zürich", "not in the postings")]
    assert places.find("Reading about RAG, where do I start?") == []  # the guides write "reading" as a word
