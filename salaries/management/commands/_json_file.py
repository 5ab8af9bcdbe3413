"""Reading a JSON data file for a load command, with errors a person can act on."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def load_json_file(path: str, load: Callable[..., Any]) -> tuple[dict, Any]:
    """Parse `path` and pass it to `load(data=...)`; return (data, load's result).

    A missing file, bad JSON or data the service refuses becomes a CommandError naming the
    file, not a traceback.
    """
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        return data, load(data=data)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}: not JSON: {exc}") from exc
    except ValidationError as exc:
        raise CommandError(f"{path}: {'; '.join(exc.messages)}") from exc
