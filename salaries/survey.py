"""Reading the ai-jobs.net salary survey CSV. No Django here.

Each row is checked and mapped to our vocabulary (role family, seniority); a row that cannot be
used raises RowError with a reason a person can act on. The import command turns those into
"line N: reason" reports and carries on.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from salaries.geography import COUNTRY_NAMES

SOURCE = "ai-jobs.net"

COLUMNS = (
    "work_year", "experience_level", "employment_type", "job_title", "salary",
    "salary_currency", "salary_in_usd", "employee_residence", "remote_ratio",
    "company_location", "company_size",
)  # fmt: skip

# The survey's four experience levels onto our six seniority levels. The survey has nothing
# below entry level or above executive, so no band exists for interns or principals: their
# postings get no comparison rather than a misleading one.
SENIORITY_BY_LEVEL = {"EN": "junior", "MI": "mid", "SE": "senior", "EX": "lead"}

# Only full-time pay goes into bands: part-time, contract and freelance figures in the survey
# are few (under 0.5%) and not comparable as annual pay.
FULL_TIME = "FT"
EMPLOYMENT_TYPES = {"FT", "PT", "CT", "FL"}
REMOTE_RATIOS = {0, 50, 100}

# Outside these, a figure is a typo or a different unit, not a salary.
MIN_USD = Decimal(1_000)
MAX_USD = Decimal(5_000_000)

# Job titles -> role family: the first rule whose pattern is found in the lower-cased title
# wins, so the order matters (an "ML infrastructure engineer" is MLOps before it is an ML
# engineer; an "applied data scientist" is a data scientist before an applied scientist).
# Titles naming no ML or data discipline ("Software Engineer", "Manager", "Consultant") and
# product, quantitative and robotics roles go to "other".
TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern))
    for family, pattern in (
        ("other", r"\bquantitative\b|\bproduct (manager|owner|designer)\b|\brobotics?\b"),
        (
            "mlops",
            r"\bml ?ops\b|\b(machine learning|ml) (infrastructure|platform|performance)\b",
        ),
        ("data_scientist", r"\bdata scien|\bdecision scientist\b|\bstatistician\b"),
        ("applied_scientist", r"\bapplied\b.*\bscientist\b"),
        (
            "research_scientist",
            r"\bresearch (scientist|engineer|associate|assistant)\b|\bresearcher\b"
            r"|\b(machine learning|ml|ai|deep learning) scientist\b|\bpostdoctoral\b",
        ),
        (
            "ml_engineer",
            r"\bmachine learning\b|\bml\b|\bai\b|\bartificial intelligence\b|\bdeep learning\b"
            r"|\b(computer|machine) vision\b|\bnlp\b|\bprompt engineer\b|\bchatbot\b",
        ),
        (
            "data_engineer",
            r"\bdata (engineer|architect|pipeline|infrastructure|platform|developer|modeler)\b"
            r"|\banalytics engineer\b|\betl\b|\bbig data\b|\bdataops\b|\bdatabricks\b"
            r"|\bdata integration (engineer|developer)\b|\bcloud data\b|\bspark\b",
        ),
        (
            "data_analyst",
            r"\banalyst\b|\banalytics\b|\bbi\b|\bbusiness intelligence\b|\bpower bi\b"
            r"|\bdata visualization\b|\breporting\b",
        ),
    )
)


def role_family_for_title(title: str) -> str:
    lowered = " ".join(title.lower().split())
    for family, pattern in TITLE_RULES:
        if pattern.search(lowered):
            return family
    return "other"


class RowError(ValueError):
    """A row that cannot be used; the message says why."""


class NotFullTime(RowError):
    """A well-formed row left out on purpose: bands use full-time pay only."""


@dataclass(frozen=True)
class SurveyRow:
    key: str
    work_year: int
    seniority: str
    employment_type: str
    job_title: str
    role_family: str
    salary: Decimal
    salary_currency: str
    salary_usd: Decimal
    employee_residence: str
    remote_ratio: int
    company_location: str
    company_size: str

    @property
    def remote(self) -> bool:
        # Fully remote only: a hybrid (50%) respondent still goes to the office.
        return self.remote_ratio == 100


def _int(value: str, column: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a whole number") from None


def _amount(value: str, column: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise RowError(f"{column} {value!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise RowError(f"{column} {value!r} is not a positive amount")
    return amount


def parse_row(fields: dict[str, str], key: str) -> SurveyRow:
    """One CSV record (column -> text) as a SurveyRow; RowError when it cannot be used."""
    if None in fields or any(value is None for value in fields.values()):
        raise RowError(f"expected {len(COLUMNS)} columns")
    values = {column: (fields[column] or "").strip() for column in COLUMNS}
    work_year = _int(values["work_year"], "work_year")
    if not 2000 <= work_year <= 2100:
        raise RowError(f"work_year {work_year} is out of range")
    level = values["experience_level"]
    if level not in SENIORITY_BY_LEVEL:
        raise RowError(f"experience_level {level!r} is not one of EN, MI, SE, EX")
    employment_type = values["employment_type"]
    if employment_type not in EMPLOYMENT_TYPES:
        raise RowError(f"employment_type {employment_type!r} is not one of FT, PT, CT, FL")
    title = values["job_title"]
    if not title:
        raise RowError("job_title is empty")
    salary = _amount(values["salary"], "salary")
    currency = values["salary_currency"]
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise RowError(f"salary_currency {currency!r} is not an ISO 4217 code")
    salary_usd = _amount(values["salary_in_usd"], "salary_in_usd")
    if not MIN_USD <= salary_usd <= MAX_USD:
        raise RowError(f"salary_in_usd {salary_usd} is outside {MIN_USD}-{MAX_USD}")
    remote_ratio = _int(values["remote_ratio"], "remote_ratio")
    if remote_ratio not in REMOTE_RATIOS:
        raise RowError(f"remote_ratio {remote_ratio} is not one of 0, 50, 100")
    location = values["company_location"]
    if location not in COUNTRY_NAMES:
        raise RowError(f"company_location {location!r} is not an ISO 3166-1 alpha-2 code")
    if employment_type != FULL_TIME:
        raise NotFullTime(f"employment_type {employment_type} (bands use full-time pay only)")
    return SurveyRow(
        key=key,
        work_year=work_year,
        seniority=SENIORITY_BY_LEVEL[level],
        employment_type=employment_type,
        job_title=title[:200],
        role_family=role_family_for_title(title),
        salary=salary,
        salary_currency=currency,
        salary_usd=salary_usd,
        employee_residence=values["employee_residence"][:2],
        remote_ratio=remote_ratio,
        company_location=location,
        company_size=values["company_size"][:1],
    )


@dataclass(frozen=True)
class ParsedLine:
    line: int
    row: SurveyRow | None = None
    error: RowError | None = None


def read_survey(lines: Iterable[str], *, source: str = SOURCE) -> Iterator[ParsedLine]:
    """Every data record of the CSV text, parsed or with the reason it cannot be used.

    Each row gets a stable natural key: a hash of its content and of how many identical rows
    came before it. The survey has many identical rows (different respondents answering the
    same), so content alone is not unique; content plus occurrence is, and does not depend on
    where in the file the row sits, so re-importing the same or a re-ordered file adds nothing.
    """
    reader = csv.DictReader(lines, restkey=None, restval=None)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise RowError(f"line 1: the header lacks {', '.join(missing)}")
    seen: Counter[str] = Counter()
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The csv module resumes on the next line after e.g. a NUL byte or an unclosed
            # quote running past its field size limit.
            yield ParsedLine(reader.line_num, error=RowError(f"unreadable CSV: {error}"))
            continue
        line = reader.line_num
        content = "\x1f".join((fields.get(c) or "").strip() for c in COLUMNS)
        seen[content] += 1
        digest = hashlib.sha256(f"{source}\x1e{content}\x1e{seen[content]}".encode()).hexdigest()
        try:
            yield ParsedLine(line, row=parse_row(fields, digest[:40]))
        except RowError as error:
            yield ParsedLine(line, error=error)
