"""Skills named by their kind ("vector dbs") or their maker ("Meta's models"): what is read, and what is not."""

from __future__ import annotations

import pytest

from assistant.vocab.kinds import fold
from assistant.vocab.skill_words import SkillWords, skill_words
from assistant.vocab.skills import Taxonomy

TAX = Taxonomy.load()


@pytest.fixture(scope="module")
def words() -> SkillWords:
    """The packaged taxonomy's kinds and makers."""
    return skill_words(TAX)


def read(words: SkillWords, text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(how, kind or maker, skills) of each set read in the text."""
    return [(s.by, s.name, s.skills) for s in words.read(text)]


@pytest.mark.parametrize(
    ("text", "maker", "skill"),
    [
        ("how many postings want Meta's open-weight models?", "Meta", "Llama"),
        ("Anthropic's model", "Anthropic", "Claude"),
        ("Anthropic's coding agent", "Anthropic", "Claude Code"),
        ("jobs that want Google's cloud", "Google", "GCP"),
        ("Amazon's cloud", "Amazon", "AWS"),
        ("the cloud from Microsoft", "Microsoft", "Azure"),
        ("HashiCorp's IaC tool", "HashiCorp", "Terraform"),
        ("Facebook's deep learning library", "Meta", "PyTorch"),  # another name of the maker
        ("how often they ask for the LLM of Google", "Google", "Gemini"),
        ("the deep learning library made by Meta", "Meta", "PyTorch"),
        ("Microsoft's popular cloud, how many ask for it?", "Microsoft", "Azure"),  # a word between maker and kind
        ("OpenAI's models", "OpenAI", "OpenAI"),
    ],
)
def test_a_product_called_by_its_maker_is_that_product(words: SkillWords, text: str, maker: str, skill: str) -> None:
    assert read(words, text) == [("maker", maker, (skill,))]


def test_the_taxonomy_names_a_maker_and_word_first(words: SkillWords) -> None:
    # "OpenAI API" is an alias of LLM APIs: the maker's own models (OpenAI) are not what it names.
    assert read(words, "OpenAI's API") == [("maker", "OpenAI", ("LLM APIs",))]


@pytest.mark.parametrize(
    ("text", "skill"),
    [("jobs in london wanting amazons cloud", "AWS"), ("Gogle's cloud", "GCP"), ("microsft's cloud", "Azure")],
)
def test_a_maker_is_read_without_apostrophe_or_misspelt(words: SkillWords, text: str, skill: str) -> None:
    (found,) = words.read(text)
    assert found.skills == (skill,)
    assert found.close == (not text.startswith("jobs"))


def test_a_maker_alone_stands_for_all_its_products(words: SkillWords) -> None:
    (found,) = words.read("jobs asking for Google stuff")
    assert (found.by, found.name, found.written) == ("maker", "Google", "Google stuff")
    assert {"GCP", "Gemini", "TensorFlow", "BigQuery"} <= set(found.skills)
    assert all("Google" in TAX.skill(s).makers for s in found.skills)
    assert found.title == "Google products"


def test_a_category_word_beside_a_maker_picks_its_products_in_that_category(words: SkillWords) -> None:
    (found,) = words.read("Google's databases")
    assert set(found.skills) == {s.name for s in TAX.skills() if "Google" in s.makers and s.category == "databases"}


def test_a_kind_the_maker_does_not_make_is_read_as_the_kind(words: SkillWords) -> None:
    # Google makes no vector database of its own: the question is about vector databases.
    assert [(how, name) for how, name, _ in read(words, "Google's vector database")] == [("kind", "vector database")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("which vector db is most asked for?", "vector database"),
        ("how many postings want some kind of vector stores", "vector database"),  # plural
        ("Which cloud provider do postings want?", "cloud provider"),
        ("most wanted deep-learning libraries", "deep learning framework"),  # another word, hyphen, plural
        ("top LLM orchestration framework", "LLM framework"),
        ("which infrastructure as code tool", "IaC tool"),
    ],
)
def test_a_kind_named_stands_for_its_products(words: SkillWords, text: str, kind: str) -> None:
    (found,) = words.read(text)
    assert (found.by, found.name, found.skills, found.close) == ("kind", kind, words.members[kind], False)
    assert all(kind in TAX.skill(s).kinds for s in found.skills)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("which experiment traker is most popular", "experiment tracker"),
        ("Wich contaner orchestrator is most demanded?", "container orchestrator"),
        ("popular vektor databases", "vector database"),
    ],
)
def test_a_misspelt_kind_is_read_as_a_close_spelling(words: SkillWords, text: str, kind: str) -> None:
    (found,) = words.read(text)
    assert (found.name, found.close) == (kind, True)
    assert found.describe().endswith("(close spelling)")


@pytest.mark.parametrize(
    "text",
    [
        "What should I learn first?",
        "which framework should I pick for my side project",
        "I love my team and the tools we use",
        "top database skills in AI job ads",  # "top database" is no "OLAP database"
        "Is Google hiring in Berlin?",
        "jobs at Meta",
        "What is the Google interview process like?",
        "Postings for AI platform engineers",  # a role, not a platform
        "How do I store vectors for search?",
        "the model of my career",
    ],
)
def test_ordinary_words_name_no_kind_and_no_maker(words: SkillWords, text: str) -> None:
    assert words.read(text) == []


def test_a_named_skill_still_resolves_to_itself(words: SkillWords) -> None:
    for text, skill in [("Do postings want Pinecone?", "Pinecone"), ("how many ask for Cursor IDE", "Cursor")]:
        mentions, sets = words.find(text, TAX.match_text(text))
        assert ([m.skill for m in mentions], sets) == ([skill], [])


def test_a_kind_keeps_the_skill_its_words_name_and_drops_part_words(words: SkillWords) -> None:
    text = "which vector db is most asked for, and which LLM provider?"
    mentions, sets = words.find(text, TAX.match_text(text))
    # "vector db" is also the skill Vector databases; the "LLM" of "LLM provider" is not the skill LLMs.
    assert [m.skill for m in mentions] == ["Vector databases"]
    assert [s.name for s in sets] == ["vector database", "LLM provider"]


def test_a_maker_reading_replaces_the_skills_inside_it(words: SkillWords) -> None:
    text = "Meta's open-weight models"  # "open-weight models" alone is the skill Open-weight LLMs
    mentions, sets = words.find(text, TAX.match_text(text))
    assert (mentions, [s.skills for s in sets]) == ([], [("Llama",)])


def test_a_kind_beside_two_named_products_only_describes_them(words: SkillWords) -> None:
    text = "Which observability tool do LLM teams list most, Langfuse or LangSmith?"
    mentions, sets = words.find(text, TAX.match_text(text))
    assert sets == [] and {"Langfuse", "LangSmith"} <= {m.skill for m in mentions}


def test_readings_describe_themselves_for_an_explanation(words: SkillWords) -> None:
    (kind,) = words.read("which vector db")
    assert kind.describe().startswith("vector db → kind: vector database → ") and kind.title == "vector databases"
    (maker,) = words.read("Meta's models")
    assert maker.describe() == "Meta's models → Llama (maker)"


@pytest.mark.parametrize(
    ("text", "category"),
    [("top cloud skills", "cloud"), ("which programming languages lead", "languages"), ("what to learn", None)],
)
def test_category_words_come_from_the_taxonomy(words: SkillWords, text: str, category: str | None) -> None:
    assert words.category(text) == category


def test_words_fold_case_possessive_and_plural() -> None:
    assert [fold(w) for w in ("Google's", "libraries", "DBs", "LLMs", "analysis", "Amazon’s")] == [
        "google",
        "library",
        "db",
        "llm",
        "analysis",
        "amazon",
    ]
