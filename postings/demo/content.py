"""Fast, reproducible generator of realistic (but fictional) ML job postings.

Pure Python, no Django import. Everything that does not depend on the random stream is
precomputed at import time (cumulative weights, template lists, pay tables), so producing one
posting costs a few dozen ``random`` calls plus some ``str.format`` work.

Public API::

    generate_companies(seed: int) -> list[dict]
    generate_postings(n: int, *, seed: int, now: datetime, companies: list[dict]) -> Iterator[dict]
    bench(n: int = 100_000, seed: int = 1) -> float   # postings per second

Same ``seed`` (and same ``now``) always gives identical output: only local ``random.Random``
instances are used, never the global generator. Companies are fictional and all URLs and
e-mail addresses use the reserved ``.example`` top-level domain.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate

__all__ = [
    "EMPLOYMENT_TYPES",
    "REMOTE_REGION_CODES",
    "ROLE_FAMILIES",
    "SALARY_PERIODS",
    "SENIORITIES",
    "STATUSES",
    "WORKPLACES",
    "bench",
    "generate_companies",
    "generate_postings",
]

# --------------------------------------------------------------------------------------------
# Enumerations (must match the database choices)
# --------------------------------------------------------------------------------------------

SENIORITIES = ("intern", "junior", "mid", "senior", "lead", "principal")
ROLE_FAMILIES = (
    "ml_engineer",
    "data_scientist",
    "data_engineer",
    "research_scientist",
    "mlops",
    "applied_scientist",
    "data_analyst",
    "other",
)
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")
WORKPLACES = ("onsite", "hybrid", "remote")
STATUSES = ("published", "closed", "expired", "pending_review", "draft", "rejected")
SALARY_PERIODS = ("year", "month", "day", "hour")
REMOTE_REGION_CODES = ("WW", "EU", "EEA", "EMEA", "AMER", "APAC", "LATAM")


def _cum(weights) -> list[float]:
    return list(accumulate(weights))


def _weighted(pairs):
    """Split ``[(value, weight), ...]`` into ``(values, cumulative_weights)``."""
    values = tuple(v for v, _ in pairs)
    return values, _cum(w for _, w in pairs)


_SENIORITY_VALUES, _SENIORITY_CW = _weighted(
    [("intern", 4), ("junior", 12), ("mid", 31), ("senior", 35), ("lead", 12), ("principal", 6)]
)
_FAMILY_VALUES, _FAMILY_CW = _weighted(
    [
        ("ml_engineer", 32),
        ("data_scientist", 18),
        ("data_engineer", 13),
        ("research_scientist", 8),
        ("mlops", 9),
        ("applied_scientist", 7),
        ("data_analyst", 9),
        ("other", 4),
    ]
)
_STATUS_VALUES, _STATUS_CW = _weighted(
    [
        ("published", 80),
        ("closed", 6),
        ("expired", 7),
        ("pending_review", 3),
        ("draft", 2),
        ("rejected", 2),
    ]
)
_WORKPLACE_VALUES, _WORKPLACE_CW = _weighted([("onsite", 28), ("hybrid", 46), ("remote", 26)])
_EMPLOYMENT_VALUES, _EMPLOYMENT_CW = _weighted(
    [("full_time", 88), ("contract", 8), ("part_time", 2), ("temporary", 2)]
)
_INTERN_EMPLOYMENT_VALUES, _INTERN_EMPLOYMENT_CW = _weighted(
    [("internship", 90), ("temporary", 6), ("part_time", 4)]
)

# --------------------------------------------------------------------------------------------
# Geography and pay
# --------------------------------------------------------------------------------------------

# country -> (currency, annual pay centre for a *mid-level ML engineer* in local currency,
#             visa sponsorship base probability, probability that a full-time salary is
#             quoted per month, intern pay factor)
_COUNTRIES = {
    "US": ("USD", 145_000, 0.40, 0.00, 0.62),
    "CA": ("CAD", 120_000, 0.25, 0.00, 0.55),
    "GB": ("GBP", 68_000, 0.35, 0.00, 0.40),
    "DE": ("EUR", 66_000, 0.30, 0.04, 0.37),
    "FR": ("EUR", 58_000, 0.20, 0.04, 0.30),
    "NL": ("EUR", 68_000, 0.30, 0.05, 0.35),
    "CH": ("CHF", 130_000, 0.15, 0.05, 0.30),
    "IE": ("EUR", 75_000, 0.25, 0.00, 0.40),
    "SE": ("SEK", 640_000, 0.20, 0.35, 0.35),
    "IL": ("ILS", 430_000, 0.05, 0.40, 0.35),
    "IN": ("INR", 3_000_000, 0.02, 0.00, 0.35),
    "SG": ("SGD", 115_000, 0.25, 0.10, 0.35),
    "AU": ("AUD", 150_000, 0.20, 0.00, 0.45),
    "JP": ("JPY", 9_500_000, 0.25, 0.08, 0.35),
    "PL": ("PLN", 250_000, 0.10, 0.45, 0.30),
    "PT": ("EUR", 44_000, 0.15, 0.05, 0.35),
    "ES": ("EUR", 50_000, 0.15, 0.04, 0.30),
}

_COUNTRY_NAMES = {
    "US": "the United States",
    "CA": "Canada",
    "GB": "the United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "NL": "the Netherlands",
    "CH": "Switzerland",
    "IE": "Ireland",
    "SE": "Sweden",
    "IL": "Israel",
    "IN": "India",
    "SG": "Singapore",
    "AU": "Australia",
    "JP": "Japan",
    "PL": "Poland",
    "PT": "Portugal",
    "ES": "Spain",
    "NZ": "New Zealand",
    "AT": "Austria",
    "WW": "anywhere in the world",
    "EU": "the EU",
    "EEA": "the EEA",
    "EMEA": "the EMEA region",
    "AMER": "the Americas",
    "APAC": "the APAC region",
    "LATAM": "Latin America",
}

# (city, region, country, weight, pay multiplier relative to the country centre)
_CITIES = (
    ("San Francisco", "California", "US", 95, 1.13),
    ("New York", "New York", "US", 80, 1.10),
    ("Seattle", "Washington", "US", 55, 1.08),
    ("Boston", "Massachusetts", "US", 35, 1.04),
    ("Austin", "Texas", "US", 25, 0.96),
    ("Palo Alto", "California", "US", 18, 1.13),
    ("Mountain View", "California", "US", 16, 1.13),
    ("Los Angeles", "California", "US", 15, 1.02),
    ("Chicago", "Illinois", "US", 12, 0.95),
    ("Washington", "District of Columbia", "US", 8, 1.00),
    ("Denver", "Colorado", "US", 7, 0.94),
    ("Pittsburgh", "Pennsylvania", "US", 5, 0.90),
    ("Toronto", "Ontario", "CA", 26, 1.00),
    ("Montreal", "Quebec", "CA", 14, 0.92),
    ("Vancouver", "British Columbia", "CA", 10, 0.98),
    ("London", "England", "GB", 60, 1.00),
    ("Cambridge", "England", "GB", 8, 0.93),
    ("Edinburgh", "Scotland", "GB", 5, 0.85),
    ("Berlin", "Berlin", "DE", 26, 1.00),
    ("Munich", "Bavaria", "DE", 16, 1.06),
    ("Hamburg", "Hamburg", "DE", 5, 0.97),
    ("Paris", "Île-de-France", "FR", 24, 1.00),
    ("Amsterdam", "North Holland", "NL", 18, 1.00),
    ("Zurich", "Zurich", "CH", 14, 1.00),
    ("Dublin", "", "IE", 12, 1.00),
    ("Stockholm", "", "SE", 9, 1.00),
    ("Tel Aviv", "", "IL", 16, 1.00),
    ("Bangalore", "Karnataka", "IN", 28, 1.00),
    ("Hyderabad", "Telangana", "IN", 10, 0.95),
    ("Pune", "Maharashtra", "IN", 6, 0.90),
    ("Singapore", "", "SG", 16, 1.00),
    ("Sydney", "New South Wales", "AU", 12, 1.00),
    ("Melbourne", "Victoria", "AU", 7, 0.96),
    ("Tokyo", "Tokyo", "JP", 12, 1.00),
    ("Warsaw", "Masovia", "PL", 10, 1.00),
    ("Krakow", "Lesser Poland", "PL", 5, 0.93),
    ("Lisbon", "", "PT", 8, 1.00),
    ("Barcelona", "Catalonia", "ES", 9, 1.00),
    ("Madrid", "Community of Madrid", "ES", 6, 1.00),
)
_CITY_CW = _cum(c[3] for c in _CITIES)
_CITY_INDEX = {(c[0], c[2]): i for i, c in enumerate(_CITIES)}

_SENIORITY_PAY = {
    "intern": 1.0,  # interns use the country intern factor instead
    "junior": 0.74,
    "mid": 1.0,
    "senior": 1.32,
    "lead": 1.52,
    "principal": 1.75,
}
_FAMILY_PAY = {
    "ml_engineer": 1.0,
    "data_scientist": 0.93,
    "data_engineer": 0.92,
    "research_scientist": 1.10,
    "mlops": 0.98,
    "applied_scientist": 1.05,
    "data_analyst": 0.70,
    "other": 0.95,
}
_EUROPE = frozenset({"GB", "DE", "FR", "NL", "CH", "IE", "SE", "PL", "PT", "ES"})
_EU = frozenset({"DE", "FR", "NL", "IE", "SE", "PL", "PT", "ES"})
_HOURLY_CONTRACT = frozenset({"US", "CA", "AU", "JP", "SG"})

_HOURS_PER_YEAR = 2080
_DAYS_PER_YEAR = 220


def _remote_options(pairs):
    values, cw = _weighted(pairs)
    return tuple(tuple(v) for v in values), cw


_REMOTE = {
    "US": _remote_options(
        [(["US"], 45), (["US", "CA"], 20), (["AMER"], 12), (["WW"], 10), (["US", "LATAM"], 4)]
    ),
    "CA": _remote_options([(["CA"], 40), (["US", "CA"], 30), (["AMER"], 15), (["WW"], 10)]),
    "GB": _remote_options(
        [(["GB"], 40), (["GB", "IE"], 10), (["EMEA"], 20), (["GB", "EU"], 12), (["WW"], 10)]
    ),
    "CH": _remote_options([(["CH"], 30), (["CH", "EU"], 30), (["EMEA"], 20), (["WW"], 10)]),
    "IL": _remote_options([(["IL"], 60), (["EMEA"], 25), (["WW"], 10)]),
    "IN": _remote_options([(["IN"], 60), (["APAC"], 25), (["WW"], 10)]),
    "SG": _remote_options([(["SG"], 35), (["APAC"], 50), (["WW"], 10)]),
    "AU": _remote_options([(["AU"], 50), (["AU", "NZ"], 25), (["APAC"], 20), (["WW"], 5)]),
    "JP": _remote_options([(["JP"], 70), (["APAC"], 25), (["WW"], 5)]),
}
for _cc in _EU:
    _extra = {"DE": ["DE", "AT", "CH"], "SE": ["SE"], "PL": ["PL"]}.get(_cc, [_cc])
    _REMOTE[_cc] = _remote_options(
        [([_cc], 28), (["EU"], 30), (["EEA"], 10), (["EMEA"], 15), (["WW"], 10), (_extra, 7)]
    )

# --------------------------------------------------------------------------------------------
# Skills: per role family and category, ordered by popularity (Zipf-like weights)
# --------------------------------------------------------------------------------------------

_SKILLS = {
    "ml_engineer": {
        "lang": ["Python", "C++", "Go", "Java", "Scala", "Rust"],
        "fw": [
            "PyTorch",
            "TensorFlow",
            "Scikit-learn",
            "XGBoost",
            "Hugging Face Transformers",
            "JAX",
            "LightGBM",
            "ONNX Runtime",
            "TensorRT",
            "Keras",
        ],
        "data": [
            "Spark",
            "Kafka",
            "Airflow",
            "BigQuery",
            "Snowflake",
            "Redis",
            "PostgreSQL",
            "Databricks",
            "Flink",
            "Elasticsearch",
        ],
        "infra": [
            "Docker",
            "Kubernetes",
            "MLflow",
            "Ray",
            "Kubeflow",
            "SageMaker",
            "Triton Inference Server",
            "Vertex AI",
            "Terraform",
            "Weights & Biases",
        ],
        "tech": [
            "LLMs",
            "transformers",
            "feature engineering",
            "recommendation systems",
            "retrieval-augmented generation",
            "computer vision",
            "NLP",
            "A/B testing",
            "vector search",
            "learning to rank",
            "model distillation",
            "online learning",
        ],
    },
    "data_scientist": {
        "lang": ["Python", "SQL", "R", "Scala"],
        "fw": [
            "Scikit-learn",
            "XGBoost",
            "PyTorch",
            "statsmodels",
            "LightGBM",
            "TensorFlow",
            "PyMC",
            "Prophet",
        ],
        "data": [
            "Pandas",
            "Spark",
            "BigQuery",
            "Snowflake",
            "Airflow",
            "dbt",
            "Databricks",
            "Polars",
        ],
        "infra": ["Docker", "MLflow", "Git", "Jupyter", "Weights & Biases", "Kubernetes"],
        "tech": [
            "A/B testing",
            "causal inference",
            "feature engineering",
            "time-series forecasting",
            "Bayesian statistics",
            "experiment design",
            "regression modeling",
            "LLMs",
            "uplift modeling",
            "survival analysis",
        ],
    },
    "data_engineer": {
        "lang": ["SQL", "Python", "Scala", "Java", "Go"],
        "fw": ["Pandas", "Spark MLlib", "Scikit-learn", "PyTorch"],
        "data": [
            "Spark",
            "Airflow",
            "dbt",
            "Kafka",
            "Snowflake",
            "BigQuery",
            "Databricks",
            "Flink",
            "Delta Lake",
            "Apache Iceberg",
            "Redshift",
            "Dagster",
            "Trino",
            "PostgreSQL",
        ],
        "infra": ["Docker", "Kubernetes", "Terraform", "GitHub Actions", "Datadog", "Helm"],
        "tech": [
            "data modeling",
            "stream processing",
            "feature engineering",
            "change data capture",
            "data quality testing",
            "dimensional modeling",
            "data contracts",
        ],
    },
    "research_scientist": {
        "lang": ["Python", "C++", "CUDA", "Julia"],
        "fw": [
            "PyTorch",
            "JAX",
            "TensorFlow",
            "Hugging Face Transformers",
            "DeepSpeed",
            "Triton",
            "Flax",
        ],
        "data": ["NumPy", "Pandas", "Spark", "Ray Data", "WebDataset"],
        "infra": ["Slurm", "Weights & Biases", "Docker", "Ray", "Kubernetes", "MLflow"],
        "tech": [
            "transformers",
            "LLMs",
            "diffusion models",
            "reinforcement learning",
            "self-supervised learning",
            "distributed training",
            "multimodal learning",
            "representation learning",
            "graph neural networks",
            "RLHF",
            "mechanistic interpretability",
        ],
    },
    "mlops": {
        "lang": ["Python", "Go", "Bash", "Rust", "Java"],
        "fw": ["PyTorch", "TensorFlow", "ONNX Runtime", "TensorRT", "vLLM", "Scikit-learn"],
        "data": ["Kafka", "Spark", "Airflow", "Feast", "Redis", "PostgreSQL", "Databricks"],
        "infra": [
            "Kubernetes",
            "Docker",
            "Terraform",
            "MLflow",
            "Kubeflow",
            "Argo Workflows",
            "Ray",
            "Prometheus",
            "Grafana",
            "Helm",
            "KServe",
            "Triton Inference Server",
            "SageMaker",
            "GitHub Actions",
            "Vertex AI",
        ],
        "tech": [
            "model serving",
            "CI/CD for ML",
            "distributed training",
            "model monitoring",
            "GPU scheduling",
            "feature stores",
            "LLM inference optimization",
            "model quantization",
            "CUDA",
        ],
    },
    "applied_scientist": {
        "lang": ["Python", "SQL", "Scala", "C++", "Java"],
        "fw": [
            "PyTorch",
            "Scikit-learn",
            "XGBoost",
            "TensorFlow",
            "Hugging Face Transformers",
            "LightGBM",
            "JAX",
        ],
        "data": ["Spark", "Pandas", "Hive", "BigQuery", "Airflow", "Snowflake"],
        "infra": ["Docker", "Kubernetes", "MLflow", "SageMaker", "Ray"],
        "tech": [
            "LLMs",
            "learning to rank",
            "recommendation systems",
            "NLP",
            "computer vision",
            "A/B testing",
            "causal inference",
            "reinforcement learning",
            "time-series forecasting",
            "transformers",
        ],
    },
    "data_analyst": {
        "lang": ["SQL", "Python", "R"],
        "fw": ["Pandas", "Scikit-learn", "statsmodels"],
        "data": ["Snowflake", "BigQuery", "dbt", "Redshift", "PostgreSQL", "Databricks"],
        "infra": ["Git", "Jupyter", "Airflow", "Hex"],
        "tech": [
            "A/B testing",
            "dashboarding",
            "cohort analysis",
            "statistical testing",
            "forecasting",
            "data modeling",
            "funnel analysis",
        ],
    },
    "other": {
        "lang": ["Python", "SQL", "Go", "Java"],
        "fw": ["PyTorch", "TensorFlow", "Scikit-learn", "Hugging Face Transformers"],
        "data": ["Spark", "Snowflake", "Databricks", "Kafka", "BigQuery"],
        "infra": ["Docker", "Kubernetes", "MLflow", "Terraform", "SageMaker"],
        "tech": [
            "LLMs",
            "A/B testing",
            "transformers",
            "retrieval-augmented generation",
            "MLOps",
            "computer vision",
        ],
    },
}
_CLOUD_PAIRS = [("AWS", 50), ("GCP", 30), ("Azure", 20)]
_BI_PAIRS = [("Tableau", 30), ("Looker", 25), ("Power BI", 18), ("Mode", 8), ("Metabase", 6)]
_ZIPF_S = 1.05

# category -> how many distinct values each posting draws
_SKILL_COUNTS = (("lang", 2), ("fw", 2), ("data", 3), ("infra", 3), ("tech", 3))


def _zipf_table(items):
    return tuple(items), _cum(1.0 / (r + 1) ** _ZIPF_S for r in range(len(items)))


_SKILL_TABLES = {
    fam: tuple((cat, k, *_zipf_table(cats[cat])) for cat, k in _SKILL_COUNTS)
    for fam, cats in _SKILLS.items()
}
_CLOUD_VALUES, _CLOUD_CW = _weighted(_CLOUD_PAIRS)
_BI_VALUES, _BI_CW = _weighted(_BI_PAIRS)

#: Every skill name the generator can emit (useful for tests and for tagging).
ALL_SKILLS = frozenset(
    s for cats in _SKILLS.values() for lst in cats.values() for s in lst
) | frozenset(v for v, _ in _CLOUD_PAIRS + _BI_PAIRS)

# --------------------------------------------------------------------------------------------
# Titles
# --------------------------------------------------------------------------------------------

_TITLE_BASES = {
    "ml_engineer": _weighted(
        [
            ("Machine Learning Engineer", 10),
            ("ML Engineer", 4),
            ("AI Engineer", 3),
            ("Software Engineer, Machine Learning", 3),
        ]
    ),
    "data_scientist": _weighted(
        [("Data Scientist", 10), ("Product Data Scientist", 2), ("Decision Scientist", 1)]
    ),
    "data_engineer": _weighted(
        [("Data Engineer", 10), ("Analytics Engineer", 3), ("Data Platform Engineer", 2)]
    ),
    "research_scientist": _weighted(
        [("Research Scientist", 10), ("Research Engineer", 5), ("Machine Learning Researcher", 2)]
    ),
    "mlops": _weighted(
        [
            ("MLOps Engineer", 8),
            ("ML Platform Engineer", 5),
            ("ML Infrastructure Engineer", 4),
            ("Site Reliability Engineer, ML", 1),
        ]
    ),
    "applied_scientist": _weighted([("Applied Scientist", 10), ("Applied ML Scientist", 3)]),
    "data_analyst": _weighted(
        [
            ("Data Analyst", 10),
            ("Product Analyst", 4),
            ("Business Intelligence Analyst", 3),
            ("Analytics Analyst", 1),
        ]
    ),
    "other": _weighted(
        [
            ("Product Manager, Machine Learning", 5),
            ("Engineering Manager, Machine Learning", 4),
            ("Technical Program Manager, AI", 3),
            ("AI Solutions Architect", 3),
            ("Developer Advocate, Machine Learning", 2),
        ]
    ),
}
_INTERN_TITLES = {
    "ml_engineer": (
        "Machine Learning Engineering Intern",
        "ML Engineering Intern",
        "AI Engineer Intern",
    ),
    "data_scientist": ("Data Science Intern", "Data Scientist Intern"),
    "data_engineer": ("Data Engineering Intern",),
    "research_scientist": ("Research Scientist Intern", "Research Intern, Machine Learning"),
    "mlops": ("MLOps Engineering Intern", "ML Infrastructure Intern"),
    "applied_scientist": ("Applied Scientist Intern",),
    "data_analyst": ("Data Analyst Intern", "Business Intelligence Intern"),
    "other": ("AI Product Management Intern",),
}
_SPECIALIZATIONS = {
    "ml_engineer": (
        "Ranking",
        "Recommendations",
        "Search",
        "Personalization",
        "Ads",
        "Fraud Detection",
        "Computer Vision",
        "NLP",
        "LLM Platform",
        "Speech",
        "Forecasting",
        "Perception",
        "Generative AI",
    ),
    "data_scientist": (
        "Growth",
        "Experimentation",
        "Pricing",
        "Marketing",
        "Risk",
        "Supply Chain",
        "Causal Inference",
        "Trust & Safety",
    ),
    "data_engineer": ("Streaming", "Data Platform", "ML Data", "Ingestion", "Analytics"),
    "research_scientist": (
        "Computer Vision",
        "NLP",
        "Reinforcement Learning",
        "Generative Models",
        "Speech",
        "Robotics",
        "Alignment",
        "Efficient ML",
    ),
    "mlops": ("Model Serving", "Training Infrastructure", "GPU Infrastructure", "Feature Store"),
    "applied_scientist": (
        "Search",
        "Ads",
        "Recommendations",
        "Forecasting",
        "NLP",
        "Computer Vision",
    ),
    "data_analyst": ("Marketing", "Finance", "Operations", "Product"),
    "other": (),
}
_DEFAULT_TEAM = {
    "ml_engineer": "Machine Learning",
    "data_scientist": "Data Science",
    "data_engineer": "Data Platform",
    "research_scientist": "Research",
    "mlops": "ML Platform",
    "applied_scientist": "Applied Science",
    "data_analyst": "Analytics",
    "other": "AI",
}
_TITLE_FORMS = {
    "junior": _weighted([("Junior {}", 5), ("Associate {}", 2), ("{} I", 2), ("Graduate {}", 1)]),
    "mid": _weighted([("{}", 8), ("{} II", 2)]),
    "senior": _weighted([("Senior {}", 10), ("Sr. {}", 1)]),
    "lead": _weighted([("Staff {}", 5), ("Lead {}", 4)]),
    "principal": _weighted([("Principal {}", 9), ("Distinguished {}", 1)]),
}
# Titles that already contain a comma get the specialization in parentheses instead.
_YEARS = {"junior": "1", "mid": "3", "senior": "5", "lead": "8", "principal": "10"}

# --------------------------------------------------------------------------------------------
# Description templates
# --------------------------------------------------------------------------------------------

_DO_SHARED = (
    (
        "Collaborate with product managers, designers and engineers to turn ambiguous problems "
        "into well-scoped {tech0} projects."
    ),
    "Write clean, tested, well-documented {lang0} code and review your teammates' changes.",
    "Share what you learn through design docs, demos and internal talks.",
    "Mentor other engineers and scientists and help raise the bar for {team} at {company}.",
)
_DO = {
    "ml_engineer": (
        "Design, train and ship {fw0} models that power {product}.",
        (
            "Build and maintain feature pipelines on {data0} and {data1} that serve both training "
            "and online inference."
        ),
        "Own models end to end: from offline evaluation to {tech2} experiments in production.",
        "Deploy and scale low-latency inference services on {cloud} with {infra0} and {infra1}.",
        "Apply {tech0} and {tech1} to improve the quality of {product}.",
        "Profile and optimize training and serving code in {lang0} and {lang1}.",
        "Set up monitoring for data drift and model quality in production.",
        "Improve our experimentation framework so the team can iterate faster on {tech1}.",
    ),
    "data_scientist": (
        "Design and analyze A/B tests that shape the roadmap for {product}.",
        "Build predictive models with {fw0} and {fw1} to forecast demand, churn and revenue.",
        (
            "Query and transform large datasets with {lang1} and {data0} to answer open-ended "
            "product questions."
        ),
        "Apply {tech0} and {tech1} to quantify the impact of new features.",
        "Define and maintain north-star metrics and dashboards in {bi}.",
        "Partner with engineering to productionize models using {infra0} and {data1}.",
        "Present findings and recommendations to leadership in clear, concise writing.",
        "Develop {tech2} methods that scale to millions of users.",
    ),
    "data_engineer": (
        (
            "Design, build and operate batch and streaming pipelines with {data0}, {data1} and "
            "{data2}."
        ),
        "Model core business entities in the warehouse and keep them documented and tested.",
        "Own pipeline orchestration and make pipelines reliable and observable.",
        "Build the ingestion layer that feeds {product} with fresh, high-quality data.",
        "Apply {tech0} and {tech1} best practices across the data platform.",
        "Automate infrastructure and CI/CD on {cloud} with {infra1} and {infra2}.",
        "Work with ML engineers to build training datasets and feature pipelines for {product}.",
        "Reduce warehouse costs and query latency through partitioning and incremental models.",
    ),
    "research_scientist": (
        "Conduct original research on {tech0} and {tech1} and publish at top venues.",
        "Prototype new architectures in {fw0} and explore {tech2} at scale.",
        "Design rigorous evaluations and benchmarks for {tech0} systems.",
        "Turn research breakthroughs into capabilities that ship in {product}.",
        "Train large models on our GPU clusters and track experiments with {infra1}.",
        "Stay on top of the literature and identify promising new research directions.",
        "Collaborate with academic partners and mentor research interns.",
        "Write efficient kernels and training loops in {lang0} and {lang1}.",
    ),
    "mlops": (
        "Build and operate the platform that trains and serves models for {product}.",
        "Run GPU training and inference workloads on {cloud} using {infra0} and {infra2}.",
        "Own the model registry and deployment workflows, today built around {infra1}.",
        "Implement {tech0} and {tech1} so that teams can ship models safely and quickly.",
        "Improve reliability, observability and cost efficiency of our {cloud} ML stack.",
        "Create CI/CD pipelines that validate data, models and {fw0} artifacts.",
        "Optimize inference latency and cost for {fw0} models.",
        "Provide self-service tooling in {lang0} for data scientists and ML engineers.",
    ),
    "applied_scientist": (
        "Develop {tech0} models with {fw0} that directly improve {product}.",
        (
            "Formulate business problems as machine learning problems and own them from "
            "research to production."
        ),
        "Run online experiments and use {tech1} to measure impact.",
        "Build large-scale training datasets with {data0} and {lang1}.",
        "Publish internal research and, where possible, papers at leading conferences.",
        "Work closely with engineers to deploy models on {infra0} in {cloud}.",
        "Explore {tech2} to unlock new product capabilities.",
    ),
    "data_analyst": (
        "Build and maintain dashboards in {bi} used by teams across {company}.",
        "Write complex {lang0} queries against {data0} to answer business questions.",
        "Analyze experiments and product funnels to inform product decisions.",
        "Develop data models together with the analytics engineering team, working in {data1}.",
        "Automate recurring reporting with {lang1} and {infra2}.",
        "Translate data into clear recommendations for stakeholders in {team}.",
        "Identify trends and opportunities through {tech1} and {tech2}.",
    ),
    "other": (
        "Define the strategy and roadmap for {tech0}-powered features in {product}.",
        "Work with ML engineers and researchers to scope, prioritize and deliver projects.",
        "Translate customer needs into clear requirements for models built with {fw0}.",
        "Track success metrics and validate launches with offline evaluation and A/B tests.",
        "Coordinate cross-functional launches and communicate progress to leadership.",
        "Help customers and partners adopt {tech2} on {cloud}.",
    ),
}
_REQ_SHARED = (
    "Strong communication skills and a collaborative, low-ego working style.",
    "Curiosity and eagerness to learn new tools and techniques.",
    "A product mindset and care for the people who use what you build.",
)
_REQ = {
    "ml_engineer": (
        "Strong programming skills in {lang0}; experience with {lang1} is a plus.",
        "Hands-on experience training and deploying models with {fw0} or {fw1}.",
        "Solid understanding of machine learning fundamentals, {tech0} and {tech1}.",
        "Experience building data pipelines with {data0} or similar tools.",
        "Experience shipping ML systems to production with {infra0} and {infra1}.",
        "Familiarity with {tech2} and offline/online evaluation.",
    ),
    "data_scientist": (
        "Fluency in {lang0} and {lang1} for analysis and modeling.",
        "Strong background in statistics, {tech0} and {tech1}.",
        "Experience with {fw0}, {fw1} and the PyData stack ({data0}).",
        "BS or MS in Statistics, Economics, Computer Science or another quantitative field.",
        "Ability to communicate complex results to non-technical audiences.",
        "Experience with {bi} or similar visualization tools.",
    ),
    "data_engineer": (
        "Expert {lang0} and strong {lang1} skills.",
        "Production experience with {data0}, {data1} and {data2}.",
        "Solid grasp of {tech0}, {tech1} and data warehousing concepts.",
        "Experience with {infra0}, {infra1} and CI/CD.",
        "A track record of building reliable, well-tested data pipelines at scale.",
        "Experience running data infrastructure on {cloud}.",
    ),
    "research_scientist": (
        (
            "PhD in Machine Learning, Computer Science or a related field, or equivalent "
            "research experience."
        ),
        "Publications at top venues such as NeurIPS, ICML, ICLR, CVPR or ACL.",
        "Deep expertise in {tech0} and hands-on experience with {tech1}.",
        "Proficiency in {lang0} and {fw0}; experience with {fw1} is a plus.",
        "Experience with large-scale experiments and {tech2}.",
        "Ability to pick up a research problem and drive it independently.",
    ),
    "mlops": (
        "Strong software engineering skills in {lang0} and {lang1}.",
        "Production experience with {infra0}, {infra1} and {infra2}.",
        "Experience operating ML workloads on {cloud}, ideally with GPUs.",
        "Understanding of the ML lifecycle and frameworks like {fw0}.",
        "Experience with {tech0} and {tech1}.",
        "Experience with observability stacks and on-call for production systems.",
    ),
    "applied_scientist": (
        "MS or PhD in Computer Science, Machine Learning, Statistics or a related field.",
        "Hands-on experience with {fw0} and {fw1}.",
        "Strong knowledge of {tech0} and {tech1}.",
        "Proficiency in {lang0} and {lang1}; comfortable working with {data0}.",
        "Experience taking models from prototype to production.",
        "A track record of measurable impact through {tech2}.",
    ),
    "data_analyst": (
        "Advanced {lang0} and working knowledge of {lang1}.",
        "Experience building dashboards in {bi}.",
        "Experience with {data0} and {data1}.",
        "Solid understanding of {tech0} and {tech1}.",
        "Strong business acumen and attention to detail.",
    ),
    "other": (
        "Experience working with ML teams on products powered by {tech0}.",
        "Technical fluency: able to read {lang0} and discuss trade-offs of {fw0} models.",
        "Strong written and verbal communication skills.",
        "Experience with {cloud} and modern ML tooling such as {infra0}.",
        "Track record of delivering complex cross-functional projects.",
    ),
}
_NICE = {
    "ml_engineer": (
        "Experience with {tech2} at scale.",
        "Contributions to open-source ML projects such as {fw1}.",
        "Experience with GPU programming (CUDA) or model quantization.",
        "Experience with streaming systems such as {data1}.",
        "Experience with {infra2}.",
    ),
    "data_scientist": (
        "Experience with {tech2}.",
        "Experience deploying models with {infra0}.",
        "Experience with {data1} or dbt.",
        "A PhD in a quantitative field.",
    ),
    "data_engineer": (
        "Experience with {tech2}.",
        "Experience supporting ML feature pipelines.",
        "Familiarity with {fw0}.",
        "Experience with data governance and privacy regulations (GDPR, CCPA).",
    ),
    "research_scientist": (
        "Experience with {lang1} or writing custom GPU kernels.",
        "Open-source contributions to {fw1} or related libraries.",
        "Experience running large-scale jobs with Slurm or Ray.",
        "Experience with {tech2}.",
    ),
    "mlops": (
        "Experience with {tech2}.",
        "Familiarity with {data0} and feature stores.",
        "Contributions to open-source infrastructure projects.",
        "Experience with {fw1} or LLM serving frameworks.",
    ),
    "applied_scientist": (
        "Publications at NeurIPS, ICML, KDD, SIGIR or similar venues.",
        "Experience with {infra1}.",
        "Experience with LLMs and transformers.",
    ),
    "data_analyst": (
        "Experience with {fw0}.",
        "Familiarity with {tech2}.",
        "Experience in a high-growth startup.",
    ),
    "other": (
        "Hands-on experience building ML models.",
        "Experience with {tech1}.",
        "Background in {tech2}.",
    ),
}
_BENEFITS_SHARED = (
    "Annual learning and conference budget.",
    "Home-office setup allowance.",
    "Generous parental leave.",
    "Mental health and wellbeing support.",
    "Dedicated GPU budget for side projects and experiments.",
    "Equity in a fast-growing company.",
    "Flexible working hours.",
)
_BENEFITS_LOCAL = {
    "US": (
        "Medical, dental and vision insurance with premiums fully covered.",
        "401(k) plan with company match.",
        "Flexible PTO with a 20-day minimum.",
    ),
    "EU": (
        "30 days of paid vacation.",
        "Company pension scheme.",
        "Public transport ticket or bike leasing.",
    ),
    "GB": (
        "Private medical insurance.",
        "Pension with employer contributions.",
        "25 days holiday.",
    ),
    "OTHER": ("Comprehensive health insurance.", "Relocation support.", "Wellness allowance."),
}
_HYBRID_DAYS = ("two", "two", "three", "three", "three", "four")

_INTRO_OPENERS = (
    "{company_desc} We're looking for {article} {title} to join the {team} team in {city}.",
    "{company_desc} The {team} team is growing and we're hiring {article} {title} in {city}.",
    "{company_desc} Join our {team} team as {article} {title} and help us build {product}.",
)
_INTRO_ROLE = (
    " You'll work on {product}, using {tech0} to solve real customer problems.",
    " The team owns {product} and ships improvements every week.",
    " You'll join a small, senior team with a lot of ownership.",
    "",
)

# --------------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------------

_COINED = (
    "Northwind",
    "Helio",
    "Quillon",
    "Tessaly",
    "Corvane",
    "Ondrel",
    "Varnholt",
    "Brightmere",
    "Zephyrine",
    "Meridel",
    "Solvane",
    "Kestrelia",
    "Avalux",
    "Nimbra",
    "Pelleas",
    "Veridane",
    "Lumora",
    "Sablewood",
    "Tidewell",
    "Ferrowin",
    "Halvard",
    "Mirabel",
    "Novalith",
    "Paxeon",
    "Rhenova",
    "Selkirk",
    "Valtora",
    "Wrenfield",
    "Yarrowby",
    "Zentrio",
    "Aldermoor",
    "Calloway",
    "Driftwell",
    "Emberly",
    "Fennick",
    "Galloran",
    "Ilvana",
    "Kalvera",
    "Maplewick",
    "Nerova",
    "Orvella",
    "Quintara",
    "Ravenholt",
    "Stellan",
    "Torvik",
    "Ulmara",
    "Vesper Vale",
    "Wintergale",
)
_ADJ = (
    "Blue",
    "Iron",
    "Silver",
    "Cedar",
    "Granite",
    "Amber",
    "Copper",
    "Quiet",
    "Northern",
    "Bright",
    "Hollow",
    "Crimson",
    "Golden",
    "Misty",
    "Little",
    "Tall",
)
_NOUN = (
    "Harbor",
    "Meadow",
    "Ridge",
    "Finch",
    "Pine",
    "Forge",
    "Wren",
    "Brook",
    "Heron",
    "Lantern",
    "Orchard",
    "Summit",
    "Otter",
    "Fern",
    "Quarry",
    "Comet",
)
_AVOID = frozenset({"Silver Lake", "Golden Field", "Blue Heron", "Iron Forge", "Bright Summit"})

# sector -> (name suffixes, product areas used in postings, company description sentences)
_SECTORS = {
    "ai": (
        ("AI", "Labs", "Intelligence", "Machines"),
        (
            "our foundation model APIs",
            "an enterprise LLM assistant",
            "our document understanding platform",
            "agentic workflows for enterprise customers",
        ),
        (
            (
                "{name} builds large language model tooling that helps enterprises automate "
                "knowledge work."
            ),
            "{name} develops foundation models for document understanding and search.",
            "{name} is an applied AI lab building assistants for customer support teams.",
        ),
    ),
    "analytics": (
        ("Analytics", "Data", "Insights"),
        (
            "our self-serve analytics product",
            "automated forecasting for thousands of customers",
            "anomaly detection across billions of events",
        ),
        (
            "{name} makes product analytics and forecasting accessible to every team.",
            "{name} provides a data platform that turns raw event streams into decisions.",
        ),
    ),
    "robotics": (
        ("Robotics", "Autonomy", "Dynamics"),
        (
            "perception for warehouse robots",
            "motion planning for autonomous forklifts",
            "our fleet of inspection drones",
        ),
        (
            "{name} builds autonomous mobile robots for warehouses and factories.",
            "{name} develops perception and control software for industrial robots.",
        ),
    ),
    "fintech": (
        ("Pay", "Capital", "Finance", "Ledger"),
        (
            "real-time fraud detection",
            "credit risk models for small businesses",
            "transaction categorization for millions of accounts",
            "anti-money-laundering monitoring",
        ),
        (
            "{name} is a fintech company building modern payment and lending infrastructure.",
            "{name} offers business banking and spend management to growing companies.",
            "{name} uses machine learning to make credit fairer and faster.",
        ),
    ),
    "health": (
        ("Health", "Bio", "Therapeutics", "Genomics", "Medical"),
        (
            "clinical decision support tools",
            "medical imaging models",
            "protein structure prediction",
            "patient triage and scheduling",
        ),
        (
            (
                "{name} applies machine learning to medical imaging to help clinicians diagnose "
                "disease earlier."
            ),
            "{name} is a techbio company using deep learning to accelerate drug discovery.",
            "{name} builds digital health tools used by hospitals and clinics.",
        ),
    ),
    "retail": (
        ("Commerce", "Retail", "Market", "Goods"),
        (
            "search and recommendations for millions of shoppers",
            "dynamic pricing",
            "demand forecasting for thousands of stores",
            "personalized marketing",
        ),
        (
            "{name} runs an online marketplace connecting independent brands with shoppers.",
            "{name} builds commerce software for modern retailers.",
        ),
    ),
    "logistics": (
        ("Logistics", "Freight", "Mobility"),
        ("route optimization", "ETA prediction", "demand forecasting for our delivery network"),
        (
            "{name} is modernizing freight with a data-driven logistics platform.",
            "{name} operates a last-mile delivery network powered by machine learning.",
        ),
    ),
    "security": (
        ("Security", "Shield", "Defense"),
        ("threat detection models", "malware classification", "identity risk scoring"),
        (
            "{name} protects companies from cyber attacks with ML-driven threat detection.",
            "{name} builds identity and access security for cloud-native companies.",
        ),
    ),
    "climate": (
        ("Energy", "Climate", "Grid"),
        ("grid load forecasting", "satellite-based emissions monitoring", "battery optimization"),
        (
            "{name} uses satellite data and machine learning to measure emissions.",
            "{name} builds forecasting software that helps utilities integrate renewables.",
        ),
    ),
    "media": (
        ("Media", "Audio", "Games", "Studios"),
        ("content recommendations", "speech recognition and synthesis", "player matchmaking"),
        (
            "{name} is a consumer audio app with millions of monthly listeners.",
            "{name} builds games and creative tools powered by generative AI.",
        ),
    ),
    "software": (
        ("Cloud", "Systems", "Software", "Works"),
        ("our developer platform", "AI-powered code search", "log analytics"),
        (
            "{name} builds developer tools used by thousands of engineering teams.",
            "{name} provides a cloud platform for running data and AI workloads.",
        ),
    ),
}
_SECTOR_WEIGHTS = (
    ("ai", 22),
    ("analytics", 12),
    ("robotics", 8),
    ("fintech", 14),
    ("health", 12),
    ("retail", 9),
    ("logistics", 6),
    ("security", 6),
    ("climate", 5),
    ("media", 5),
    ("software", 9),
)
_SECTOR_VALUES, _SECTOR_CW = _weighted(_SECTOR_WEIGHTS)
_SUFFIX_TO_SECTOR = {suf: sec for sec, (sufs, _, _) in _SECTORS.items() for suf in sufs}
_COMPANY_TAILS = (
    "",
    "",
    " Founded in {year}, the company now has around {size} employees.",
    " The team of about {size} people is headquartered in {city}.",
    " The company is backed by leading venture investors and growing quickly.",
)

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _slugify(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower()).strip("-")


def generate_companies(seed: int) -> list[dict]:
    """Return ~120 fictional companies, deterministic for a given ``seed``."""
    rng = random.Random(f"companies:{seed}")
    compounds = [f"{a} {n}" for a in _ADJ for n in _NOUN if f"{a} {n}" not in _AVOID]
    bases = rng.sample(_COINED, 45) + rng.sample(compounds, 75)
    rng.shuffle(bases)
    companies: list[dict] = []
    slugs: set[str] = set()
    choices = rng.choices
    for base in bases:
        sector = choices(_SECTOR_VALUES, cum_weights=_SECTOR_CW)[0]
        suffixes, _, desc_templates = _SECTORS[sector]
        name = f"{base} {rng.choice(suffixes)}"
        slug = _slugify(name)
        if slug in slugs:  # pragma: no cover - bases are unique, kept as a safety net
            continue
        slugs.add(slug)
        city, _, country, _, _ = _CITIES[choices(range(len(_CITIES)), cum_weights=_CITY_CW)[0]]
        description = rng.choice(desc_templates).format(name=name) + rng.choice(
            _COMPANY_TAILS
        ).format(
            year=rng.randint(2008, 2023),
            size=rng.choice((30, 60, 80, 120, 200, 350, 500, 900, 1500, 3000)),
            city=city,
        )
        companies.append(
            {
                "name": name,
                "slug": slug,
                "website": f"https://{slug}.example",
                "description": description,
                "city": city,
                "country": country,
            }
        )
    return companies


# --------------------------------------------------------------------------------------------
# Postings
# --------------------------------------------------------------------------------------------


def _nice(x: float) -> int:
    """Round to a 'nice' number (two to three significant digits, multiple of 5)."""
    if x < 100:
        return max(1, round(x))
    step = 5 * 10 ** (int(math.log10(x)) - 2)
    return int(round(x / step) * step)


def _pick_unique(choices, values, cw, k):
    draws = choices(values, cum_weights=cw, k=k + 3)
    out: list[str] = []
    for d in draws:
        if d not in out:
            out.append(d)
            if len(out) == k:
                return out
    for v in values:  # rare fallback: fill deterministically with the most popular
        if v not in out:
            out.append(v)
            if len(out) == k:
                break
    return out


def _benefit_group(country: str) -> str:
    if country == "US":
        return "US"
    if country == "GB":
        return "GB"
    if country in _EU:
        return "EU"
    return "OTHER"


def _bullets(items) -> str:
    return "\n".join("- " + s for s in items)


def generate_postings(n: int, *, seed: int, now: datetime, companies: list[dict]) -> Iterator[dict]:
    """Yield ``n`` posting dicts, deterministic for a given ``seed`` and ``now``.

    ``now`` must be timezone-aware; all datetimes produced share its tzinfo.
    ``companies`` is the list returned by :func:`generate_companies` (or anything with
    ``name``, ``slug``, ``description``, ``city`` and ``country`` keys).

    Pay is all or nothing: about 12% of postings have ``salary_min``/``salary_max`` ``None``
    together with ``salary_currency == salary_period == ""``. Exactly one of ``apply_url`` and
    ``apply_email`` is set, the other is ``None``. ``remote_regions`` is ``[]`` unless the
    posting is remote. Each posting's ``key`` is ``f"demo-{seed}-{i}"``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    if not companies:
        raise ValueError("companies must not be empty")

    rng = random.Random(seed)
    rand = rng.random
    choices = rng.choices
    choice = rng.choice
    randrange = rng.randrange
    uniform = rng.uniform
    sample = rng.sample

    # Per-company data: Zipf-like posting volume, size factor (visa), HQ city, sector.
    crng = random.Random(f"company-weights:{seed}")
    order = list(range(len(companies)))
    crng.shuffle(order)
    comp_weight = [0.0] * len(companies)
    for rank, idx in enumerate(order):
        comp_weight[idx] = 1.0 / (rank + 1) ** 0.5
    comp_cw = _cum(comp_weight)
    comp_info = []
    for c in companies:
        last = c["name"].rsplit(" ", 1)[-1]
        sector = _SUFFIX_TO_SECTOR.get(last, "ai")
        comp_info.append(
            (
                c["slug"],
                c["name"],
                c.get("description", ""),
                _CITY_INDEX.get((c.get("city"), c.get("country"))),
                _SECTORS[sector][1],
                crng.uniform(0.4, 1.5),
            )
        )
    comp_range = range(len(companies))
    city_range = range(len(_CITIES))

    intern_season_year = now.year + 1 if now.month >= 8 else now.year
    day = 86_400

    for i in range(n):
        key = f"demo-{seed}-{i}"
        slug, cname, cdesc, hq, products, size_factor = comp_info[
            choices(comp_range, cum_weights=comp_cw)[0]
        ]

        seniority = choices(_SENIORITY_VALUES, cum_weights=_SENIORITY_CW)[0]
        family = choices(_FAMILY_VALUES, cum_weights=_FAMILY_CW)[0]

        # ---- title ------------------------------------------------------------------------
        specs = _SPECIALIZATIONS[family]
        spec = choice(specs) if specs and rand() < 0.45 else None
        if seniority == "intern":
            title = choice(_INTERN_TITLES[family])
            if rand() < 0.3:
                title = f"{title} (Summer {intern_season_year})"
            employment = choices(_INTERN_EMPLOYMENT_VALUES, cum_weights=_INTERN_EMPLOYMENT_CW)[0]
        else:
            bvals, bcw = _TITLE_BASES[family]
            base = choices(bvals, cum_weights=bcw)[0]
            fvals, fcw = _TITLE_FORMS[seniority]
            form = choices(fvals, cum_weights=fcw)[0]
            if "," in base and form.startswith("{}"):
                form = "{}"  # "Product Manager, Machine Learning II" reads badly
            title = form.format(base)
            if spec:
                title = f"{title} ({spec})" if "," in base else f"{title}, {spec}"
            employment = choices(_EMPLOYMENT_VALUES, cum_weights=_EMPLOYMENT_CW)[0]
        team = spec or _DEFAULT_TEAM[family]

        # ---- location -----------------------------------------------------------------------
        ci = hq if hq is not None and rand() < 0.6 else choices(city_range, cum_weights=_CITY_CW)[0]
        city, region, country, _, city_mult = _CITIES[ci]
        workplace = choices(_WORKPLACE_VALUES, cum_weights=_WORKPLACE_CW)[0]
        if seniority == "intern" and workplace == "remote" and rand() < 0.6:
            workplace = "hybrid"
        if workplace == "remote":
            rvals, rcw = _REMOTE[country]
            remote_regions = list(choices(rvals, cum_weights=rcw)[0])
        else:
            remote_regions = []

        # ---- pay ----------------------------------------------------------------------------
        currency, centre, visa_base, monthly_p, intern_factor = _COUNTRIES[country]
        if rand() < 0.12:
            # Pay is all or nothing (matches the DB constraint): no range, no currency/period.
            salary_min = salary_max = None
            currency = period = ""
        else:
            annual = centre * city_mult * _FAMILY_PAY[family] * uniform(0.9, 1.1)
            if seniority == "intern":
                annual *= intern_factor
                hourly = country in ("US", "CA") or employment == "part_time"
                period = "hour" if hourly else "month"
            else:
                annual *= _SENIORITY_PAY[seniority]
                if employment == "full_time":
                    period = "month" if monthly_p and rand() < monthly_p else "year"
                elif employment == "contract":
                    annual *= 1.3
                    r = rand()
                    if r < 0.25:
                        period = "year"
                    elif country in _HOURLY_CONTRACT:
                        period = "hour"
                    else:
                        period = "day" if r < 0.85 else "hour"
                elif employment == "part_time":
                    period = "hour"
                else:  # temporary
                    period = "month" if rand() < 0.5 else "year"
            if period == "year":
                amount = annual
            elif period == "month":
                amount = annual / 12
            elif period == "day":
                amount = annual / _DAYS_PER_YEAR
            else:
                amount = annual / _HOURS_PER_YEAR
            ratio = rng.triangular(1.15, 1.5, 1.25)
            lo = amount * 2 / (1 + ratio)
            salary_min = _nice(lo)
            salary_max = _nice(lo * ratio)
            if salary_max <= salary_min:
                salary_max = _nice(salary_min * 1.2)
                if salary_max <= salary_min:
                    salary_max = salary_min + 1
        # ---- visa / apply -------------------------------------------------------------------
        p_visa = visa_base * size_factor
        if workplace == "remote":
            p_visa *= 0.25
        if employment in ("contract", "temporary", "part_time"):
            p_visa *= 0.3
        visa = rand() < p_visa
        if rand() < 0.85:
            apply_url = f"https://{slug}.example/careers/{key}"
            apply_email = None
        else:
            apply_url = None
            apply_email = f"jobs@{slug}.example"

        # ---- status & dates ---------------------------------------------------------------
        status = choices(_STATUS_VALUES, cum_weights=_STATUS_CW)[0]
        if status == "published":
            published_at = now - timedelta(seconds=randrange(28 * day))
            expires_at = published_at + timedelta(days=30)
            created_at = published_at - timedelta(seconds=randrange(3 * day))
        elif status == "expired":
            published_at = now - timedelta(seconds=randrange(31 * day, 90 * day))
            expires_at = published_at + timedelta(days=30)
            created_at = published_at - timedelta(seconds=randrange(3 * day))
        elif status == "closed":
            published_at = now - timedelta(seconds=randrange(90 * day))
            expires_at = published_at + timedelta(days=30)
            created_at = published_at - timedelta(seconds=randrange(3 * day))
        else:
            published_at = expires_at = None
            created_at = now - timedelta(seconds=randrange(14 * day))

        # ---- description ------------------------------------------------------------------
        fam_tables = _SKILL_TABLES[family]
        ctx = {
            "company": cname,
            "company_desc": cdesc,
            "title": title,
            "article": "an" if title[0] in "AEIOU" or title.startswith("ML") else "a",
            "team": team,
            "city": city,
            "product": choice(products),
            "cloud": choices(_CLOUD_VALUES, cum_weights=_CLOUD_CW)[0],
            "bi": choices(_BI_VALUES, cum_weights=_BI_CW)[0],
        }
        for cat, k, vals, cw in fam_tables:
            picked = _pick_unique(choices, vals, cw, k)
            for j in range(k):
                ctx[f"{cat}{j}"] = picked[j]

        intro = choice(_INTRO_OPENERS).format_map(ctx) + choice(_INTRO_ROLE).format_map(ctx)
        if workplace == "remote":
            intro += " This is a fully remote role open to candidates based in " + (
                " or ".join(_COUNTRY_NAMES.get(r, r) for r in remote_regions) + "."
            )
        elif workplace == "hybrid":
            days = choice(_HYBRID_DAYS)
            intro += f" This is a hybrid role with {days} days a week in our {city} office."
        else:
            intro += f" This role is based on-site in our {city} office."

        do_pool = _DO[family]
        n_do = randrange(4, 8)
        do_items = sample(do_pool, min(n_do, len(do_pool)))
        if len(do_items) < n_do:
            do_items += sample(_DO_SHARED, n_do - len(do_items))
        elif seniority in ("lead", "principal"):
            do_items[-1] = _DO_SHARED[3]

        req_pool = _REQ[family]
        if seniority == "intern":
            first_req = (
                "Currently pursuing a BS, MS or PhD in Computer Science, Statistics or a "
                "related field."
            )
        else:
            first_req = f"{_YEARS[seniority]}+ years of professional experience in a similar role."
        n_req = randrange(3, 7)
        req_items = [first_req, *sample(req_pool, min(n_req, len(req_pool)))]
        if rand() < 0.4:
            req_items.append(choice(_REQ_SHARED))

        parts = [
            intro,
            "## What you'll do\n\n" + _bullets(s.format_map(ctx) for s in do_items),
            "## What we're looking for\n\n" + _bullets(s.format_map(ctx) for s in req_items),
        ]
        if rand() < 0.6:
            nice_pool = _NICE[family]
            parts.append(
                "## Nice to have\n\n"
                + _bullets(s.format_map(ctx) for s in sample(nice_pool, min(2, len(nice_pool))))
            )
        if rand() < 0.65:
            local = _BENEFITS_LOCAL[_benefit_group(country)]
            parts.append(
                "## Benefits\n\n" + _bullets(sample(local, 2) + sample(_BENEFITS_SHARED, 2))
            )
        description = "\n\n".join(parts) + "\n"

        yield {
            "key": key,
            "company_slug": slug,
            "title": title,
            "description": description,
            "seniority": seniority,
            "role_family": family,
            "employment_type": employment,
            "workplace": workplace,
            "city": city,
            "region": region,
            "country": country,
            "remote_regions": remote_regions,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "salary_currency": currency,
            "salary_period": period,
            "visa_sponsorship": visa,
            "apply_url": apply_url,
            "apply_email": apply_email,
            "status": status,
            "created_at": created_at,
            "published_at": published_at,
            "expires_at": expires_at,
        }


def bench(n: int = 100_000, seed: int = 1) -> float:
    """Generate ``n`` postings and return the throughput in postings per second."""
    companies = generate_companies(seed)
    now = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    start = time.perf_counter()
    count = 0
    for _ in generate_postings(n, seed=seed, now=now, companies=companies):
        count += 1
    elapsed = time.perf_counter() - start
    return count / elapsed


if __name__ == "__main__":  # pragma: no cover
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rate = bench(size)
    print(f"{size} postings: {rate:,.0f} postings/s ({size / rate:.2f} s)")
