"""Salary bands: importing the survey, computing, shipping and correcting bands, exchange rates,
and how a posting's pay compares with its band."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Subquery
from django.utils import timezone

from salaries import normalization
from salaries.charts import Scale
from salaries.geography import region_of
from salaries.labels import SENIORITY_ADJECTIVES, group_label
from salaries.models import (
    MIN_SAMPLES,
    BandWorkplace,
    ExchangeRate,
    PayDataVersion,
    SalaryBand,
    SalarySample,
    Scope,
)
from salaries.survey import SENIORITY_BY_LEVEL, SOURCE, NotFullTime, read_survey

DATA_DIR = Path(__file__).resolve().parent / "data"
BANDS_FILE = DATA_DIR / "bands.json"
RATES_FILE = DATA_DIR / "exchange_rates.json"

# The survey's levels. Postings at the two levels it lacks are compared with the nearest
# surveyed level, and the page says so.
SURVEYED_SENIORITIES = frozenset(SENIORITY_BY_LEVEL.values())
NEAREST_SURVEYED = {"intern": "junior", "principal": "lead"}

# ---------------------------------------------------------------------------------------------
# Exchange rates and annual USD
# ---------------------------------------------------------------------------------------------


def rates_current() -> Mapping[str, ExchangeRate]:
    """The newest stored rate of every currency, by currency code."""
    return pay_data().rates


def annual_usd(
    amount: Decimal, currency: str, period: str, *, rates: Mapping[str, Decimal] | None = None
) -> Decimal | None:
    """Pay as entered, as USD per year at the newest stored rate (or `rates`: currency -> USD
    per unit). None when the currency has no rate. Exact: nothing is rounded."""
    if rates is None:
        rates = {code: rate.usd_per_unit for code, rate in rates_current().items()}
    return normalization.annual_usd(amount, currency, period, rates)


@dataclass
class RatesLoadResult:
    created: int = 0
    kept: int = 0


def exchange_rates_load(*, data: Mapping) -> RatesLoadResult:
    """Add the rates in `data` ({"date", "source", "rates": {code: USD per unit}}) that are not
    stored yet for that date. Rates already stored for the date are kept, so an admin's edit
    survives reloading the shipped file."""
    try:
        rate_date = date.fromisoformat(str(data["date"]))
        source = str(data.get("source", ""))[:200]
        rates = {str(code): Decimal(str(value)) for code, value in data["rates"].items()}
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
        raise ValidationError(f"exchange rate data is malformed: {exc!r}") from exc
    for code, value in rates.items():
        if len(code) != 3 or not code.isalpha() or not code.isupper() or code == "USD":
            raise ValidationError(f"{code!r} is not an ISO 4217 code other than USD")
        if not value.is_finite() or value <= 0:
            raise ValidationError(f"the rate for {code} must be a positive number")
    result = RatesLoadResult()
    with transaction.atomic():
        for code, value in sorted(rates.items()):
            _, created = ExchangeRate.objects.get_or_create(
                currency=code,
                rate_date=rate_date,
                defaults={"usd_per_unit": value, "source": source},
            )
            if created:
                result.created += 1
            else:
                result.kept += 1
    return result


def rates_fingerprint() -> str:
    """A digest of the newest rate of every currency: what annual USD pay is computed from.

    Postings store annual USD pay and compare this with the fingerprint their figures were
    computed at, so any change to the rates (an admin edit, a delete, a reload) is followed
    without this app knowing who depends on it.
    """
    rates = sorted(pay_data().rates.items())  # by currency, as latest_per_currency orders
    text = ";".join(f"{currency}={rate.usd_per_unit.normalize():f}" for currency, rate in rates)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Importing the survey
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    read: int = 0
    inserted: int = 0
    already_imported: int = 0
    not_full_time: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return self.already_imported + self.not_full_time + len(self.malformed)


def survey_import(
    *,
    lines: Iterable[str],
    source: str = SOURCE,
    batch_size: int = 5_000,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import survey responses (ai-jobs.net CSV text); rows already imported are left alone.

    Every row has a natural key (salaries.survey.read_survey) backed by a unique constraint,
    so re-importing a file inserts nothing and two imports racing insert each row once.
    Malformed rows are collected with their line numbers; the import carries on past them.
    """
    result = ImportResult()
    parsed = read_survey(lines, source=source)
    while batch := list(islice(parsed, batch_size)):
        result.read += len(batch)
        rows = []
        for item in batch:
            if isinstance(item.error, NotFullTime):
                result.not_full_time += 1
            elif item.error is not None:
                result.malformed.append((item.line, str(item.error)))
            else:
                rows.append(item.row)
        keys = [row.key for row in rows]
        existing = set(
            SalarySample.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
        )
        new = [row for row in rows if row.key not in existing]
        SalarySample.objects.bulk_create(
            [
                SalarySample(
                    source=source,
                    source_key=row.key,
                    work_year=row.work_year,
                    seniority=row.seniority,
                    role_family=row.role_family,
                    job_title=row.job_title,
                    salary=row.salary,
                    salary_currency=row.salary_currency,
                    salary_usd=row.salary_usd,
                    employee_residence=row.employee_residence,
                    remote_ratio=row.remote_ratio,
                    company_location=row.company_location,
                    company_region=region_of(row.company_location),
                    company_size=row.company_size,
                )
                for row in new
            ],
            ignore_conflicts=True,
        )
        result.inserted += len(new)
        result.already_imported += len(existing)
        if on_progress:
            on_progress(len(batch))
    return result


# ---------------------------------------------------------------------------------------------
# Computing, exporting and loading bands
# ---------------------------------------------------------------------------------------------

GROUP_FIELDS = ("role_family", "seniority", "scope", "area", "workplace")
GroupKey = tuple[str, str, str, str, str]  # the GROUP_FIELDS of one band

# Every combination of: one role family or all; one level or all; fully remote, on-site/hybrid
# or any; and a country, its region or the world. GROUPING() tells which columns a row groups.
_BANDS_SQL = """
SELECT
    CASE WHEN GROUPING(role_family) = 1 THEN '' ELSE role_family END,
    CASE WHEN GROUPING(seniority) = 1 THEN '' ELSE seniority END,
    CASE WHEN GROUPING(company_location) = 0 THEN 'country'
         WHEN GROUPING(company_region) = 0 THEN 'region' ELSE 'world' END,
    CASE WHEN GROUPING(company_location) = 0 THEN company_location
         WHEN GROUPING(company_region) = 0 THEN company_region ELSE '' END,
    CASE WHEN GROUPING(workplace) = 1 THEN 'any' ELSE workplace END,
    count(*),
    percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9])
        WITHIN GROUP (ORDER BY salary_usd::float8)
FROM (
    SELECT *, CASE WHEN remote_ratio = 100 THEN 'remote' ELSE 'onsite' END AS workplace
    FROM salaries_salarysample
    WHERE source = %s AND work_year = %s
) AS responses
GROUP BY CUBE (role_family, seniority, workplace),
         GROUPING SETS ((company_location), (company_region), ())
"""


