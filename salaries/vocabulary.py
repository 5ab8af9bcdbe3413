"""The words postings and salary bands share: seniority levels, role families and workplaces.

Salary bands are grouped by the same levels and role families that postings are filed under,
so a posting can be placed in its band. Both apps import these from here; salaries sits below
postings, so the vocabulary lives at the lower of the two.
"""

from __future__ import annotations

from django.db import models


class Seniority(models.TextChoices):
    INTERN = "intern", "Intern"
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead"
    PRINCIPAL = "principal", "Principal"


class RoleFamily(models.TextChoices):
    ML_ENGINEER = "ml_engineer", "ML engineer"
    DATA_SCIENTIST = "data_scientist", "Data scientist"
    DATA_ENGINEER = "data_engineer", "Data engineer"
    RESEARCH_SCIENTIST = "research_scientist", "Research scientist"
    MLOPS = "mlops", "MLOps / platform"
    APPLIED_SCIENTIST = "applied_scientist", "Applied scientist"
    DATA_ANALYST = "data_analyst", "Data analyst"
    OTHER = "other", "Other"


class Workplace(models.TextChoices):
    ONSITE = "onsite", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"
