"""Form helpers shared by the postings sub-packages."""

from __future__ import annotations

from typing import Any


class LabelsMixin:
    """Labels without Django's trailing colon: required fields get an asterisk in CSS."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
