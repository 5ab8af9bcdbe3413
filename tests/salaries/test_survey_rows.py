"""Reading survey rows: titles to role families, levels to seniority, reasons for bad rows."""

from __future__ import annotations

import io

import pytest

from salaries.survey import NotFullTime, RowError, parse_row, read_survey, role_family_for_title

HEADER = (
    "work_year,experience_level,employment_type,job_title,salary,salary_currency,"
    "salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n"
)


@pytest.mark.parametrize(
    ("title", "family"),
    [
        ("Machine Learning Engineer", "ml_engineer"),
        ("AI Engineer", "ml_engineer"),
        ("Computer Vision Engineer", "ml_engineer"),
        ("MLOps Engineer", "mlops"),
        ("Machine Learning Infrastructure Engineer", "mlops"),
        ("Data Scientist", "data_scientist"),
        ("Applied Data Scientist", "data_scientist"),
        ("Applied Scientist", "applied_scientist"),
        ("Research Scientist", "research_scientist"),
        ("Machine Learning Researcher", "research_scientist"),
        ("Research Engineer", "research_scientist"),
        ("Data Engineer", "data_engineer"),
        ("Analytics Engineer", "data_engineer"),
        ("Data Analyst", "data_analyst"),
        ("Business Intelligence Analyst", "data_analyst"),
        ("Software Engineer", "other"),
        ("AI Product Manager", "other"),
        ("Quantitative Researcher", "other"),
    ],
)
def test_job_titles_map_to_role_families(title, family):
    assert role_family_for_title(title) == family


def _row(**overrides) -> dict:
    fields = {
        "work_year": "2024", "experience_level": "SE", "employment_type": "FT",
        "job_title": "Data Scientist", "salary": "100000", "salary_currency": "USD",
        "salary_in_usd": "100000", "employee_residence": "US", "remote_ratio": "100",
        "company_location": "US", "company_size": "M",
    }  # fmt: skip
    return {**fields, **overrides}


@pytest.mark.parametrize(("level", "seniority"), [("EN", "junior"), ("MI", "mid"),
                                                   ("SE", "senior"), ("EX", "lead")])  # fmt: skip
def test_experience_levels_map_to_seniority(level, seniority):
    assert parse_row(_row(experience_level=level), "k").seniority == seniority


def test_only_fully_remote_rows_count_as_remote():
    assert parse_row(_row(remote_ratio="100"), "k").remote is True
    assert parse_row(_row(remote_ratio="50"), "k").remote is False


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"experience_level": "XX"}, "experience_level 'XX' is not one of EN, MI, SE, EX"),
        ({"salary_in_usd": "abc"}, "salary_in_usd 'abc' is not a number"),
        ({"salary_in_usd": "-5"}, "salary_in_usd '-5' is not a positive amount"),
        ({"salary_in_usd": "90"}, "salary_in_usd 90 is outside 1000-5000000"),
        ({"company_location": "ZZ"}, "company_location 'ZZ' is not an ISO 3166-1 alpha-2 code"),
        ({"remote_ratio": "30"}, "remote_ratio 30 is not one of 0, 50, 100"),
        ({"work_year": "20x4"}, "work_year '20x4' is not a whole number"),
        ({"job_title": " "}, "job_title is empty"),
    ],
)
def test_a_bad_row_says_why(overrides, reason):
    with pytest.raises(RowError) as error:
        parse_row(_row(**overrides), "k")
    assert str(error.value) == reason


def test_part_time_rows_are_left_out_on_purpose():
    with pytest.raises(NotFullTime):
        parse_row(_row(employment_type="PT"), "k")


def test_identical_rows_get_distinct_stable_keys_wherever_they_sit():
    line = "2024,SE,FT,Data Scientist,1e5,USD,100000,US,0,US,M\n"
    other = "2024,MI,FT,Data Analyst,60000,USD,60000,US,0,US,M\n"
    first = [p.row.key for p in read_survey(io.StringIO(HEADER + line + other + line))]
    moved = [p.row.key for p in read_survey(io.StringIO(HEADER + other + line + line))]
    assert len(set(first)) == 3
    assert set(first) == set(moved)


def test_a_short_row_and_an_unreadable_row_are_reported_and_reading_goes_on():
    text = HEADER + "2024,SE,FT\n" + "2024,SE,FT,Data Scientist,1,USD,100000,US,0,US,M\n"
    parsed = list(read_survey(io.StringIO(text)))
    assert [(p.line, str(p.error) if p.error else None) for p in parsed] == [
        (2, "expected 11 columns"),
        (3, None),
    ]


def test_a_file_without_the_survey_columns_is_refused():
    with pytest.raises(RowError, match="the header lacks"):
        list(read_survey(io.StringIO("a,b,c\n1,2,3\n")))
