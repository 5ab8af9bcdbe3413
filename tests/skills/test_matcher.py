"""Unit tests for the pure-Python skill matcher and the shipped taxonomy (no database)."""

from __future__ import annotations

import io
import json
import re

import pytest

from skills.extraction.cli import run as cli_run
from skills.extraction.matcher import AliasEntry, SkillMatcher, _word_trie, normalize
from skills.extraction.taxonomy import DEFAULT_TAXONOMY_PATH, Taxonomy, TaxonomyError

pytestmark = []


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(DEFAULT_TAXONOMY_PATH)


@pytest.fixture(scope="module")
def matcher(taxonomy: Taxonomy) -> SkillMatcher:
    return SkillMatcher.from_taxonomy(taxonomy)


def fullwidth(ascii_text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in ascii_text)


def slugs(matcher: SkillMatcher, text: str) -> list[str]:
    return [m.slug for m in matcher.find(text)]


# ---- aliases and canonical skills ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("We use sklearn daily.", "scikit-learn"),
        ("Experience with Scikit-Learn.", "scikit-learn"),
        ("scikit learn or scikit_learn", "scikit-learn"),
        ("Deploy to k8s clusters.", "kubernetes"),
        ("Fine-tune LLMs for search.", "large-language-models"),
        ("large language models", "large-language-models"),
        ("nodejs services", "nodejs"),
        ("Node.js services", "nodejs"),
        ("node js services", "nodejs"),
        ("GCP or Google Cloud", "gcp"),
        ("Strong PyTorch skills", "pytorch"),
        ("CNNs and RNNs", "cnn"),
    ],
)
def test_alias_maps_to_canonical_skill(matcher: SkillMatcher, text: str, slug: str) -> None:
    assert slug in slugs(matcher, text)


def test_normalization_is_symmetric() -> None:
    assert normalize("Scikit-Learn") == normalize("scikit learn") == normalize("scikit_learn")
    assert normalize("Node.js") == normalize("node js")
    assert normalize("CI / CD") == normalize("CI/CD")
    assert normalize(fullwidth("PyTorch")) == "pytorch"  # NFKC


# ---- longest match, whole words ----------------------------------------------------------


def test_longest_match_wins(matcher: SkillMatcher) -> None:
    found = matcher.find("Deploy on Google Cloud Platform.")
    assert [(m.slug, m.text) for m in found] == [("gcp", "Google Cloud Platform")]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("You know Microsoft SQL", "sql"),  # a key "microsoft sql server"
        ("Experience with Google Kubernetes", "kubernetes"),  # "google kubernetes engine"
        ("We value experience deploying machine learning", "machine-learning"),
    ],
)
def test_a_skill_inside_a_longer_alias_is_found_at_the_very_end_of_a_text(
    matcher: SkillMatcher, text: str, slug: str
) -> None:
    # The automaton reports such a key only when a later character breaks the longer one;
    # the prepared text ends with a character no key has, so the end of a text does too.
    assert slug in [m.slug for m in matcher.find(text)]
    assert slug in [m.slug for m in matcher.find(text + " today")]


def test_machine_learning_engineer_is_machine_learning_not_learning(taxonomy) -> None:
    m = SkillMatcher.from_taxonomy(taxonomy, skip_role_titles=False)
    found = m.find("We hire a machine learning engineer.")
    assert [(x.slug, x.text) for x in found] == [("machine-learning", "machine learning")]