def _whole_usd(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def survey_reference_year(*, source: str = SOURCE) -> int | None:
    """The survey year with the most responses: the year bands describe by default."""
    row = (
        SalarySample.objects.filter(source=source)
        .values("work_year")
        .annotate(n=Count("id"))
        .order_by("-n", "-work_year")
        .first()
    )
    return row["work_year"] if row else None


@dataclass
class BandsResult:
    source: str = SOURCE
    year: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept_corrected: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept_corrected


def _band_key(band: SalaryBand) -> GroupKey:
    return (band.role_family, band.seniority, band.scope, band.area, band.workplace)


def _bands_replace(
    *, source: str, year: int, groups: dict[GroupKey, dict], now: datetime
) -> BandsResult:
    """Make the bands of (source, year) equal `groups` (key -> sample_size, figures,
    computed_at), touching only bands whose figures change and never a corrected band."""
    result = BandsResult(source=source, year=year)
    with transaction.atomic():
        # Two loads at once (say `make run` twice) would both see a band missing and both
        # insert it; the lock makes the second wait and then find everything unchanged.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('salaries.bands_replace'))")
        existing = {
            _band_key(band): band for band in SalaryBand.objects.filter(source=source, year=year)
        }
        to_create, to_update = [], []
        for key, group in groups.items():
            figures = group["figures"] if group["sample_size"] >= MIN_SAMPLES else (None,) * 5
            band = existing.pop(key, None)
            if band is not None and band.corrected_at is not None:
                result.kept_corrected += 1
                continue
            if band is not None and (band.sample_size, band.figures) == (
                group["sample_size"],
                figures,
            ):
                result.unchanged += 1
                continue
            if band is None:
                band = SalaryBand(
                    source=source, year=year, **dict(zip(GROUP_FIELDS, key, strict=True))
                )
                to_create.append(band)
            else:
                to_update.append(band)
            band.sample_size = group["sample_size"]
            band.p10, band.p25, band.p50, band.p75, band.p90 = figures
            band.computed_at = group.get("computed_at") or now
        stale = [band.pk for band in existing.values() if band.corrected_at is None]
        result.kept_corrected += len(existing) - len(stale)
        SalaryBand.objects.filter(pk__in=stale).delete()
        SalaryBand.objects.bulk_create(to_create, batch_size=2_000)
        SalaryBand.objects.bulk_update(
            to_update,
            ["sample_size", "p10", "p25", "p50", "p75", "p90", "computed_at"],
            batch_size=2_000,
        )
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(stale)
    return result


def bands_compute(*, source: str = SOURCE, year: int | None = None) -> BandsResult:
    """(Re)compute the bands of one survey year (default: the year with most responses) from
    the imported responses. Unchanged bands keep their computed_at; corrected ones are kept."""
    year = year or survey_reference_year(source=source)
    if year is None:
        return BandsResult(source=source)
    with connection.cursor() as cursor:
        cursor.execute(_BANDS_SQL, [source, year])
        rows = cursor.fetchall()
    groups = {
        tuple(row[:5]): {
            "sample_size": row[5],
            "figures": tuple(_whole_usd(value) for value in row[6]),
        }
        for row in rows
    }
    return _bands_replace(source=source, year=year, groups=groups, now=timezone.now())


def bands_export(*, path: Path = BANDS_FILE) -> int:
    """Write the current bands to `path` as JSON, one band per line (stable order, so a
    recomputation shows as a readable diff); return how many were written."""
    bands = list(SalaryBand.objects.current().order_by(*GROUP_FIELDS))
    if not bands:
        return 0
    lines = [
        json.dumps(
            {
                **{name: getattr(band, name) for name in GROUP_FIELDS},
                "n": band.sample_size,
                "figures": [int(f) for f in band.figures] if band.has_figures else None,
                "computed_at": band.computed_at.isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for band in bands
    ]
    header = json.dumps(
        {"source": bands[0].source, "year": bands[0].year, "min_samples": MIN_SAMPLES}
    )[:-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + ',"bands":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return len(lines)


def bands_load(*, data: Mapping) -> BandsResult:
    """Load exported bands (bands_export's JSON). Safe to repeat: bands already equal are not
    touched, bands an admin corrected are kept, and bands missing from the file are removed."""
    try:
        source, year = str(data["source"]), int(data["year"])
        groups: dict[GroupKey, dict] = {}
        for item in data["bands"]:
            key = tuple(str(item[name]) for name in GROUP_FIELDS)
            figures = item["figures"]
            groups[key] = {
                "sample_size": int(item["n"]),
                "figures": tuple(Decimal(f) for f in figures) if figures else (None,) * 5,
                "computed_at": datetime.fromisoformat(item["computed_at"]),
            }
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ValidationError(f"band data is malformed: {exc!r}") from exc
    return _bands_replace(source=source, year=year, groups=groups, now=timezone.now())


def band_correction_check(*, band: SalaryBand, figures: tuple, note: str) -> None:
    """ValidationError unless `figures` may replace the band's: positive, in order, on a band
    with enough responses, and with a note saying why."""
    if band.sample_size < MIN_SAMPLES:
        raise ValidationError(
            f"This band has {band.sample_size} responses; figures need at least {MIN_SAMPLES}."
        )
    if any(f is None or f <= 0 for f in figures) or list(figures) != sorted(figures):
        raise ValidationError("Percentiles must be positive and p10 ≤ p25 ≤ median ≤ p75 ≤ p90.")
    if not note.strip():
        raise ValidationError({"correction_note": "Say why the figures are corrected."})


def band_correct(*, band: SalaryBand, figures: tuple, note: str, user) -> SalaryBand:
    """An admin's correction of a band's figures; recomputing and loading then keep it."""
    band_correction_check(band=band, figures=figures, note=note)
    band.p10, band.p25, band.p50, band.p75, band.p90 = figures
    band.correction_note = note.strip()
    band.corrected_at = timezone.now()
    band.corrected_by = user
    band.save()
    return band


# ---------------------------------------------------------------------------------------------
# The current bands and rates, kept per process
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayData:
    """What every page compares pay with: the bands of the newest reference year (by group)
    and the newest rate of each currency. Read-only: it is shared by every request."""

    reference: dict | None  # SalaryBand.objects.reference(): None when no bands are loaded
    bands: Mapping[GroupKey, SalaryBand]
    rates: Mapping[str, ExchangeRate]


# Asked on every page that shows pay, so written out once, as the taxonomy's version is.
_VERSION_SQL = f"SELECT version, changed_at FROM {PayDataVersion._meta.db_table} WHERE id = 1"
_pay_data_lock = threading.Lock()
_pay_data: tuple[tuple, PayData] | None = None


def pay_data(*, read_with: object | None = None) -> PayData:
    """The current bands and rates, read once per process and change of either.

    One query a call: the version row that database triggers move on at every write to the
    bands or rates (salaries.models.PayDataVersion). The change time is part of the key, so a
    rolled-back or restored database that shows a version number again is read afresh.
    A page used to ask three queries for these (3.8 ms of a posting page).

    read_with: a row read with pay_data_columns(), whose statement read the version already.
    """
    global _pay_data
    if read_with is not None:
        key = (read_with.pay_data_version, read_with.pay_data_changed_at)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_VERSION_SQL)
            key = cursor.fetchone() or (None, None)
    if key[0] is None:  # the row is gone (a flushed database): nothing to key a copy on
        return _pay_data_read()
    with _pay_data_lock:
        if _pay_data is None or _pay_data[0] != key:
            _pay_data = (key, _pay_data_read())
        return _pay_data[1]


def pay_data_columns() -> dict[str, Subquery]:
    """The version row's columns, for a page that reads a row anyway to read with it (and
    hand to pay_data(read_with=...)), sparing pay_data's own query: a round trip, 0.3 ms."""
    row = PayDataVersion.objects.filter(id=1)
    return {
        "pay_data_version": Subquery(row.values("version")),
        "pay_data_changed_at": Subquery(row.values("changed_at")),
    }


def _pay_data_read() -> PayData:
    reference = SalaryBand.objects.reference()
    bands = {_band_key(band): band for band in SalaryBand.objects.current(reference)}
    rates = {rate.currency: rate for rate in ExchangeRate.objects.latest_per_currency()}
    return PayData(reference, MappingProxyType(bands), MappingProxyType(rates))


# ---------------------------------------------------------------------------------------------
# Finding a posting's band, falling back to broader ones
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BandStep:
    """A narrower band that was tried and passed over, and how many responses it had."""

    label: str
    sample_size: int


@dataclass(frozen=True)
class BandMatch:
    band: SalaryBand | None
    label: str
    skipped: tuple[BandStep, ...]
    seniority: str
    # The level the bands are for, when the posting's level is not in the survey.
    nearest_level: str = ""

    @property
    def fell_back(self) -> bool:
        return bool(self.skipped or self.nearest_level)

    @property
    def reason(self) -> str:
        """Why this band (or none) was used, in one or two sentences."""
        parts = []
        if self.nearest_level:
            asked = SENIORITY_ADJECTIVES.get(self.seniority, self.seniority)
            nearest = SENIORITY_ADJECTIVES[self.nearest_level]
            parts.append(
                f"The salary survey has no {asked} level, so the nearest, {nearest}, is used."
            )
        if self.skipped:
            tried = "; ".join(
                f"{step.label} "
                f"({f'n = {step.sample_size:,}' if step.sample_size else 'no responses'})"
                for step in self.skipped
            )
            if self.band is None:
                parts.append(f"No band has at least {MIN_SAMPLES} responses. Tried: {tried}.")
            else:
                parts.append(
                    f"A broader band is shown because narrower ones have fewer than "
                    f"{MIN_SAMPLES} responses: {tried}."
                )
        return " ".join(parts)


def band_candidates(
    *, role_family: str, seniority: str, country: str, remote: bool | None
) -> list[GroupKey]:
    """The bands to try, narrowest first: drop remote, then country -> region, then the role
    family; and past the region, the world (first for the role, then for all roles)."""
    workplace = {True: BandWorkplace.REMOTE, False: BandWorkplace.ONSITE}.get(remote)
    region = region_of(country) if country else None
    places = [(Scope.COUNTRY, country)] if region else []
    places += [(Scope.REGION, region)] if region else []
    places += [(Scope.WORLD, "")]
    first_scope, first_area = places[0]
    candidates: list[GroupKey] = []
    if workplace:
        candidates.append((role_family, seniority, first_scope, first_area, workplace))
    for scope, area in places:
        candidates.append((role_family, seniority, scope, area, BandWorkplace.ANY))
        if scope != Scope.COUNTRY:
            candidates.append(("", seniority, scope, area, BandWorkplace.ANY))
    return [tuple(str(part) for part in key) for key in candidates]


def band_lookup(
    *, role_family: str, seniority: str, country: str = "", remote: bool | None = None
) -> BandMatch:
    """The narrowest current band with figures for this group."""
    group = BandGroup(role_family, seniority, country, remote)
    return band_lookups(groups=[group])[group]


@dataclass(frozen=True)
class BandGroup:
    """What a band is looked up by: a posting's role family, level, country and remoteness."""

    role_family: str
    seniority: str
    country: str = ""
    remote: bool | None = None


def band_lookups(
    *, groups: Iterable[BandGroup], data: PayData | None = None
) -> dict[BandGroup, BandMatch]:
    """band_lookup for many groups at once, from `data` (pay_data() when not given)."""
    found = (data or pay_data()).bands
    matches = {}
    for group in set(groups):
        level = NEAREST_SURVEYED.get(group.seniority, group.seniority)
        candidates = band_candidates(
            role_family=group.role_family,
            seniority=level,
            country=group.country,
            remote=group.remote,
        )
        nearest = level if level != group.seniority else ""
        matches[group] = _first_with_figures(group.seniority, nearest, candidates, found)
    return matches


def _first_with_figures(
    seniority: str, nearest: str, candidates: list[GroupKey], found: Mapping[GroupKey, SalaryBand]
) -> BandMatch:
    skipped = []
    for key in candidates:
        band = found.get(key)
        if band is not None and band.has_figures:
            return BandMatch(band, group_label(*key), tuple(skipped), seniority, nearest)
        skipped.append(BandStep(group_label(*key), band.sample_size if band else 0))
    return BandMatch(None, group_label(*candidates[0]), tuple(skipped), seniority, nearest)


# ---------------------------------------------------------------------------------------------
# Offered pay against its band
# ---------------------------------------------------------------------------------------------

BAR_WIDTH = 400


@dataclass(frozen=True)
class OfferedPay:
    """An offered pay range as annual USD, and the rate it was converted at (None for USD)."""

    currency: str
    period: str
    annual_min: Decimal | None
    annual_max: Decimal | None
    rate: ExchangeRate | None

    @property
    def converted(self) -> bool:
        return self.annual_min is not None

    @property
    def period_note(self) -> str:
        """How the period was annualised, e.g. "monthly pay over 12 months"."""
        return {
            "month": f"monthly pay over {normalization.MONTHS_PER_YEAR} months",
            "day": f"daily pay over {normalization.DAYS_PER_YEAR} days",
            "hour": f"hourly pay over {normalization.HOURS_PER_YEAR:,} hours",
        }.get(self.period, "")

    @property
    def annual_mid(self) -> Decimal | None:
        if not self.converted:
            return None
        return normalization.midpoint(self.annual_min, self.annual_max)


@dataclass(frozen=True)
class PayBar:
    """x positions (0..BAR_WIDTH) of the band's percentiles and of the posting's range."""

    width: int
    x10: float
    x25: float
    x50: float
    x75: float
    x90: float
    range_start: float | None = None
    range_end: float | None = None
    range_mid: float | None = None

    @property
    def box_width(self) -> float:
        return round(max(self.x75 - self.x25, 2.0), 1)

    @property
    def range_width(self) -> float:
        return round(max((self.range_end or 0) - (self.range_start or 0), 2.0), 1)


@dataclass(frozen=True)
class PayInsight:
    """Everything the pay section (templates/jinja2/salaries/_posting_pay_insight.html)
    shows for one offered range."""

    dom_id: str
    match: BandMatch
    pay: OfferedPay | None
    position: normalization.Position | None
    bar: PayBar | None

    @property
    def band(self) -> SalaryBand | None:
        return self.match.band

    @property
    def has_pay(self) -> bool:
        return self.pay is not None

    @property
    def is_estimate(self) -> bool:
        """No placed range: the band is shown as an estimate of what the role pays."""
        return self.band is not None and self.position is None

    @property
    def missing_rate(self) -> bool:
        return self.pay is not None and not self.pay.converted

    @property
    def summary(self) -> str:
        """The sentence the bar illustrates; also the bar's text alternative."""
        band = self.band
        if band is None:
            return f"No salary band to compare with. {self.match.reason}"
        cite = f"(n = {band.sample_size:,}, {band.source_label})"
        if self.position is not None:
            mid = f"{self.pay.annual_mid:,.0f}"
            return (
                f"The middle of this range ({mid} USD a year) is {self.position.phrase} "
                f"for {self.match.label} {cite}."
            )
        return (
            f"Estimate: {self.match.label} earn {band.p25:,.0f} to {band.p75:,.0f} USD a year "
            f"(middle half), median {band.p50:,.0f} {cite}."
        )


def _pay_bar(band: SalaryBand, pay: OfferedPay | None) -> PayBar:
    values = list(band.figures)
    if pay is not None and pay.converted:
        values += [pay.annual_min, pay.annual_max]
    scale = Scale.fit(values, left=0, right=BAR_WIDTH)
    extra = {}
    if pay is not None and pay.converted:
        extra = {
            "range_start": scale.x(pay.annual_min),
            "range_end": scale.x(pay.annual_max),
            "range_mid": scale.x(pay.annual_mid),
        }
    return PayBar(BAR_WIDTH, *(scale.x(f) for f in band.figures), **extra)


def offered_pay(
    *,
    salary_min: Decimal | None,
    salary_max: Decimal | None,
    currency: str,
    period: str,
    rates: Mapping[str, ExchangeRate],
) -> OfferedPay | None:
    """Pay as an employer entered it, converted to annual USD; None when no pay is given."""
    if salary_min is None or salary_max is None:
        return None
    rate = rates.get(currency)
    usd_rates = {code: r.usd_per_unit for code, r in rates.items()}
    low, high = (
        normalization.annual_usd(amount, currency, period, usd_rates)
        for amount in (salary_min, salary_max)
    )
    return OfferedPay(currency, period, low, high, rate)


def pay_insight(
    *,
    dom_id: str,
    role_family: str,
    seniority: str,
    country: str,
    remote: bool,
    salary_min: Decimal | None,
    salary_max: Decimal | None,
    currency: str,
    period: str,
    rates: Mapping[str, ExchangeRate] | None = None,
    match: BandMatch | None = None,
    data: PayData | None = None,
) -> PayInsight | None:
    """Where an offered range sits in its band, or the band as an estimate when no pay is
    given. None when no bands are loaded at all (nothing to say). `match` is the group's
    band when already looked up (band_lookups, for a list); `data`, pay_data() when read."""
    if data is None and (match is None or rates is None):
        data = pay_data()
    if match is None:
        if data.reference is None:
            return None
        group = BandGroup(role_family, seniority, country, remote)
        match = band_lookups(groups=[group], data=data)[group]
    pay = offered_pay(
        salary_min=salary_min,
        salary_max=salary_max,
        currency=currency,
        period=period,
        rates=rates if rates is not None else data.rates,
    )
    position = bar = None
    if match.band is not None:
        if pay is not None and pay.converted:
            position = normalization.position_in_band(pay.annual_mid, match.band.figures)
        bar = _pay_bar(match.band, pay)
    return PayInsight(dom_id, match, pay, position, bar)
