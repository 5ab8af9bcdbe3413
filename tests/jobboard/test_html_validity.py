"""The public pages are valid HTML by the Nu HTML checker (vnu.jar, which `make test`
installs from npm and runs on the machine's Java): 0 errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from postings.services import postings_refresh_pay_usd
from postings.tagging.services import postings_tag
from tests.factories import PostingFactory
from tests.salaries.conftest import SMALL_CSV

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR",
        Path(__file__).resolve().parents[2] / ".local/vnu/node_modules/vnu-jar/build/dist/vnu.jar",
    )
)


@pytest.fixture
def pages(client, taxonomy) -> dict[str, str]:
    call_command("import_salaries", str(SMALL_CSV), stdout=io.StringIO(), stderr=io.StringIO())
    made = [
        PostingFactory(title="Senior Vision Engineer",
                       description="**PyTorch** and Kubernetes.\n\n- one\n- two"),
        PostingFactory(title="Remote Data Scientist", workplace="remote", remote_regions=["WW"],
                       description="Python", apply_url="", apply_email="jobs@x.example"),
        PostingFactory(title="Junior MLOps", seniority="junior", unpaid=True,
                       description="Kubernetes"),
    ]  # fmt: skip
    postings_tag(posting_ids=[p.pk for p in made])
    postings_refresh_pay_usd()
    jobs = reverse("postings:list")
    paths = {
        "the job list": jobs,
        "a search": f"{jobs}?q=vision&skills=pytorch&skills=kubernetes&match=all&level=senior"
        "&country=Germany&salary_min=1000&sort=salary",
        "a search with no results": f"{jobs}?q=zyxq&level=intern&skills=pytorh",
        "a posting": made[0].get_absolute_url(),
        "a posting applied for by mail": made[1].get_absolute_url(),
        "the salaries page": reverse("salaries:insights"),
        "the salary calculator": reverse("salaries:calculator")
        + "?role=ml_engineer&level=senior&country=US&percentile=p90",
        "the log-in page": reverse("accounts:login"),
        "the match page, empty": reverse("match:match"),
        "a match with filters and an unknown skill": reverse("match:match")
        + "?have=python&have=pytorch&have=pytorh&level=senior&salary_min=abc",
        "the roles a skill would open": reverse("match:match") + "?have=python&learn=kubernetes",
        "a posting for a seeker's skills": made[0].get_absolute_url() + "?have=python",
    }
    result = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
        result[name] = response.content.decode()
    return result


def test_the_public_pages_have_no_html_errors(pages, tmp_path):
    java = shutil.which("java")
    assert java, "Java is missing: `make test` installs it (apt-get install default-jre-headless)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: `make test` installs it (npm vnu-jar)"
    files = {}
    for i, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page{i}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    checked = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *(str(tmp_path / name) for name in files),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(str(m.get('url')).rsplit('/', 1)[-1])}: line {m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m.get("type") in {"error", "non-document-error"}
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == 12