def test_role_titles_are_skipped_by_default(matcher: SkillMatcher) -> None:
    assert slugs(matcher, "Senior Java Developer") == []
    assert slugs(matcher, "Join our DevOps team.") == []
    assert slugs(matcher, "Role: Backend Python Engineer") == []
    assert slugs(matcher, "You know Java and Python.") == ["java", "python"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We hire a Social Engineering (SE) Specialist.", []),
        ("You are a Machine Learning (ML) Engineer.", []),
        ("Share practices with backend-oriented developers.", []),
        ("Work with the Site Reliability Engineering ( SRE ) team.", []),
        # punctuation that ends the skill's sentence, or words, are no abbreviation
        ("You know Java. Developers love it.", ["java"]),
        ("You know Python (3.10 or later) and SQL.", ["python", "sql"]),
    ],
)
def test_a_role_after_an_abbreviation_or_an_oriented_word_is_still_a_role(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, "About the job.\n" + text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You will work in one of our Agile hybrid DevOps teams.", []),
        ("You join an agile and cross-functional Scrum team.", []),
        ("Be part of our Agile 10 person team.", []),
        ("Join the R & D bioinformatics team.", []),
        # no determiner before the skill, a verb or article inside, or no team after all
        ("Agile cross-functional teams build it.", ["agile"]),
        ("Instil a growth mindset and enable the team.", ["adaptability"]),
        ("Bring your Agile experience to the team.", ["agile"]),
        ("An Agile mindset and team spirit.", ["agile", "teamwork"]),
    ],
)
def test_skills_in_a_team_name_of_a_few_words_are_skipped(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


def test_title_first_line_is_skipped(matcher: SkillMatcher) -> None:
    assert slugs(matcher, "Backend Engineer ( Python )\nYou know Django.") == ["django"]
    assert slugs(matcher, "Software Engineer - Java\nJava 11 and Spring Boot") == [
        "java",
        "spring",
    ]
    # a first line without a role noun, or a sentence, is not a title
    assert slugs(matcher, "Experience with Python and SQL\nand Docker") == [
        "python",
        "sql",
        "docker",
    ]


# ---- company context ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Our platform runs on Kafka and Cassandra.",
        "We build our backend with Go and PostgreSQL.",
        "Job benefits:\nEnglish classes\nMentoring program\nGym",
        "About us:\nOur product is built with Go and Kafka.\nThousands of teams love Kafka.",
        "Our tech stack\nReact\nNode.js",
    ],
)
def test_company_context_is_skipped(taxonomy: Taxonomy, matcher: SkillMatcher, text: str) -> None:
    assert slugs(matcher, text) == []
    # the option turns the rule off
    assert slugs(SkillMatcher.from_taxonomy(taxonomy, skip_company_context=False), text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You will work with Kafka and Cassandra.", ["kafka", "cassandra"]),
        ("We are looking for someone with Python experience.", ["python"]),
        ("Maintain our Kubernetes clusters.", ["kubernetes"]),  # a task, not the company
        ("We use sklearn daily.", ["scikit-learn"]),  # the stack the candidate will use
        # a job heading ends the company section, a prose line ends a stack list
        (
            "About us:\nWe love Kafka.\nRequirements:\nKafka experience",
            ["kafka"],
        ),
        ("Our tech stack\nReact\nWhat you bring:\nReact experience", ["react"]),
    ],
)
def test_requirements_next_to_company_context_are_kept(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


def test_company_context_offsets_and_long_lines(matcher: SkillMatcher) -> None:
    # sentences of a long paragraph are judged one by one
    text = ("Our team builds a platform on Kafka. " * 8) + "You know Python and Docker well."
    found = matcher.find(text)
    assert [m.slug for m in found] == ["python", "docker"]
    for m in found:
        assert text[m.start : m.end] == m.text


def test_whole_words_only(matcher: SkillMatcher) -> None:
    assert "rust" not in slugs(matcher, "We trust our Rust programmers.")[:0] + slugs(
        matcher, "We trust each other."
    )
    assert slugs(matcher, "JavaScript") == ["javascript"]
    assert "java" not in slugs(matcher, "JavaScript and TypeScript")
    assert slugs(matcher, "C++ and C#") == ["cpp", "csharp"]


def test_leftmost_longest_non_overlapping() -> None:
    entries = [
        AliasEntry("ml", "Machine learning", "machine learning"),
        AliasEntry("learning", "Learning", "learning"),
        AliasEntry("lt", "Learning to rank", "learning to rank"),
    ]
    m = SkillMatcher.from_entries(entries, skip_role_titles=False)
    found = m.find("machine learning to rank")
    assert [(x.slug, x.start, x.end) for x in found] == [("ml", 0, 16)]


# ---- offsets -----------------------------------------------------------------------------


def test_offsets_point_into_original_text(matcher: SkillMatcher) -> None:
    text = "Skills:  Python ,   scikit - learn\n\nand  CI / CD."
    for m in matcher.find(text):
        assert text[m.start : m.end] == m.text
    assert [m.text for m in matcher.find(text)] == ["Python", "scikit - learn", "CI / CD"]


def test_offsets_after_unicode_normalization(matcher: SkillMatcher) -> None:
    # curly quotes, trade mark, ligature, vulgar fraction, em dash, ellipsis
    text = (
        f"\u201c{fullwidth('Python')}\u201d \u2122 and \ufb01ne \u00bd PyTorch"
        " \u2014 and Kubernetes\u2026 ok"
    )
    found = matcher.find(text)
    assert [m.slug for m in found] == ["python", "pytorch", "kubernetes"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert found[0].text == fullwidth("Python")
    assert found[1].text == "PyTorch"


# ---- ambiguous aliases -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Our R&D department is growing.",
        "You are a go-getter.",
        "Let's go!",
        "You will Excel at customer care.",
        "Report to C-level executives and the C-suite.",
        "We closed our Series C round.",
        "Spark joy and swift delivery.",
        "Please send your CV.",
    ],
)
def test_ambiguous_aliases_without_context_do_not_tag(matcher: SkillMatcher, text: str) -> None:
    found = {m.slug for m in matcher.find(text)}
    assert not found & {"r-language", "go", "excel", "c-language", "spark", "swift"}, found
    assert "computer-vision" not in found


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Experience in R and Python.", "r-language"),
        ("Services written in Go.", "go"),
        ("Strong C++ skills", "cpp"),
        ("We use C# on .NET", "csharp"),
        ("Programming in C and assembly.", "c-language"),
        ("Big data with Spark and Hadoop", "spark"),
        ("Advanced Excel skills and SQL", "excel"),
        ("Technologies: python go docker", "go"),
    ],
)
def test_ambiguous_aliases_with_context_tag(matcher: SkillMatcher, text: str, slug: str) -> None:
    assert slug in slugs(matcher, text)


