"""What a web worker loads before its first request, rather than during it.

A worker loads the taxonomy's index, the skill-match board, the search index's reader, the
URL configuration and the templates on its first requests, and its first answer to each
page sets up more (connections, caches, first renders). At a million postings a fresh
worker's first /match/ took 547 ms where the next took 28, and its first search 80 ms where
later ones took 33. With a worker per core and one more, every restart and every replaced
worker showed that to users, and make bench-browse's one-client match figures showed it
too (p99 830 ms). gunicorn runs warm_up after starting each worker, before it takes
requests (post_worker_init in jobboard.gunicorn_conf): it loads those, then answers a
search and a skill match in-process, as gunicorn would hand them over, and throws the
answers away. Both pages only read. Measured on one fresh worker at a million postings:
first /match/ 547 -> 30 ms, first search 80 -> 40 ms, for half a second before the worker
takes requests.
"""

from __future__ import annotations

import logging
import time
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse

logger = logging.getLogger(__name__)

# The pages answered in-process: reads only (no view counted, no form sent). The match
# only when a board is built: without one, /match/ builds it (minutes at a million postings,
# past gunicorn's 30-second limit for a worker that has not started).
_SEARCH = "/jobs/?q=engineer"
_MATCH = "/match/?have=python&have=sql"
# The pages most asked for, and the Jinja2 parts they render (the rows they repeat, the
# posting page's content).
_PAGES = ("postings/posting_list.html", "postings/posting_detail.html", "postings/match.html")
_ROWS = (
    "postings/_posting_cards.html", "postings/_facets.html", "postings/seekers/_save.html",
    "postings/_posting_article.html", "postings/_posting_body.html",
    "salaries/_posting_pay_insight.html", "postings/_head_meta.html",
)  # fmt: skip


def warm_up() -> str:
    """Load what the first requests would; what was loaded, in words, for the log.

    Never raises: when something cannot be loaded yet (PostgreSQL still starting, no board
    built yet), the worker loads it on its first requests, as it did before.
    """
    from postings.engine.index import searcher
    from postings.matching.board import board, board_built
    from skills.services import skill_index

    started = time.perf_counter()
    loaded = []
    try:
        reverse("postings:list")  # imports every app's URLs and views
        for name in _PAGES:
            get_template(name)
        for name in _ROWS:
            engines["jinja2"].env.get_template(name)
        loaded.append(f"{len(_PAGES) + len(_ROWS)} templates")
        skills = skill_index()
        loaded.append(f"{len(skills.by_slug):,} skills")
        built = board_built()
        if built:
            loaded.append(f"the match board ({len(board(skills).ids):,} roles)")
        if (found := searcher()) is not None:
            loaded.append(f"the search index ({found.num_docs:,} postings)")
        for path in (_SEARCH, _MATCH) if built else (_SEARCH,):
            loaded.append(f"{path.split('?')[0]} {_answer(path)}")
    except Exception:  # whatever it was, the first requests load the rest
        logger.warning("Warming up stopped; the first requests load the rest.", exc_info=True)
    took = (time.perf_counter() - started) * 1000
    return f"Warmed up in {took:.0f} ms: {', '.join(loaded) or 'nothing'}."


def _answer(path: str) -> int:
    """A GET of `path` answered by this process as gunicorn would hand it over (on this
    site's first allowed host, over https where only https is served); its status."""
    from jobboard.wsgi import application
    from postings.mail import site_domain

    route, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
        "HTTP_HOST": site_domain(),
        "wsgi.url_scheme": "https" if settings.SECURE_SSL_REDIRECT else "http",
    }  # fmt: skip
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    setup_testing_defaults(environ)
    statuses: list[str] = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        for _ in body:
            pass
    finally:
        body.close()
    return int(statuses[0].split()[0])
