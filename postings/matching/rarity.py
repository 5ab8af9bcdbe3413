"""How many roles ask for each skill, for the order of a posting's match keys (rarest first).

Any order gives right keys (postings.matching.score); this one only keeps the sets of
candidates small. Counted on the fixed 1% sample of public postings (its index holds the skill
ids), kept a day: the order moves slowly, and keys made with an older one stay right.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection

from postings.models import SAMPLE_EVERY, Status

_KEY = "match:rarity:v1"
_TTL = 24 * 3600


def skill_rarity() -> dict[int, int]:
    counts = cache.get(_KEY)
    if counts is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s, count(*) FROM postings_posting p, unnest(p.skill_ids) AS s "
                "WHERE p.status = %s AND MOD(p.id, %s) = 0 GROUP BY s",
                [Status.PUBLISHED, SAMPLE_EVERY],
            )
            counts = dict(cursor.fetchall())
        cache.set(_KEY, counts, _TTL)
    return counts