# ---- robustness --------------------------------------------------------------------------


def test_empty_and_blank_text(matcher: SkillMatcher) -> None:
    assert matcher.find("") == []
    assert matcher.find("   \n\t ") == []
    assert matcher.find("...!!!") == []


def test_one_megabyte_text(matcher: SkillMatcher) -> None:
    chunk = "We need Python, Docker and Kubernetes experience; nice: PyTorch. "
    text = chunk * (1_000_000 // len(chunk) + 1)
    assert len(text) >= 1_000_000
    found = matcher.find(text)
    assert len(found) == 4 * (1_000_000 // len(chunk) + 1)
    last = found[-1]
    assert text[last.start : last.end] == last.text == "PyTorch"


def test_non_english_and_emoji(matcher: SkillMatcher) -> None:
    text = "Wir suchen Entwickler:innen mit Python 🐍 und Kubernetes ☸️. 日本語 テキスト Docker"
    found = matcher.find(text)
    assert [m.slug for m in found] == ["python", "kubernetes", "docker"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert matcher.find("Размещение 🚀🚀 без навыков") == []


def test_html_markup_is_a_separator(matcher: SkillMatcher) -> None:
    html = '<script src="python.js"></script><div class="java">Know <b>Python</b>&amp;SQL</div>'
    found = matcher.find(html)
    assert [(m.slug, m.text) for m in found] == [("python", "Python"), ("sql", "SQL")]
    for m in found:
        assert html[m.start : m.end] == m.text


def test_non_ascii_runs_surrogates_and_control_characters(matcher: SkillMatcher) -> None:
    # runs of non-ASCII characters (normalized by the encoding error handler), a lone
    # surrogate, ligatures that expand before and after a match, and control characters
    # (including the one the automaton's never-matching key ends with)
    text = (
        "\ud800\u00e9\u00e9 Python\u2014\ufb01\ufb03 Docker \x02\x02 Kubernetes\x00"
        f"{fullwidth('SQL')}\u3000\ufb01"
    )
    found = matcher.find(text)
    assert [m.slug for m in found] == ["python", "docker", "kubernetes", "sql"]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert matcher.find("\x02") == matcher.find("  \x02  ") == []


def test_a_repeated_non_ascii_run_is_normalized_the_same_each_time(
    matcher: SkillMatcher,
) -> None:
    # the error handler keeps the bytes of short runs it has seen: a second text with the
    # same runs must find the same skills at the same places as the first
    text = "\u201cPyTorch\u201d \u2013 \ufb01ne \u00e9\u00e9 Docker \u2022 Kafka"
    first = matcher.find(text)
    assert [m.slug for m in first] == ["pytorch", "docker", "kafka"]
    assert matcher.find(text) == first
    assert [(m.start, m.text) for m in matcher.find("\u2022 " + text)] == [
        (m.start + 2, m.text) for m in first
    ]


def test_a_word_trie_matches_exactly_its_words() -> None:
    words = ["developer", "developers", "dev", "engineer", "lead", "leads", "r&d"]
    pattern = re.compile(_word_trie(words), re.IGNORECASE)
    for word in words:
        assert pattern.fullmatch(word) and pattern.fullmatch(word.upper())
    for other in ["", "d", "deve", "developerss", "engineers", "lea", "r", "rd", "r&"]:
        assert pattern.fullmatch(other) is None, other


def test_entry_order_does_not_change_matches() -> None:
    entries = [
        AliasEntry("ml", "Machine learning", "machine learning"),
        AliasEntry("learning", "Learning", "learning"),
        AliasEntry("ci-cd", "CI/CD", "CI/CD"),
        AliasEntry("go", "Go", "Go", case_sensitive=True, needs_context=True),
        AliasEntry("python", "Python", "Python"),
    ]
    text = "Machine  learning, CI / CD and Go programming; python learning\nGo, Python"
    expected = SkillMatcher.from_entries(entries).find(text)
    assert [m.slug for m in expected] == ["ml", "ci-cd", "go", "python", "learning", "go", "python"]
    assert SkillMatcher.from_entries(entries[::-1]).find(text) == expected


# ---- CLI ---------------------------------------------------------------------------------


def test_cli_reports_malformed_lines_and_continues(matcher: SkillMatcher) -> None:
    stdin = io.StringIO(
        '{"id": 1, "text": "Python"}\nnot json\n{"id": 2}\n{"id": 3, "text": "k8s"}\n'
    )
    out, err = io.StringIO(), io.StringIO()
    errors = cli_run(stdin, out, err, matcher)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, 3]
    assert rows[0]["skills"][0] == {
        "slug": "python",
        "name": "Python",
        "start": 0,
        "end": 6,
        "text": "Python",
        "preferred": False,
    }
    assert errors == 2
    assert "line 2" in err.getvalue() and "line 3" in err.getvalue()


# ---- the shipped taxonomy ----------------------------------------------------------------


def test_shipped_taxonomy_integrity(taxonomy: Taxonomy) -> None:
    assert taxonomy.problems() == []
    slugs_ = [s.slug for s in taxonomy.skills]
    assert len(slugs_) == len(set(slugs_))
    assert len(taxonomy.skills) >= 400
    assert taxonomy.alias_count() >= 2000
    index = taxonomy.by_slug()
    for skill in taxonomy.skills:
        assert skill.description
        seen, cur = {skill.slug}, skill.parent
        while cur is not None:
            assert cur in index, f"{skill.slug}: unknown parent {cur}"
            assert cur not in seen, f"cycle through {cur}"
            seen.add(cur)
            cur = index[cur].parent


def test_shipped_taxonomy_covers_core_ml_skills(matcher: SkillMatcher) -> None:
    text = (
        "Python, R, Java, C++, SQL, Scala, Julia, JavaScript, TensorFlow, Keras, PyTorch, "
        "scikit-learn, linear algebra, calculus, probability and statistics, Bayesian "
        "statistics, data cleaning, normalization, feature engineering, CNNs, RNNs, GANs, "
        "transformers, NLP, computer vision, reinforcement learning, signal processing, AWS, "
        "Azure, Google Cloud, Hadoop, Spark, Kafka, MapReduce, Git, Docker, Kubernetes, CUDA, "
        "cross-validation, hyperparameter tuning, model deployment, A/B testing, data "
        "modelling, communication skills"
    )
    found = matcher.find(text)
    assert len(found) == text.count(",") + 1, [m.text for m in found]


def test_alias_collision_is_reported_with_both_names() -> None:
    data = {
        "version": 1,
        "categories": [{"slug": "c", "name": "C"}],
        "skills": [
            {"slug": "a", "name": "Alpha", "category": "c", "aliases": ["shared-name"]},
            {"slug": "b", "name": "Beta", "category": "c", "aliases": ["Shared Name"]},
            {"slug": "d", "name": "Delta", "category": "c", "parent": "e"},
            {"slug": "e", "name": "Epsilon", "category": "c", "parent": "d"},
            {"slug": "f", "name": "Phi", "category": "c", "parent": "missing"},
        ],
    }
    tax = Taxonomy.from_dict(data)
    problems = "\n".join(tax.problems())
    assert "Alpha" in problems and "Beta" in problems and "collision" in problems
    assert "cycle" in problems
    assert "unknown parent 'missing'" in problems
    with pytest.raises(TaxonomyError):
        tax.validate()


# ---- extraction errors a new user met --------------------------------------------------------


def test_a_company_blurb_in_the_third_person_tags_nothing(matcher: SkillMatcher) -> None:
    text = (
        "Lumen Labs develops foundation models for document understanding and search.\n"
        "As our Data Analyst you will report on product usage with SQL and Tableau."
    )
    assert slugs(matcher, text) == ["sql", "tableau"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a de-identified or a longer company name, another verb
        ("<ORGANIZATION> <ORGANIZATION> is a global leader in financial services.", []),
        ("The Acme data platform team uses Kafka and Spark.", []),
        ("Acme builds CRM software for banks.", []),
        # what the company is after
        ("The short-term goal is to generate unit tests for Python.", []),
        # a skill is the subject, or the sentence is about the hire: kept
        ("Your goal is to build Python services.", ["python"]),
        ("Python is a must.", ["python"]),
        ("Acme uses Kafka and you will need it too.", ["kafka"]),
        ("The candidate uses Python daily.", ["python"]),
    ],
)
def test_third_person_company_sentences(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a company sentence hard-wrapped mid-way: its second line is still the company's
        (
            "We achieve this through the\nprocess automation and robotics solutions .\n"
            "You know Python .",
            ["python"],
        ),
        (
            "Acme utilises best of breed toolsets with a powerful front\n"
            "- and backend frameworks like MongoDB and Hadoop .\nYou know Python .",
            ["python"],
        ),
        # a finished line, or a next line that starts a new sentence, is not joined
        ("We achieve this through the platform.\nprocess automation", ["automation"]),
        ("We achieve this through the\nAutomation experience", ["automation"]),
    ],
)
def test_a_company_sentence_wrapped_over_two_lines_is_still_the_company(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two lines of the list speak of "our" stack: its other lines are the stack too
        (
            "Responsibilities\nYou will own the platform .\n"
            "Oracle and Cassandra for data storage .\n"
            "Java and Groovy for our back-end applications .\n"
            "Typescript and React for our web apps .\n"
            "Python for data processing .\n"
            "Qualifications\nExperience with Kafka .",
            ["kafka"],
        ),
        # one such line is not enough, nor a list that also asks something of the candidate
        (
            "Python for data processing .\nOur platform runs on Java .\nDocker and Kubernetes .",
            ["python", "data-pipelines", "docker", "kubernetes"],
        ),
        (
            "Python for data processing .\nJava for our back-end .\nReact for our web apps .\n"
            "You know Docker .",
            ["python", "data-pipelines", "docker"],
        ),
    ],
)
def test_a_list_told_in_the_company_voice_is_the_company_stack(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the employer's own market, named in prose
        ("Hospitals run clinical trials on the platform every day.", []),
        ("Acme has grown fast in fintech over ten years.", []),
        # a header field or list of industries, or a sentence about the candidate
        ("Industry: Banking Fintech", ["domain-financial-services"] * 2),
        ("Industry:\nE-Commerce", ["domain-ecommerce"]),
        (
            "Data Engineer\nJob type: Full-time Industry: E-Commerce Company size: 50 people",
            ["domain-ecommerce"],
        ),
        ("Experience in the financial sector is a plus.", ["domain-financial-services"]),
    ],
)
def test_an_industry_counts_only_where_the_posting_asks_for_it(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


def test_the_industry_rule_follows_the_category() -> None:
    entries = [
        AliasEntry("fintech", "Financial services", "fintech", category="industry"),
        AliasEntry("saas", "SaaS", "saas", category="domain"),
    ]
    m = SkillMatcher.from_entries(entries)
    assert slugs(m, "Acme has grown fast in fintech and saas.") == ["saas"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Send in your CV and examples of your code.", []),
        ("We look forward to your motivation letter and CV describing your experience.", []),
        ("Apply with your r\u00e9sum\u00e9 or CV describing your technical skills.", []),
        # computer vision among technical words is still computer vision
        ("Experience in CV and NLP model development.", ["computer-vision", "nlp"]),
    ],
)
def test_a_cv_in_how_to_apply_is_the_resume(
    matcher: SkillMatcher, text: str, expected: list[str]
) -> None:
    assert slugs(matcher, text) == expected


