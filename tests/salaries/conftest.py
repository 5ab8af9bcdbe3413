from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_CSV = FIXTURES / "small_salaries.csv"
REAL_CSV = Path("/work/shared/data/ai_jobs_salaries/salaries.csv")


@pytest.fixture
def small_survey(db):
    """The small fixture survey imported, with its 2024 bands computed."""
    call_command("import_salaries", str(SMALL_CSV), stdout=_Sink(), stderr=_Sink())


class _Sink:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass
