"""What the /match/ page shows for a set of skills and the search filters: the ranked roles,
each with what the seeker has and misses, and the skills to learn next."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict

from postings.filters import ParsedSearch, parse_search
from postings.matching.board import board
from postings.matching.learn import LearnNext, learn_next, opened_roles
from postings.matching.profiles import profile_of
from postings.matching.ranking import Ranking, rank
from postings.matching.score import Coverage, Profile, coverage
from postings.models import Posting
from skills.services import SkillIndex, SkillRef

PAGE_SIZE = 20
# The best this many roles are listed: a seeker reads the top of the list; further down the
# filters narrow it better than more pages would.
MAX_PAGES = 5
MISSING_NAMED = 4
# Parameters of /match/ that are not search filters.
MATCH_PARAMS = ("have", "learn")


@dataclass
class ResultLine:
    posting: Posting
    coverage: Coverage
    line: str
    url: str


@dataclass
class MatchPage:
    refs: list[SkillRef]
    parsed: ParsedSearch
    notices: list[str]
    results: list[ResultLine] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    learn: LearnNext | None = None
    learning: SkillRef | None = None  # the skill whose opened roles are listed
    opened_count: int = 0
    ranking: Ranking | None = None

    @property
    def percent_first(self) -> int:
        return round(self.results[0].coverage.score * 100) if self.results else 0


def filter_params(params: QueryDict) -> QueryDict:
    """The search filters among /match/'s parameters (everything but the skills)."""
    rest = params.copy()
    for name in MATCH_PARAMS:
        rest.pop(name, None)
    rest.pop("sort", None)  # roles are ranked by their match, never sorted otherwise
    return rest


def match_page(
    params: QueryDict, refs: list[SkillRef], skills: SkillIndex, *, learn: SkillRef | None = None
) -> MatchPage:
    parsed = parse_search(filter_params(params), skills=skills)
    notices = list(parsed.notices)
    page = parsed.page
    if page > MAX_PAGES:
        notices.append(
            f"Only the best {MAX_PAGES * PAGE_SIZE} roles are listed; showing the last page."
        )
        page = MAX_PAGES
    result = MatchPage(refs=refs, parsed=parsed, notices=notices, page=page)
    if not refs:
        return result
    profile = profile_of(refs, skills)
    scores = board(skills)
    have_query = urlencode([("have", ref.slug) for ref in refs])
    wanted = page * PAGE_SIZE
    if learn is not None:
        learned = profile_of([*refs, learn], skills)
        ranking, result.opened_count = opened_roles(
            scores, profile, learned, learn, parsed, wanted=wanted + 1
        )
        result.learning = learn
        profile_shown = learned
        have_query = urlencode([("have", ref.slug) for ref in [*refs, learn]])
    else:
        ranking = rank(scores, profile, parsed, wanted=wanted + 1)
        result.learn = learn_next(scores, profile, parsed, skills)
        profile_shown = profile
    result.ranking = ranking
    chosen = [s.posting_id for s in ranking.ranked[wanted - PAGE_SIZE : wanted]]
    result.has_next = len(ranking.ranked) > wanted and page < MAX_PAGES
    # In ranked order; a role closed since the board was built is left out.
    for posting in Posting.objects.visible_listed(chosen):
        covered = coverage(posting.skill_ids, posting.preferred_skill_ids, profile_shown)
        result.results.append(
            ResultLine(
                posting,
                covered,
                coverage_line(covered, skills),
                f"{posting.get_absolute_url()}?{have_query}",
            )
        )
    return result


def coverage_line(covered: Coverage, skills: SkillIndex) -> str:
    """ "7 of 9 required skills · missing Kubernetes, Spark · 1 of 2 nice-to-have"."""
    parts = [f"{len(covered.required_had)} of {len(covered.required)} required skills"]
    missing = names(covered.required_missing, skills)
    if missing:
        shown = ", ".join(missing[:MISSING_NAMED])
        more = len(missing) - MISSING_NAMED
        parts.append(f"missing {shown}" + (f" and {more} more" if more > 0 else ""))
    if covered.preferred:
        parts.append(f"{len(covered.preferred_had)} of {len(covered.preferred)} nice-to-have")
    if covered.soft:
        parts.append(f"{len(covered.soft_had)} of {len(covered.soft)} soft skills")
    return " · ".join(parts)


def names(skill_ids: list[int], skills: SkillIndex) -> list[str]:
    return sorted((skills.by_id[s].name for s in skill_ids if s in skills.by_id), key=str.lower)


def posting_coverage(
    posting: Posting, profile: Profile, skills: SkillIndex
) -> tuple[Coverage, str]:
    """A posting page's "You have 7 of its 9 required skills; missing: ..." for a profile."""
    covered = coverage(posting.skill_ids, posting.preferred_skill_ids, profile)
    text = f"You have {len(covered.required_had)} of its {len(covered.required)} required skills"
    missing = names(covered.required_missing, skills)
    return covered, text + (f"; missing: {', '.join(missing)}." if missing else ".")