def test_search_alone_needs_technical_context(matcher: SkillMatcher) -> None:
    assert slugs(matcher, "Please search for the reference number when you apply.") == []
    assert slugs(matcher, "Build search and ranking systems in Python.") == [
        "domain-search",
        "python",
    ]


def test_solid_statistics_is_not_the_solid_principles(matcher: SkillMatcher) -> None:
    assert slugs(matcher, "Solid statistics and SQL.") == ["statistics", "sql"]
    # the acronym itself, and a lower-case tag list, still are
    assert slugs(matcher, "You follow SOLID and DRY.") == ["design-patterns", "design-patterns"]
    assert slugs(matcher, "Technologies: go python") == ["go", "python"]


def test_write_rust_services_finds_rust(matcher: SkillMatcher) -> None:
    assert slugs(matcher, "Write Rust services.") == ["rust"]
    assert slugs(matcher, "Rust-free steel and trust.") == []


def test_a_job_description_heading_is_not_a_role_title(matcher: SkillMatcher) -> None:
    # a one-line posting header: the title field's value ends at its role noun
    text = (
        "Job type: Full-time\n"
        "Role: Full Stack Developer Technologies java python sql Job description"
    )
    assert slugs(matcher, text) == ["java", "python", "sql"]


# ---- required or nice to have ---------------------------------------------------------------


