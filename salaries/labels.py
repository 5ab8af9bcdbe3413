"""How a band's group reads in a sentence: "remote senior ML engineers in the US"."""

from __future__ import annotations

from salaries.geography import country_phrase, region_phrase

ROLE_PLURALS = {
    "ml_engineer": "ML engineers",
    "data_scientist": "data scientists",
    "data_engineer": "data engineers",
    "research_scientist": "research scientists",
    "mlops": "MLOps and ML platform engineers",
    "applied_scientist": "applied scientists",
    "data_analyst": "data analysts",
    "other": "people in other tech and data roles",
    "": "people in all ML and data roles",
}
SENIORITY_ADJECTIVES = {
    "intern": "intern",
    "junior": "junior",
    "mid": "mid-level",
    "senior": "senior",
    "lead": "lead",
    "principal": "principal",
    "": "",
}
WORKPLACE_PREFIXES = {"remote": "fully remote", "onsite": "on-site or hybrid", "any": ""}


def place_phrase(scope: str, area: str) -> str:
    if scope == "country":
        return f"in {country_phrase(area)}"
    if scope == "region":
        return f"in {region_phrase(area)}"
    return "worldwide"


def group_label(role_family: str, seniority: str, scope: str, area: str, workplace: str) -> str:
    role = ROLE_PLURALS.get(role_family, role_family)
    words = [WORKPLACE_PREFIXES.get(workplace, ""), SENIORITY_ADJECTIVES.get(seniority, seniority)]
    if role_family == "" and any(words):
        # "senior people in all ML and data roles" reads badly; "all senior ML and data people".
        role = "ML and data people"
        words.insert(0, "all")
    label = " ".join([*[w for w in words if w], role, place_phrase(scope, area)])
    if seniority == "":
        label += ", all levels"
    return label


def band_label(band) -> str:
    return group_label(band.role_family, band.seniority, band.scope, band.area, band.workplace)