def preferred(matcher: SkillMatcher, text: str) -> dict[str, bool]:
    return {m.slug: m.preferred for m in matcher.find(text)}


def test_skills_under_a_nice_to_have_heading_are_preferred(matcher: SkillMatcher) -> None:
    text = (
        "Requirements:\n- Python and SQL\n- Docker\n"
        "Nice to have:\n- Kafka\n- Spark experience\n"
        "Benefits:\n- Gym"
    )
    assert preferred(matcher, text) == {
        "python": False,
        "sql": False,
        "docker": False,
        "kafka": True,
        "spark": True,
    }


def test_a_section_after_a_preferred_heading_ends_at_the_next_heading(
    matcher: SkillMatcher,
) -> None:
    text = "Preferred qualifications\nPhD in statistics\nPyTorch\n\nWhat you bring:\nSQL"
    assert preferred(matcher, text) == {
        "phd": True,
        "statistics": True,
        "pytorch": True,
        "sql": False,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You know Python. Kafka is a plus.", {"python": False, "kafka": True}),
        ("Python required, Spark is a plus", {"python": False, "spark": True}),
        ("Strong Python; Spark a plus", {"python": False, "spark": True}),
        (
            "SQL, ideally PostgreSQL, and Docker.",
            {"sql": False, "postgresql": True, "docker": False},
        ),
        ("Ideally you have shipped Rust services.", {"rust": True}),
        ("Bonus: Scala", {"scala": True}),
        ("Experience with Airflow is preferred.", {"airflow": True}),
        ("Must have: Python, Nice to have: Terraform", {"python": False, "terraform": True}),
        ("Python (preferred) and SQL", {"python": True, "sql": False}),
        ("English \u2013 French would be a plus", {"english": False, "french": True}),
        ("Experience with Kafka and Spark.", {"kafka": False, "spark": False}),
    ],
)
def test_sentences_that_mark_a_skill_optional(
    matcher: SkillMatcher, text: str, expected: dict[str, bool]
) -> None:
    assert preferred(matcher, text) == expected


def test_cli_reports_preferred(matcher: SkillMatcher) -> None:
    out = io.StringIO()
    cli_run(
        io.StringIO('{"id": 1, "text": "Python. Kafka is a plus"}\n'), out, io.StringIO(), matcher
    )
    row = json.loads(out.getvalue())
    assert [(s["slug"], s["preferred"]) for s in row["skills"]] == [
        ("python", False),
        ("kafka", True),
    ]
