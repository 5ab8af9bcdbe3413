"""Fast dictionary skill matcher (pure Python, no Django).

The matcher finds taxonomy aliases in free text with an Aho-Corasick automaton
(``pyahocorasick``) over a normalized copy of the text:

* Lower case, every character that is not a letter, a digit, ``+`` or ``#`` becomes a
  space (non-ASCII letters get NFKC).  Aliases are normalized the same way (spaces
  collapsed), so "Scikit-Learn", "scikit learn" and "scikit_learn" are equal, as are
  "Node.js" and "node js".  Inner separators of up to 3 characters are accepted in the
  text ("CI/CD", "CI / CD").  Normalization is one bytes-level ``translate`` pass; the
  text keeps its length, so offsets map back with arithmetic only (a bisect when an NFKC
  ligature expanded).
* Keys are stored with a leading and trailing space, and the text with doubled separators
  and padding, so only whole words match ("Rust" never matches inside "trust", "Java" not
  inside "JavaScript", "C" not inside "C++"), and ``iter_long`` gives leftmost-longest,
  non-overlapping matches in C.
* Role and team names ("Senior Java Developer", "our DevOps team") and "Role:" header fields
  are skipped by default (``skip_role_titles``): they describe people, not requirements.
* What the employer says about itself is not a requirement (``skip_company_context``, on by
  default): sentences in the company's voice ("We use Kafka", "<Org> builds SaaS for banks")
  unless they address the candidate, "About us" / "Benefits" sections and "Our tech stack"
  lists are skipped, as is a job-title first line ("Backend Engineer (Python)").
* An industry (a skill of the ``INDUSTRY_CATEGORY``) counts only in a list, a header field or
  a sentence about the candidate: elsewhere it is the employer's own market.
* Case-sensitive aliases are checked against the original characters; ``needs_context``
  aliases (R, Go, Excel, Spark...) must also pass :func:`_has_context`.
* HTML tags are blanked out before matching, so markup never produces skills.

Offsets in the returned :class:`Match` objects always point into the original text.
"""

from __future__ import annotations

import bisect
import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

__all__ = [
    "AliasEntry",
    "Match",
    "SkillMatcher",
    "normalize",
]


class AliasEntry(NamedTuple):
    """One alias of one skill: the unit a matcher is built from.

    The Django layer can build these from database rows; ``taxonomy.py`` builds them from
    the shipped YAML.  The canonical skill name should be given as an alias as well.
    """

    slug: str
    name: str
    text: str
    case_sensitive: bool = False
    needs_context: bool = False
    category: str = ""  # the skill's category slug: INDUSTRY_CATEGORY has a rule of its own


class Match(NamedTuple):
    """One skill mention: ``text == original_text[start:end]``.

    ``preferred``: the text marks it as optional (under a "Nice to have" heading, or in a
    sentence such as "Kafka is a plus"); otherwise it is a requirement.
    """

    slug: str
    name: str
    start: int
    end: int
    text: str
    preferred: bool = False

    def as_dict(self) -> dict:
        return {
            "slug": self.slug,
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "preferred": self.preferred,
        }


# --------------------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------------------

_KEEP_SYMBOLS = "+#"


class _CharTable(dict):
    """``str.translate`` table: char code -> normalized replacement (never empty).

    ASCII is precomputed (so CPython's fast ASCII path applies); other characters are
    computed on first sight (NFKC, lower case, non-word -> space) and cached.
    """

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower
        self.expanding: set[str] = set()
        for code in range(128):
            self[code] = self._compute(chr(code))

    def _compute(self, ch: str) -> str:
        # non-ASCII letters and digits get NFKC (full-width forms, ligatures); any other
        # non-ASCII symbol (quotes, dashes, bullets, emoji, trade marks) is a separator
        out = ch
        if ord(ch) > 127:
            out = unicodedata.normalize("NFKC", ch) if ch.isalnum() else " "
        if self.lower:
            out = out.lower()
        out = "".join(c if (c.isalnum() or c in _KEEP_SYMBOLS) else " " for c in out)
        if not out.strip():
            out = " "  # punctuation becomes one space; never delete: keeps offsets simple
        if len(out) != 1:
            self.expanding.add(ch)
        return out

    def __missing__(self, code: int) -> str:
        value = self._compute(chr(code))
        self[code] = value
        return value


_LOWER_TABLE = _CharTable(lower=True)
_CASE_TABLE = _CharTable(lower=False)
_TAG_RE = re.compile(r"<[A-Za-z/!?][^<>]{0,2000}>")


def _blank(m: re.Match) -> str:
    return " " * (m.end() - m.start())


def normalize(text: str, *, lower: bool = True) -> str:
    """Normalize an alias or a text fragment: the comparable form, spaces collapsed."""
    table = _LOWER_TABLE if lower else _CASE_TABLE
    return " ".join(text.translate(table).split())


class _ExpansionMap:
    """Maps positions of the translated text back to the original text when some characters
    were expanded to several (NFKC ligatures such as "ﬁ"); rare, so built only then."""

    __slots__ = ("_keys", "_orig", "_width")

    def __init__(self, keys: list[int], orig: list[int], width: list[int]) -> None:
        self._keys = keys  # translated position of each expansion
        self._orig = orig  # its original position
        self._width = width  # its translated width

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a translated [start, end) span to the original text."""
        return self._map(start), self._map(end - 1) + 1

    def _map(self, pos: int) -> int:
        i = bisect.bisect_right(self._keys, pos) - 1
        if i < 0:
            return pos
        start_t, orig, width = self._keys[i], self._orig[i], self._width[i]
        if pos < start_t + width:  # inside an expansion: the expanding character itself
            return orig
        return orig + 1 + (pos - start_t - width)


_ASCII_BYTES = bytes(ord(_LOWER_TABLE[c]) if c < 128 else c for c in range(256))
_ENCODE_ERRORS = "skills-matcher-normalize"


def _encode_non_ascii(err: UnicodeError) -> tuple[bytes, int]:
    """Encoding error handler: a run of non-ASCII characters becomes the UTF-8 bytes of its
    normalized form (cached per character).  The ASCII encoder scans in C and calls this
    only at the (few) non-ASCII runs: much cheaper than a regex pass with a callback."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    run = err.object[err.start : err.end]
    # the same few runs come back again and again (quotes, dashes, bullets, accented words)
    out = _RUN_BYTES.get(run)
    if out is None:
        out = run.translate(_LOWER_TABLE).encode("utf-8")
        if len(run) <= 8 and len(_RUN_BYTES) < _RUN_BYTES_MAX:  # short runs only: bounded
            _RUN_BYTES[run] = out
    return out, err.end


_RUN_BYTES: dict[str, bytes] = {}  # normalized UTF-8 of short non-ASCII runs seen before
_RUN_BYTES_MAX = 10_000


codecs.register_error(_ENCODE_ERRORS, _encode_non_ascii)


# The prepared text starts with a sentinel character that the scan skips.  The automaton reads
# 4-byte characters: given a narrower str, pyahocorasick copies it into a new 4-byte buffer on
# every scan.  On a long text a non-BMP sentinel makes the decoder build the 4-byte str
# directly, which the automaton reads in place: that saves the copy (~4% of find() on 500,000
# characters) and, when the allocator maps such a large buffer afresh on each call, its page
# faults (up to ~8% more).  On posting-sized texts decoding into 4-byte form costs more than
# the copy, so they get a plain 1-byte sentinel.
_SENTINEL = b"\x00"
_WIDE_SENTINEL = "\U0010ffff".encode("utf-8")
_WIDE_MIN_LENGTH = 200_000  # characters
# The text also ends with a character no key contains.  iter_long reports a key found through
# a failure link (" cd " inside a longer key " ab  cd  ef ") only when the next character
# breaks the longer key: a text ending in "... Microsoft SQL" (a key "microsoft sql server")
# would otherwise lose its SQL.
_END = b"\x00"


def _prepare(text: str) -> tuple[str, _ExpansionMap | None]:
    """Return the normalized text with every separator doubled, padded with a space on
    each side, between a sentinel character (scan from index 1) and an end character
    (_END), and the expansion map (None when lengths did not change).

    Keys are " alias " with their inner spaces doubled as well, so a match consumes one
    space on each side and the next word still has its own leading space.  Position ``p``
    of this text (a key's leading space) is position ``p - 1 - (spaces before p) // 2`` of
    the translated text.
    """
    # Each step drops the previous buffer before the next one is made: with all of them
    # alive at once, a long text took the heap high enough that the allocator gave the
    # memory back on return and faulted it in again on the next call.
    buf = _TAG_RE.sub(_blank, text) if "<" in text else text
    # non-ASCII characters are normalized by the error handler (UTF-8 bytes >= 0x80 are
    # left alone by the table), then every ASCII byte goes through one bytes table
    buf = buf.encode("ascii", _ENCODE_ERRORS)
    buf = buf.translate(_ASCII_BYTES)
    translated_size = len(buf)
    buf = buf.replace(b" ", b"  ")
    added = len(buf) - translated_size  # spaces added by the doubling
    # pad the bytes, not the str: one copy of the bytes instead of two of the wider str
    sentinel = _WIDE_SENTINEL if len(text) >= _WIDE_MIN_LENGTH else _SENTINEL
    buf = b"".join((sentinel, b" ", buf, b" ", _END))
    padded = buf.decode("utf-8")
    del buf
    # an NFKC expansion ("ﬁ" -> "fi") changed the length: the translated text has
    # len(padded) - 4 - added characters
    if len(padded) - 4 - added != len(text):
        blanked = _TAG_RE.sub(_blank, text) if "<" in text else text
        return padded, _ExpansionMap(*_expansion_map(blanked))
    return padded, None


_EXPANDING_RE: list = [0, None]  # [size of the set it was built from, compiled class]


def _expansion_map(text: str) -> tuple[list[int], list[int], list[int]]:
    expanding = _LOWER_TABLE.expanding
    if _EXPANDING_RE[0] != len(expanding):
        _EXPANDING_RE[:] = [len(expanding), re.compile("|".join(map(re.escape, expanding)))]
    keys: list[int] = []
    origs: list[int] = []
    widths: list[int] = []
    delta = 0
    table = _LOWER_TABLE
    for m in _EXPANDING_RE[1].finditer(text):
        i = m.start()
        w = len(table[ord(m.group())])
        keys.append(i + delta)
        origs.append(i)
        widths.append(w)
        delta += w - 1
    return keys, origs, widths


# --------------------------------------------------------------------------------------
# Context rules for ambiguous aliases
# --------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a technical reading of an ambiguous alias likely when they are close by.
CONTEXT_WORDS = _words(
    """
    programming program programs programmer programmers language languages lang langs code
    coding coder codebase script scripts scripting developer developers development develop
    engineer engineers engineering software stack stacks framework frameworks library
    libraries package packages sdk api apis backend frontend toolchain compiler runtime
    technologies technology tech tools tooling written proficient proficiency fluency
    knowledge experience experienced skills skill expertise familiarity familiar
    spreadsheet spreadsheets pivot formulas macros vba statistical statistics analytics
    cluster clusters pipeline pipelines jobs services service microservices systems
    server servers write writing
    """
)

# Tokens right after an ambiguous alias that signal a verb or an everyday phrase.
_BLOCK_AFTER = _words(
    """
    at to the a an your our their his her my its this these those ahead beyond above
    further forward getter live home back away out through
    """
)
# Tokens right before an ambiguous alias that signal a non-technical reading.
_BLOCK_BEFORE = _words(
    """
    series round level grade class type vitamin plan option section part phase tier let
    lets s will
    """
)
# A character glued to an ambiguous alias (R&D, C-level, go-getter, R's) rejects it.
_GLUE_CHARS = frozenset("&-\u2010\u2011\u2012\u2013\u2014'\u2019.@_=*")

# Words of how to apply: an ambiguous alias among them is a document, not a skill ("Send your
# CV", "motivation letter and CV", "your documents (CV, certificates, references)").
_APPLYING_WORDS = _words("send resume résumé letter motivation certificates")

_WINDOW = 60  # characters on each side searched for context

# A skill directly followed by one of these nouns names a role or a team ("Java Developer",
# "QA Engineers", "DevOps team"), not a requirement; with ``skip_role_titles`` it is dropped.
ROLE_NOUNS = _words(
    """
    developer developers engineer engineers architect architects programmer programmers
    administrator administrators admin admins consultant consultants specialist specialists
    tester testers lead leads manager managers scientist scientists analyst analysts
    designer designers team teams group groups department departments guild chapter squad
    expert experts evangelist evangelists intern interns internship position positions role
    roles job jobs vacancy vacancies hire hiring recruiter recruiters
    """
)
# Words that name a posting header field whose value is a job title ("Role: ...").
_FIELD_WORDS = frozenset(["role", "roles", "title", "position"])
# A role noun more than this many characters (of the doubled text) after a skill is not
# part of its name.
_ROLE_GAP = 40
# Words allowed between the skill and the role noun ("Full Stack Software Engineer").
_ROLE_FILLERS = _words(
    """
    software web application applications platform data cloud systems solutions development
    test automation reliability infrastructure mobile stack senior junior principal staff
    system project product program performance technical oriented focused minded
    """
)


# --------------------------------------------------------------------------------------
# Matcher
# --------------------------------------------------------------------------------------

# A key that never matches (see ``_build_automaton``): "\x02" is a separator, so normalized text
# never contains it.
_NEVER_KEY = "  \x02"
# Letters by rough frequency in English text (the separator first: it follows every word).
_FREQUENT_FIRST = " etaoinsrhldcumfpgwybvkxjqz0123456789+#"
# Sort key of automaton keys: a character's rank in _FREQUENT_FIRST (others after).
_BY_FREQUENCY = str.maketrans(_FREQUENT_FIRST, "".join(map(chr, range(1, 40))))


def _build_automaton(keys: dict[str, tuple]) -> ahocorasick.Automaton:
    """The Aho-Corasick automaton of ``keys`` (key -> payload).

    Only the speed of a scan depends on what this does beyond adding the keys; the matches
    do not.  pyahocorasick looks a node's children up linearly, in the order they were
    added, and the node after a space has one child per first letter of a key:
    * ``_NEVER_KEY`` goes first.  A doubled separator reads a second space at that node,
      which was a full, failed scan of its children before falling back to the root; now
      it is the first child.  The key's last character never occurs in normalized text,
      so it never matches and every fail path still ends where it did without it.
    * The other keys are added in letter-frequency order, so that frequent letters come
      first in every node's list.  (The keys are unique: the order changes no payload.)
    """
    automaton = ahocorasick.Automaton()
    automaton.add_word(_NEVER_KEY, (0, len(_NEVER_KEY), None, None))
    for key in sorted(keys, key=lambda k: k.translate(_BY_FREQUENCY)):
        automaton.add_word(key, keys[key])
    automaton.make_automaton()
    return automaton


class _Candidate(NamedTuple):
    slug: str
    name: str
    cased: str | None  # exact normalized case form required, or None
    needs_context: bool
    industry: bool = False  # counts only where the text asks it of the candidate


class SkillMatcher:
    """Aho-Corasick matcher over normalized aliases.

    Build with :meth:`from_entries`; call :meth:`find` for matches.
    """

    def __init__(
        self,
        automaton: ahocorasick.Automaton,
        size: int,
        *,
        skip_role_titles: bool = True,
        skip_company_context: bool = True,
    ) -> None:
        self._automaton = automaton
        self.size = size
        self.skip_role_titles = skip_role_titles
        self.skip_company_context = skip_company_context

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_entries(
        cls,
        entries: Iterable[AliasEntry],
        *,
        skip_role_titles: bool = True,
        skip_company_context: bool = True,
    ) -> SkillMatcher:
        """Build a matcher.

        ``skip_role_titles``: drop skills used as part of a job title or team name
        ("Senior Java Developer", "our DevOps team", a title first line "Backend Engineer
        (Python)"): they describe people, not requirements.
        ``skip_company_context``: drop skills the employer mentions about itself (company-voice
        sentences, "About us" / "Benefits" sections, "Our tech stack" lists): annotated
        postings do not count them as requirements.
        """
        table: dict[str, list[_Candidate]] = {}
        count = 0
        for entry in entries:
            key = normalize(entry.text)
            if not key:
                continue
            cased = normalize(entry.text, lower=False) if entry.case_sensitive else None
            cand = _Candidate(
                entry.slug,
                entry.name,
                cased,
                bool(entry.needs_context),
                entry.category == INDUSTRY_CATEGORY,
            )
            bucket = table.setdefault(key, [])
            if cand not in bucket:
                bucket.append(cand)
                count += 1
        keys: dict[str, tuple] = {}  # automaton key -> payload
        for key, bucket in table.items():
            # unconditional candidates first: they are preferred when they apply
            bucket.sort(key=lambda c: (c.cased is not None, c.needs_context))
            first = bucket[0]
            plain = first.cased is None and not first.needs_context and not first.industry
            simple = first if plain else None
            payload = tuple(bucket)
            for gaps in _gap_variants(key.count(" ")):
                words = key.split(" ")
                # inner separators of 1-3 characters in the text ("CI/CD", "CI / CD")
                core = words[0] + "".join(
                    "  " * g + w for g, w in zip(gaps, words[1:], strict=True)
                )
                tlen = len(key) + sum(gaps) - len(gaps)
                keys[f" {core} "] = (tlen, len(core) + 2, payload, simple)
        if skip_role_titles:
            # role nouns ride along in the same pass; their payload has no candidates
            # (kind "r": a role noun that also names a "Role:" field, "t": a field word only)
            # "m": a team noun, which a team's name of a few words may come before
            for word in ROLE_NOUNS:
                if word not in table:
                    kind = "r" if word in _FIELD_WORDS else "m" if word in _TEAM_NOUNS else None
                    keys[f" {word} "] = (len(word), len(word) + 2, None, kind)
            for word in _FIELD_WORDS - ROLE_NOUNS:
                if word not in table:
                    keys[f" {word} "] = (len(word), len(word) + 2, None, "t")
        if skip_company_context:
            # so do the company-voice words, section headings and the verbs of sentences
            # about the company in the third person (kind "v" / "h" / "c")
            for kind, words in (("v", _VOICE_WORDS), ("h", _HEADING_WORDS), ("c", _COMPANY_VERBS)):
                for word in words:
                    if word not in table:
                        core = word.replace(" ", "  ")
                        keys[f" {core} "] = (len(word), len(core) + 2, None, kind)
        # and the words that mark a skill as optional (kind "o"), whatever the options
        for word in _OPTIONAL_WORDS:
            if word not in table:
                core = word.replace(" ", "  ")
                keys[f" {core} "] = (len(word), len(core) + 2, None, "o")
        return cls(
            _build_automaton(keys),
            count,
            skip_role_titles=skip_role_titles,
            skip_company_context=skip_company_context,
        )

    @classmethod
    def from_taxonomy(cls, taxonomy, **options) -> SkillMatcher:  # taxonomy.Taxonomy
        return cls.from_entries(taxonomy.entries(), **options)

    # ---- matching -----------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        if not text:
            return []
        padded, emap = _prepare(text)
        # The chosen matches as parallel lists (original offsets, candidate) rather than one
        # tuple per match: the filters below bisect ``starts`` directly, and fewer tuples
        # means less allocation and garbage-collector work on long texts.
        starts: list[int] = []
        ends: list[int] = []
        cands: list[_Candidate] = []
        add_start, add_end, add_cand = starts.append, ends.append, cands.append
        ambiguous: list[int] = []  # indexes of matches whose alias needs context
        industries: list[int] = []  # indexes of matches that name an industry
        roles: list[int] = []  # indexes of matches directly followed by a role noun
        # original positions of the context words, one list per kind: company-voice words,
        # section heading words, "Role:" / "Title:" field words
        voice: list[int] = []
        headings: list[int] = []
        fields: list[int] = []
        teams: list[int] = []  # team nouns a few words after a match
        company: list[int] = []  # verbs of third-person sentences ("Acme builds ...")
        optional: list[int] = []  # words that mark skills as optional ("is a plus")
        marks = {
            "v": voice,
            "h": headings,
            "r": fields,
            "t": fields,
            "m": teams,
            "c": company,
            "o": optional,
        }
        pick = self._pick
        count_spaces = padded.count
        spaces = 0  # spaces in the doubled text before ``last``
        last = 0
        # doubled end of the last chosen match; far below 0 while there is none, so the
        # role-noun test below fails without a separate check
        prev_end = -_ROLE_GAP
        # between two matches only the first and the last company-voice word of a run
        # matter (if a match's sentence holds a voice word, it holds one of these two)
        v_run = False  # the last event was a voice word
        v_last = -1  # doubled position of a voice word held back, the run's last so far
        # leftmost-longest, non-overlapping matches of " alias " in the doubled text.
        # The doubled -> original offset steps below are written out at each use on
        # purpose: this loop runs once per automaton hit and a helper call there costs a
        # measurable share of the matcher's speed budget.  Positions are in ``padded``,
        # whose first character is the sentinel (hence the ``- 1`` in each step).
        for end_idx, (klen, dlen, bucket, simple) in self._automaton.iter_long(padded, 1):
            ks = end_idx - dlen + 1  # key start (its leading space)
            if bucket is None:
                if simple == "v":  # a company-voice word
                    if v_run:
                        v_last = ks
                        continue
                    v_run = True
                elif simple is None or simple == "r" or simple == "m":
                    # a role noun: after the last match, directly or after one filler word
                    # ("Full Stack Software Engineer")?
                    # or after an abbreviation in brackets ("Social Engineering (SE)
                    # Specialist"), which _ROLE_AFTER checks on the original text
                    if prev_end == ks or (
                        ks - prev_end < _ROLE_GAP
                        and (
                            (gap := padded[prev_end:ks].strip()) in _ROLE_FILLERS
                            or len(gap) <= _ABBREVIATION
                        )
                    ):
                        roles.append(len(cands) - 1)
                    if simple is None or (simple == "m" and ks - prev_end > _TEAM_GAP):
                        continue
                if v_last >= 0:  # a voice word held back: place it first
                    p = v_last + 1
                    spaces += count_spaces(" ", last, p)
                    last = p
                    o_start = v_last - 1 - (spaces - 1) // 2
                    if emap is not None:
                        o_start = emap.span(o_start, o_start + 1)[0]
                    voice.append(o_start)
                    v_last = -1
                # a title field, company-voice or section heading word: remember where
                p = ks + 1
                spaces += count_spaces(" ", last, p)
                last = p
                o_start = ks - 1 - (spaces - 1) // 2
                if emap is not None:
                    o_start = emap.span(o_start, o_start + 1)[0]
                marks[simple].append(o_start)
                continue
            if v_last >= 0:  # a voice word held back: place it first
                p = v_last + 1
                spaces += count_spaces(" ", last, p)
                last = p
                o_start = v_last - 1 - (spaces - 1) // 2
                if emap is not None:
                    o_start = emap.span(o_start, o_start + 1)[0]
                voice.append(o_start)
                v_last = -1
            v_run = False
            # doubled -> translated position: every separator before it was doubled
            p = ks + 1
            spaces += count_spaces(" ", last, p)
            last = p
            o_start = ks - 1 - (spaces - 1) // 2
            o_end = o_start + klen
            if emap is not None:
                o_start, o_end = emap.span(o_start, o_end)
            if simple is None:
                simple = pick(bucket, text, o_start, o_end)
                if simple is None:
                    continue
                if simple.needs_context:
                    ambiguous.append(len(cands))
                if simple.industry:
                    industries.append(len(cands))
            prev_end = end_idx + 1
            add_start(o_start)
            add_end(o_end)
            add_cand(simple)
        del padded, count_spaces  # the largest buffer of the call: free it before the filters
        if not cands:
            return []
        drop = {i for i in ambiguous if not _has_context(text, starts, ends, cands, i)}
        if industries:
            drop.update(i for i in industries if not _industry_asked(text, starts, ends, cands, i))
        if self.skip_role_titles:
            drop.update(_role_title_matches(text, starts, ends, roles, fields))
            if teams:
                drop.update(_team_name_matches(text, starts, ends, teams))
            drop.update(_title_line_matches(text, starts))
        if self.skip_company_context and (voice or headings):
            drop.update(_company_context_matches(text, starts, voice, headings))
        if self.skip_company_context and company:
            drop.update(_company_subject_matches(text, starts, company))
        new = tuple.__new__  # Match(...) without the keyword handling: many matches
        preferred = _optional_matches(text, starts, optional) if optional else None
        if preferred:
            # per-match flags zipped in C rather than two set lookups per match
            n = len(cands)
            flags = [False] * n
            for i in preferred:
                flags[i] = True
            rows = zip(starts, ends, cands, flags, strict=True)
            if drop:
                keep = [True] * n
                for i in drop:
                    keep[i] = False
                rows = itertools.compress(rows, keep)
            return [new(Match, (c.slug, c.name, s, e, text[s:e], p)) for s, e, c, p in rows]
        if drop:
            return [
                new(Match, (c.slug, c.name, s, e, text[s:e], False))
                for i, (s, e, c) in enumerate(zip(starts, ends, cands, strict=True))
                if i not in drop
            ]
        return [
            new(Match, (c.slug, c.name, s, e, text[s:e], False))
            for s, e, c in zip(starts, ends, cands, strict=True)
        ]

    @staticmethod
    def _pick(bucket: tuple, text: str, o_start: int, o_end: int) -> _Candidate | None:
        weak = None
        for cand in bucket:
            if cand.cased is not None:
                found = text[o_start:o_end]
                if found != cand.cased and normalize(found, lower=False) != cand.cased:
                    # wrong case: only a lower-case tag inside a list of skills ("jenkins",
                    # "go"); another capitalisation is another word ("Solid" is not SOLID)
                    if weak is None and found.islower() and _standalone(text, o_start, o_end):
                        weak = cand._replace(cased="", needs_context=True)
                    continue
            if cand.needs_context and not _standalone(text, o_start, o_end):
                continue
            return cand
        return weak


def _standalone(text: str, start: int, end: int) -> bool:
    """An ambiguous alias must not be glued to other characters (R&D, C-level, go-getter)."""
    # a leading dot (".NET") or a bracket is fine; a glued word character is not
    if start > 1 and text[start - 1] in _GLUE_CHARS and text[start - 2].isalnum():
        return False
    return not (end + 1 < len(text) and text[end] in _GLUE_CHARS and text[end + 1].isalnum())


_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _prev_token(text: str, pos: int) -> str:
    seg = text[max(0, pos - 20) : pos]
    toks = _TOKEN_RE.findall(seg)
    if not toks or not seg.rstrip().endswith(toks[-1]):
        return ""
    return toks[-1].lower()


def _next_token(text: str, pos: int) -> str:
    seg = text[pos : pos + 20]
    m = _TOKEN_RE.search(seg)
    if not m or seg[: m.start()].strip():
        return ""
    return m.group().lower()


def _has_context(text: str, starts: list, ends: list, cands: list, i: int) -> bool:
    """May the ambiguous match ``i`` (R, Go, Excel...) stand: not glued to a blocking word,
    next to another skill on the line or near a technical context word?"""
    o_start = starts[i]
    o_end = ends[i]
    cand = cands[i]
    if cand.cased == "":  # case did not match: a neighbour in a list must vouch for it
        return _adjacent_skill(text, starts, ends, cands, i)
    before_tok = _prev_token(text, o_start)
    after_tok = _next_token(text, o_end)
    blocked = after_tok in _BLOCK_AFTER or before_tok in _BLOCK_BEFORE
    # a neighbouring skill right next to it (a list: "Go, Python") still counts
    if blocked and not _adjacent_skill(text, starts, ends, cands, i):
        return False
    lo = max(0, o_start - _WINDOW)
    hi = min(len(text), o_end + _WINDOW)
    nl = text.rfind("\n", lo, o_start)
    if nl != -1:
        lo = nl + 1
    nl = text.find("\n", o_end, hi)
    if nl != -1:
        hi = nl
    window = _TOKEN_RE.findall((text[lo:o_start] + " " + text[o_end:hi]).lower())
    if not _APPLYING_WORDS.isdisjoint(window):
        return False  # how to apply: "send your CV", "motivation letter and CV"
    # another skill close by, within the same line
    n = len(cands)
    for j in (i - 1, i + 1, i - 2, i + 2):
        if 0 <= j < n:
            c2 = cands[j]
            if starts[j] >= lo and ends[j] <= hi and c2.slug != cand.slug and not c2.needs_context:
                return True
    return not CONTEXT_WORDS.isdisjoint(window)


_LIST_GAPS = frozenset([",", "/", "|", ";", ""])


def _adjacent_skill(text: str, starts: list, ends: list, cands: list, i: int) -> bool:
    """Is match ``i`` next to another (unambiguous) skill in a list ("Go, Python")?"""
    for j in (i - 1, i + 1):
        if 0 <= j < len(cands):
            gap = text[ends[j] : starts[i]] if j < i else text[ends[i] : starts[j]]
            if len(gap) <= 3 and gap.strip() in _LIST_GAPS:
                return not cands[j].needs_context
    return False


_TITLE_JOINERS = frozenset(["", "/", "-", "&", ",", "|", "+", "(", ")", "and", "or"])
_ABBREVIATION = 6  # characters of an abbreviation in brackets between a skill and a role noun


def _word_trie(words: Iterable[str]) -> str:
    """A regex group matching exactly ``words``, as a trie of their letters: the regex engine
    tries every branch of a plain ``a|b|c`` in turn, a trie only the branches of the next
    letter (a few instead of dozens)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branch(node: dict) -> str:
        alts = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            return "(?:" + "|".join(alts) + ")?" if alts else ""
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return "(?:" + branch(trie) + ")"


_ROLE_AFTER = re.compile(
    r"[ \t]*[-/]?[ \t]*"
    # the skill's own closing bracket, or its abbreviation: "Machine Learning (ML) Engineer"
    r"(?:\)[ \t]*|\([ \t]*[A-Za-z0-9][\w.+#/-]{0,5}[ \t]*\)[ \t]*)?"
    + "(?:"
    + _word_trie(_ROLE_FILLERS)
    + r"[ \t]+)?"
    + _word_trie(ROLE_NOUNS)
    # a heading is no title: "... java python sql Job description", "Position type:"
    + r"\b(?![ \t]*(?::|descriptions?\b|types?\b|titles?\b|summary\b|requirements?\b))",
    re.IGNORECASE,
)
# "Role: Data Engineer", "Job title:\nML Engineer": the value of a title field


def _gap_variants(n: int) -> list[tuple[int, ...]]:
    """Separator widths tried between the words of an alias with ``n`` inner spaces."""
    if n == 0:
        return [()]
    widths = (1, 2, 3) if n <= 2 else (1, 2) if n <= 4 else (1,)
    return list(itertools.product(widths, repeat=n))


def _follows(padded: str, prev_end: int, start: int) -> bool:
    """Does the word at ``start`` follow the match ending at ``prev_end`` (doubled text),
    directly or after one filler word ("Full Stack Software Engineer")?"""
    if prev_end == start:
        return True
    return padded[prev_end:start].strip() in _ROLE_FILLERS


def _role_title_matches(
    text: str, starts: list[int], ends: list[int], roles: list[int], field_words: list[int]
) -> set[int]:
    """Indexes of matches that are part of a role or team name ("Backend Java Engineer", "our
    DevOps team") or that fill a "Role:" / "Title:" field of a posting header (the matcher
    found the field words at ``field_words``)."""
    fields = _title_fields(text, field_words)
    drop: set[int] = set()
    if not roles and not fields:
        return drop
    role_after = _ROLE_AFTER.match
    for i in roles:
        # the normalized text hid punctuation: "Java. Developer" is not a title
        if role_after(text, ends[i]) is None:
            continue
        drop.add(i)
        # a run of skills before it belongs to the same title: "Backend Java Engineer"
        j = i - 1
        while j >= 0 and text[ends[j] : starts[j + 1]].strip().lower() in _TITLE_JOINERS:
            drop.add(j)
            j -= 1
    if fields:
        # the matches that start inside a field value (few fields, many matches: bisect)
        for a, b in fields:
            i = bisect.bisect_left(starts, a)
            drop.update(range(i, bisect.bisect_left(starts, b, i)))
    return drop


# A team's name of a few words before its noun holds skills: "our Agile hybrid DevOps teams",
# "an agile and cross-functional Scrum team", "all Data Catalog feature teams".  The name
# follows a determiner and has only plain words ("team spirit" or "team members" are no team).
_TEAM_NOUNS = frozenset(["team", "teams", "squad", "squads"])
_TEAM_GAP = 60  # characters of the doubled text between a match and the team noun, at most
_TEAM_NAME_WORDS = 3  # words between a skill and the team noun, at most
_TEAM_NOUN = re.compile(
    r"(?:teams?|squads?)\b(?![ \t]*:)"
    r"(?![ \t]+(?:spirit|players?|members?|mates?|building|work|events?)\b)",
    re.IGNORECASE,
)
_DETERMINERS = _words("our your their its the a an all this these every each")
_NOT_IN_NAME = (
    _words(
        """
    that which who whom whose to for with in on of at by from as into onto or is are be was
    were will can could has have had do does we you they
    """
    )
    | _DETERMINERS
)
_NAME_WORD = re.compile(r"[^\W_][\w-]*|&")


def _team_name_matches(text: str, starts: list[int], ends: list[int], teams: list[int]) -> set[int]:
    """Indexes of matches in a team's name of a few words ("our Agile hybrid DevOps teams");
    ``teams`` are the positions of the team nouns the matcher found after a match."""
    drop: set[int] = set()
    for pos in teams:
        if _TEAM_NOUN.match(text, pos) is None:
            continue
        last = bisect.bisect_left(starts, pos) - 1  # the last match before the noun
        k = last
        while k >= 0 and k >= last - _TEAM_NAME_WORDS:
            words = text[ends[k] : pos].split()
            if len(words) > _TEAM_NAME_WORDS or not all(
                _NAME_WORD.fullmatch(w) and w.lower() not in _NOT_IN_NAME for w in words
            ):
                break
            if _prev_token(text, starts[k]) in _DETERMINERS:
                drop.update(range(k, last + 1))
                break
            k -= 1
    return drop


_TITLE_FIELD = re.compile(
    r"(?:roles?|title|position)[ \t]*:[ \t]*(?:\n[ \t]*)?([^:\n]{1,80})", re.IGNORECASE
)


def _title_fields(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """Spans of the values of "Role:" / "Job title:" / "Position:" header fields; the
    matcher found the field words at ``positions``."""
    out = []
    for pos in positions:
        # cheap test first: a colon must follow within a few characters ("Roles :")
        if text.find(":", pos, pos + 16) != -1:
            m = _TITLE_FIELD.match(text, pos)
            if m and (pos == 0 or not text[pos - 1].isalnum()):
                a, b = m.span(1)
                # a title ends with its role noun ("Role: Full Stack Developer"): header
                # fields run on after it on one line ("... Technologies react java")
                noun = _ROLE_WORD.search(text, a, b)
                out.append((a, noun.end() if noun is not None else b))
    out.sort()
    return out


# --------------------------------------------------------------------------------------
# Company context: what the employer says about itself
# --------------------------------------------------------------------------------------

# The first line of a posting is its title when it is short, names a role and is not a
# sentence: "Backend Engineer ( Python )", "Software Engineer - Java".
_ROLE_WORD = re.compile(r"\b(?:" + "|".join(sorted(ROLE_NOUNS)) + r")\b", re.IGNORECASE)
_TITLE_MAX_WORDS = 15


def _title_line_matches(text: str, starts: list[int]) -> set[int]:
    """Indexes of matches on a title first line (up to a newline or a ``<`` placeholder)."""
    if starts[0] > 300:
        return set()
    m = re.search(r"[^\W_]", text[:300])
    if m is None:
        return set()
    begin = m.start()
    end = len(text)
    for stop in ("\n", "<"):
        k = text.find(stop, begin, begin + 300)
        if k != -1:
            end = min(end, k)
    head = text[begin:end].rstrip()
    if (
        not head
        or head[-1] in ".!?:;,"
        or len(head.split()) > _TITLE_MAX_WORDS
        or _ROLE_WORD.search(head) is None
    ):
        return set()
    # the matches that start before the end of the title line (starts are sorted)
    return set(range(bisect.bisect_left(starts, end)))


# Words that put a sentence in the company's voice, and heading words that open a section
# about the company ("About us", "Benefits", "Our tech stack").
_VOICE_WORDS = ("we", "our")
_HEADING_WORDS = (
    "benefits",
    "perks",
    "company description",
    "about us",
    "about the company",
    "about organization",
    "who we are",
    "what we offer",
    "we offer",
    "our offer",
    "why join us",
    "why work with us",
    "why you should join",
    "stack",
    "technologies used",
)
# A company-voice sentence still states a requirement when it addresses the candidate.
_CANDIDATE_CUES = frozenset(
    w.encode("ascii")
    for w in _words(
        """
    you your looking want expect value appreciate desirable ideal candidate candidates
    someone person people hire hiring seeking need needs required requirement requirements
    must should profile skill skills experience experienced knowledge ability able familiar
    familiarity proficient proficiency understanding plus advantage advantageous bonus nice
    preferred degree use rely
    """
    )
)
_OPENING_VOICE = frozenset([b"we", b"our"])
_HIRING_CUES = frozenset(
    w.encode("ascii")
    for w in _words(
        """
    you your looking want expect value appreciate desirable ideal candidate candidates
    someone person people hire hiring seeking need needs required requirement requirements
    must should plus advantage advantageous bonus nice preferred use rely
    """
    )
)
# A sentence that starts with a verb is a task for the candidate ("Maintain our
# infrastructure", "Introducing reusable components"), not the company talking.
_TASK_VERBS = _words(
    """
    build design develop maintain optimize optimise help perform propose solve leverage
    make work drive lead own support implement create improve collaborate ensure write
    contribute introduce live take shape define deliver manage participate analyze analyse
    monitor automate deploy test review mentor coordinate partner research identify plan
    operate scale integrate migrate evaluate assist architect establish champion enhance
    extend use apply bring join to run set keep provide translate investigate troubleshoot
    debug document configure administer evolve grow play act engage communicate report
    prototype refactor learn share guide coach train represent oversee advocate
    """
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# Sentence ends inside a long line: ". " (not the " . " of tokenized text, as in ". NET")
# and bullets.
_SENT_END = re.compile(r"[.!?*\u2022\u00b7\u25aa\u25cf\u25e6\u261e\u2332](?=\s)")
_LONG_LINE = 250  # lines longer than this are paragraphs: split them into sentences
_SENT_WINDOW = 400
_LINE_REACH = 2000  # a longer line is only searched this far around a voice word


# A line that stops mid-sentence (no closing punctuation) before a line that goes on in lower
# case holds one sentence with it: hard-wrapped text, and sentence splitters that break at a
# stray character ("We achieve this through the\nprocess automation ...", "powerful front\n-
# and backend frameworks").
_GOES_ON = re.compile(r"[ \t]*(?:[-\u2013][ \t]+)?[a-z]")
_GOES_ON_FIRST = frozenset(" \t-\u2013abcdefghijklmnopqrstuvwxyz")  # what _GOES_ON starts with
_STOPS = ".!?:;"
_WRAPS = 3  # wrapped lines joined at most, each way


def _wrapped_end(text: str, le: int) -> int:
    """The end of the sentence that runs on from the line ending at ``le`` (a newline)."""
    for _ in range(_WRAPS):
        body = text[max(0, le - 4) : le].rstrip()
        if not body or body[-1] in _STOPS or _GOES_ON.match(text, le + 1) is None:
            break
        nxt = text.find("\n", le + 1, le + 1 + _LINE_REACH)
        if nxt == -1:
            return min(len(text), le + 1 + _LINE_REACH)
        le = nxt
    return le


def _wrapped_start(text: str, ls: int) -> int:
    """The start of the sentence that the line starting at ``ls`` continues."""
    for _ in range(_WRAPS):
        if ls == 0 or _GOES_ON.match(text, ls) is None:
            break
        body = text[max(0, ls - 5) : ls - 1].rstrip()
        if not body or body[-1] in _STOPS:
            break
        ls = text.rfind("\n", max(0, ls - 1 - _LINE_REACH), ls - 1) + 1
    return ls


def _line_around(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the line around ``pos`` with the lines it wraps onto (bounded: a text without
    newlines is one long line)."""
    lo = pos - _LINE_REACH if pos > _LINE_REACH else 0
    ls = text.rfind("\n", lo, pos) + 1 or lo
    le = text.find("\n", pos, pos + _LINE_REACH)
    if le == -1:
        le = min(len(text), pos + _LINE_REACH)
    # most lines end with a stop or before a capital, and start with one: no call then
    elif text[le - 1] not in _STOPS and text[le + 1 : le + 2] in _GOES_ON_FIRST:
        le = _wrapped_end(text, le)
    if ls > lo and text[ls] in _GOES_ON_FIRST:
        ls = _wrapped_start(text, ls)
    return ls, le


def _sentence(text: str, pos: int, ls: int, le: int) -> tuple[int, int]:
    """Bounds of the sentence around ``pos`` on the long line [ls, le)."""
    a = max(ls, pos - _SENT_WINDOW)
    b = min(le, pos + _SENT_WINDOW)
    for m in _SENT_END.finditer(text, a, pos):
        k = m.start()
        if text[k] != "." or text[k - 1] != " ":
            a = k + 1
    for m in _SENT_END.finditer(text, pos, b):
        k = m.start()
        if text[k] != "." or text[k - 1] != " ":
            b = k
            break
    return a, b


def _company_voice(sentence: str) -> bool:
    """Is this sentence with "we" or "our" the company talking about itself ("Our platform
    runs on Kafka") rather than about the candidate ("We need Kafka skills") or a task
    ("Maintain our Kafka")?"""
    return not _is_task(sentence) and not _addresses_candidate(sentence)  # the cheaper first


def _addresses_candidate(sentence: str) -> bool:
    if ":" in sentence:
        return True
    words = sentence.encode("utf-8", "replace").translate(_ASCII_BYTES).split()
    if words and words[0] in _OPENING_VOICE:
        # "We believe great developer experience ...", "We are able to ...": a sentence that
        # opens in the company's voice needs a word about the hire, not a mere "experience"
        return not _HIRING_CUES.isdisjoint(words)
    return not _CANDIDATE_CUES.isdisjoint(words)


def _is_task(sentence: str) -> bool:
    m = _FIRST_WORD.search(sentence, 0, 60)
    if m is None:
        return False
    word = m.group().lower()
    return word in _TASK_VERBS or (word.endswith("ing") and len(word) > 5)


# Section headings.  A company section ("About us", "Job benefits:") runs until a heading
# about the job or the candidate; a stack list ("Our tech stack", "TECHNOLOGY STACK")
# until the next heading or prose line.
_COMPANY_HEADING = re.compile(
    r"[ \t]*(?:job benefits|benefits(?: and perks)?|perks(?: and benefits)?"
    r"|company description|about us|about the company|about <ORGANIZATION>|who we are"
    r"|what we offer|we offer|our offer|why join us|why work with us|why you should join)"
    r"\b[ \t]*(?::|(?=\n)|\Z)",
    re.IGNORECASE,
)
_JOB_HEADING_WORDS = (
    r"[ \t]*(?:requirements?|responsibilities|qualifications?"
    r"|(?:your|the) (?:profile|role|tasks?|responsibilities|skills|qualifications)"
    r"|about (?:you|the role|the job|the position)|what you|you will|you have|who you are"
    r"|skills|technologies|tech stack|job description|role|must have|nice to have|key"
    r"|desired|preferred|basic|required|minimum|mandatory)\b[^\n:]{0,40}:?[ \t]*(?::|(?=\n)|\Z)"
)
_JOB_HEADING = re.compile(_JOB_HEADING_WORDS, re.IGNORECASE)
# the same at the start of a line, found with a search (the leading newline is a literal
# prefix, so the regex engine skips ahead quickly)
_JOB_HEADING_LINE = re.compile(r"\n" + _JOB_HEADING_WORDS, re.IGNORECASE)
_STACK_HEADING = re.compile(
    r"[ \t]*(?:(?:our|the)[ \t]+)?(?:core[ \t]+)?(?:(?:tech|technology|technical)[ \t]+)?"
    r"(?:stack|technologies used)\b[^\n]{0,40}?:?[ \t]*(?=\n)",
    re.IGNORECASE,
)
_ANY_HEADING = re.compile(r"[^\n]{1,40}:[ \t]*$|[A-Z][A-Z ]{3,40}$")
_PROSE_LINE = re.compile(r".*[.!?][ \t]*$|(?:\S+[ \t]+){15,}")
_SECTION_MAX = 3000  # characters: a company section is a few paragraphs at most
_HEADING_REACH = 40  # characters between a line start and a heading word at most


def _stack_end(text: str, pos: int) -> int:
    """Where a stack list that starts at ``pos`` ends: at the next heading or prose line."""
    limit = min(len(text), pos + _SECTION_MAX)
    nl = text.find("\n", pos, limit)
    while nl != -1:
        e = text.find("\n", nl + 1, limit)
        line = text[nl + 1 : e if e != -1 else limit]
        if _PROSE_LINE.match(line) or (
            len(line) <= 80
            and (
                _JOB_HEADING.match(line) or _COMPANY_HEADING.match(line) or _ANY_HEADING.match(line)
            )
        ):
            return nl
        nl = e
    return limit


def _section(text: str, pos: int) -> tuple[int, int] | None:
    """The section opened by a heading word at ``pos``, or None if it is not a heading.

    A stack list ("Our tech stack", "TECHNOLOGY STACK") runs to the next heading or prose
    line; a company section ("About us", "Job benefits:") to the next heading about the job
    or the candidate.
    """
    lo = max(0, pos - _HEADING_REACH)
    nl = text.rfind("\n", lo, pos)
    starts = []
    if nl != -1 or lo == 0:
        ls = nl + 1
        m = _STACK_HEADING.match(text, ls)
        if m is not None and m.end() > pos:
            return m.end(), _stack_end(text, m.end())
        starts.append(ls)
    # a company heading starts a line or follows the end of a sentence ("... Job benefits:")
    for end in (". ", "! ", "? ", ": "):
        k = text.rfind(end, lo, pos)
        if k != -1:
            starts.append(k + 2)
    for start in starts:
        m = _COMPANY_HEADING.match(text, start)
        if m is not None and m.end() > pos:
            end = m.end()
            job = _JOB_HEADING_LINE.search(text, end, min(len(text), end + _SECTION_MAX))
            return end, job.start() if job is not None else min(len(text), end + _SECTION_MAX)
    return None


def _company_context_matches(
    text: str, starts: list[int], voice: list[int], headings: list[int]
) -> set[int]:
    """Indexes of matches in company-voice sentences and company or stack sections.

    ``voice`` and ``headings`` are the (sorted) positions of the company-voice words and of
    the section heading words the matcher found.
    """
    n_chosen = len(starts)
    bisect_left = bisect.bisect_left
    drop: set[int] = set()
    voiced: list[tuple[int, int]] = []  # short lines in the company's voice, with skills
    # company-voice words: each line (or sentence of a long line) is judged once
    done = -1  # end of the last line or sentence handled
    for pos in voice:
        if pos < done:
            continue
        ls, le = _line_around(text, pos)
        i = bisect_left(starts, ls)
        if i == n_chosen or starts[i] >= le:
            done = le  # no skill on this line
            continue
        if le - ls > _LONG_LINE:
            ls, le = _sentence(text, pos, ls, le)
            i = bisect_left(starts, ls, i)
            if i == n_chosen or starts[i] >= le:
                done = le
                continue
        done = le
        if _company_voice(text[ls:le]):
            drop.update(range(i, bisect_left(starts, le, i)))
            if le - ls <= _LONG_LINE:
                voiced.append((ls, le))
    if len(voiced) > 1:
        drop.update(_company_list_matches(text, starts, voiced))
    # section heading words: a section is judged once, from its first heading word
    done = -1  # end of the last section handled
    for pos in headings:
        if pos < done:
            continue
        span = _section(text, pos)
        if span is None:
            continue
        a, done = span
        i = bisect_left(starts, a)
        drop.update(range(i, bisect_left(starts, done, i)))
    return drop


def _block_edge(line: str) -> bool:
    """Does this line end a block of list lines: blank, long, or a heading?"""
    line = line.strip()
    return (
        not line
        or len(line) > _LONG_LINE
        or line[-1] == ":"
        or (line[-1] not in ".!?" and len(line.split(None, 4)) <= 4)
        # _ANY_HEADING: a line ending with a colon (above) or in capitals, at most 41 long
        or (len(line) <= 41 and "A" <= line[0] <= "Z" and _ANY_HEADING.match(line) is not None)
    )


def _company_list_matches(text: str, starts: list[int], voiced: list[tuple[int, int]]) -> set[int]:
    """Indexes of matches on the other lines of a list told in the company's voice.

    ``voiced`` are the (sorted) short lines in the company's voice that hold skills.  When two
    or more of them stand in one block of lines (between blank lines or headings), as many as
    the block's other lines with skills, and none of those addresses the candidate or sets a
    task, those lines describe the company too ("Java and Groovy for our back-end apps" /
    "Python for data processing" / "CentOS as the basis for all our servers").
    """
    bisect_left = bisect.bisect_left
    n = len(text)
    drop: set[int] = set()
    done = -1  # end of the last block judged
    for k, (ls, le) in enumerate(voiced):
        if ls < done:
            continue
        # a block needs the next voiced line: look no further than that first
        nxt = voiced[k + 1][0] if k + 1 < len(voiced) else -1
        b = le
        while b + 1 <= nxt:
            e = text.find("\n", b + 1)
            e = n if e == -1 else e
            if _block_edge(text[b + 1 : e]):
                break
            b = e
        if b + 1 <= nxt or nxt == -1:
            done = b if nxt != -1 else done
            continue
        a = ls  # the block's first line
        while a > 0:
            p = text.rfind("\n", 0, a - 1) + 1
            if _block_edge(text[p : a - 1]):
                break
            a = p
        b = le  # the end of its last line
        while b < n:
            e = text.find("\n", b + 1)
            e = n if e == -1 else e
            if _block_edge(text[b + 1 : e]):
                break
            b = e
        done = b
        company = 0
        others: list[tuple[int, int]] = []  # (first, end) match indexes of the other lines
        p = a
        while p < b:
            e = text.find("\n", p, b)
            e = b if e == -1 else e
            i = bisect_left(starts, p)
            j = bisect_left(starts, e, i)
            k = bisect.bisect_right(voiced, (p, n)) - 1
            if k >= 0 and voiced[k][0] <= p < voiced[k][1]:
                company += i < j
                e = voiced[k][1]  # a voiced line may wrap over several
                j = bisect_left(starts, e, i)
            elif i < j:
                line = text[p:e]
                if _addresses_candidate(line) or _is_task(line):
                    company = 0
                    break
                others.append((i, j))
            p = e + 1
        if company >= 2 and company >= len(others):
            for i, j in others:
                drop.update(range(i, j))
    return drop


# Third-person sentences about the employer: "<Company> develops foundation models for document
# understanding and search", "Acme is a global leader in financial services", "The platform
# team uses Kafka".  The verb is found by the automaton; what stands before it in the sentence
# must look like a company's name: a few words, capitalised, no skill, nobody to be hired.
_COMPANY_VERBS = (
    "is a",
    "is an",
    "is the",
    "is one",
    "was founded",
    "were founded",
    "develops",
    "builds",
    "provides",
    "offers",
    "creates",
    "designs",
    "delivers",
    "operates",
    "powers",
    "helps",
    "serves",
    "enables",
    "empowers",
    "manages",
    "specializes",
    "specialises",
    "utilizes",
    "utilises",
    "uses",
    "leverages",
    "connects",
    "produces",
    "sells",
    "invests",
    "pioneers",
    "revolutionizes",
    "revolutionises",
    "automates",
    "protects",
    "aligns",
    "picks",
    "makes",
    "employs",
    "partners",
    "focuses",
    "aims",
    "strives",
    "believes",
    # what the company is after, its subject a noun: "The short-term goal is to ..."
    "goal is",
    "goals are",
    "ambition is",
    "mission is",
    "vision is",
    "aim is",
    "purpose is",
)
_SUBJECT_MAX_WORDS = 6
_SUBJECT_REACH = 160  # characters before the verb searched for the subject's start
# A subject with one of these words is the hire, the job or a thing, not the company.
_NOT_COMPANY = _words(
    """
    you your we our i he she they it its this that these those who which what there here
    candidate candidates applicant applicants ideal successful person individual role
    position job work experience knowledge
    """
) | (ROLE_NOUNS - _words("team teams group groups department departments guild chapter squad"))
# Nouns that make a subject an organisation even when a skill names it ("The Data Catalog
# platform", "The Cybersecurity group at Acme").
_ORG_NOUNS = _words(
    "team group company department division firm organization organisation platform startup"
)
_PLACEHOLDERS = re.compile(r"<[A-Z]+>(?:\s+<[A-Z]+>)*")
_SUBJECT_START = re.compile(r"[\s\-\u2013\u2014*\u2022\u00b7>]*")


def _company_subject_matches(text: str, starts: list[int], verbs: list[int]) -> set[int]:
    """Indexes of matches in sentences whose subject is the company, in the third person.

    ``verbs`` are the (sorted) positions of the company verbs the matcher found.  A sentence
    that still addresses the candidate ("Acme uses Go: you will need it") keeps its skills.
    Most verbs found are in other sentences ("the tool makes ..."), so the cheap tests on
    the few characters before the verb come first.
    """
    bisect_left = bisect.bisect_left
    n_chosen = len(starts)
    n = len(text)
    drop: set[int] = set()
    done = -1  # end of the last sentence handled
    for pos in verbs:
        if pos < done:
            continue
        k = bisect_left(starts, pos)
        if k == n_chosen or starts[k] > pos + _SENT_WINDOW:
            continue  # no skill after the verb in reach
        # the subject's start: a line start, a sentence end or a header field's colon
        # ("Company description: Acme is ...") close before the verb
        lo = pos - _SUBJECT_REACH if pos > _SUBJECT_REACH else 0
        b = max(text.rfind("\n", lo, pos), text.rfind(":", lo, pos))
        for m in _SENT_END.finditer(text, max(lo, b + 1), pos):
            k = m.start()
            if text[k] != "." or text[k - 1] != " ":
                b = k
        if b == -1 and lo > 0:
            continue  # no sentence starts near: the subject would be too long
        ls = _SUBJECT_START.match(text, b + 1).end()
        if ls >= pos:
            continue
        i = bisect_left(starts, ls)
        if i == n_chosen or starts[i] > pos + _SENT_WINDOW:
            continue  # no skill in reach
        # a de-identified name is a run of placeholders ("<ORGANIZATION> <ORGANIZATION>")
        head = text[ls:pos]
        subject = (_PLACEHOLDERS.sub("<>", head) if "<" in head else head).split()
        if len(subject) > _SUBJECT_MAX_WORDS + 2 or not (
            subject[0][0].isupper() or subject[0][0] == "<"
        ):
            continue
        lowered = [w.lower() for w in subject]
        named = not _ORG_NOUNS.isdisjoint(lowered)
        if (len(subject) > _SUBJECT_MAX_WORDS and not named) or not _NOT_COMPANY.isdisjoint(
            lowered
        ):
            continue
        if starts[i] < pos and not named:
            continue  # a skill is the subject ("Python is a must"), not a group named after it
        # the sentence's end: a line end or a sentence end
        le = text.find("\n", pos, pos + _SENT_WINDOW)
        if le == -1:
            le = min(n, pos + _SENT_WINDOW)
        else:
            le = min(_wrapped_end(text, le), pos + _SENT_WINDOW)
        for m in _SENT_END.finditer(text, pos, le):
            k = m.start()
            if text[k] != "." or text[k - 1] != " ":
                le = k
                break
        if starts[i] >= le:
            continue
        # "understanding" or "experience" here are the company's ("document understanding"):
        # only a word about the hire keeps the sentence
        words = text[pos:le].encode("utf-8", "replace").translate(_ASCII_BYTES).split()
        if not _HIRING_CUES.isdisjoint(words):
            continue
        done = le
        drop.update(range(i, bisect_left(starts, le, i)))
    return drop


# --------------------------------------------------------------------------------------
# Industries
# --------------------------------------------------------------------------------------

# Skills of this category name an industry ("Financial services", "E-commerce").  Postings
# ask for one in a header field or a list ("Industry: Banking Fintech") or of the candidate
# ("experience in the financial sector is a plus"); named in any other sentence it is the
# employer's own market ("Acme is a global leader in financial services", "we are
# transforming the healthcare industry"): not a requirement.
INDUSTRY_CATEGORY = "industry"
_ITEM_WORDS = 8  # a line of at most this many words, not a sentence, is a list item or a value
_FIELD_WORDS_BEFORE = 3  # "Industry: Broadcast Telecommunications": a field's value


def _industry_asked(text: str, starts: list, ends: list, cands: list, i: int) -> bool:
    """Does the text ask the industry named by match ``i`` of the candidate, or list it?"""
    if _adjacent_skill(text, starts, ends, cands, i):
        return True  # a list: "Banking Financial Services"
    s = starts[i]
    ls, le = _line_around(text, s)
    if le - ls > _LONG_LINE:
        ls, le = _sentence(text, s, ls, le)
    line = text[ls:le].strip(_BULLETS)
    # (split no further than the word limit: a long line need not be split whole)
    if line and line[-1] not in ".!?" and len(line.split(None, _ITEM_WORDS)) <= _ITEM_WORDS:
        return True  # a list item or a header value on its own line
    colon = text.rfind(":", ls, s)
    if (
        colon != -1
        and len(text[colon + 1 : s].split(None, _FIELD_WORDS_BEFORE)) <= _FIELD_WORDS_BEFORE
    ):
        return True  # a field's value inside a longer line
    return not _CANDIDATE_CUES.isdisjoint(
        text[ls:le].encode("utf-8", "replace").translate(_ASCII_BYTES).split()
    )


# --------------------------------------------------------------------------------------
# Required or nice to have
# --------------------------------------------------------------------------------------

# Words that mark skills as optional.  Where the word stands says which skills it covers:
# a heading line ("Nice to have:", "Bonus points") covers its section; a word opening a line
# ("Ideally you know Rust", "Bonus: Spark") the rest of it; a word looking ahead inside a
# line ("SQL, ideally PostgreSQL") the rest of its clause; any other ("Kafka is a plus",
# "Spark preferred") its clause so far.
_OPTIONAL_WORDS = (
    "nice to have",
    "nice to haves",
    "good to have",
    "great to have",
    "bonus",
    "bonus points",
    "a plus",
    "big plus",
    "pluses",
    "preferred",
    "preferable",
    "preferably",
    "ideally",
    "desirable",
    "an advantage",
    "advantageous",
    "beneficial",
    "optional",
    "not required",
    "not mandatory",
    "not a must",
    "would be great",
    "would be nice",
    # longer than the company verbs "is a" / "is an", which would otherwise take them
    "is a plus",
    "is a big plus",
    "is a bonus",
    "is an advantage",
    "is a nice to have",
)
_LOOKING_AHEAD = frozenset(["preferably", "ideally"])
# after a word looking ahead, a comma ends its reach too ("SQL, ideally PostgreSQL, and Go")
_AHEAD_END = re.compile(r"[.;:,()\[\]!?](?=\s|$)|[;:,()\[\]]")
_REQUIRED_WORD = re.compile(r"\b(?:required|must|mandatory|essential|needed)\b", re.IGNORECASE)
_LABEL_AFTER = re.compile(r"[A-Za-z -]{2,24}?[ \t]*:")
# Clause ends: a sentence end, a semicolon, a colon, a bracket.
_CLAUSE_END = re.compile(r"[.;:()\[\]!?](?=\s|$)|[;:()\[\]\u2013\u2014]|\s-\s")
_OPTIONAL_HEADING_WORDS = 6  # a heading line has at most this many words
_BULLETS = " \t-*#\u2022\u00b7\u25aa\u25cf\u25e6>\u2013\u2014"  # and Markdown "##", "**"


def _optional_matches(text: str, starts: list[int], markers: list[int]) -> set[int]:
    """Indexes of matches the text marks as optional; ``markers`` are the (sorted) positions
    of the optional words the matcher found."""
    bisect_left = bisect.bisect_left
    n = len(text)
    n_chosen = len(starts)
    out: set[int] = set()
    for pos in markers:
        i = bisect_left(starts, pos - _SENT_WINDOW)
        if i == n_chosen or starts[i] > pos + _SECTION_MAX:
            continue  # no skill it could cover
        lo = max(0, pos - _SENT_WINDOW)
        ls = text.rfind("\n", lo, pos) + 1 or lo
        le = text.find("\n", pos, pos + _SENT_WINDOW)
        if le == -1:
            le = min(n, pos + _SENT_WINDOW)
        if le - ls > _LONG_LINE:
            ls, le = _sentence(text, pos, ls, le)
        head = text[ls:pos].strip(_BULLETS)
        label = _LABEL_AFTER.match(text, pos) if head else None
        if label is not None:
            a, b = label.end(), le  # a label inside a line: "Must have: Go, Bonus: Rust"
        elif not head:
            rest = text[pos:le].rstrip()
            i = bisect_left(starts, pos)
            if (
                len(rest.split(None, _OPTIONAL_HEADING_WORDS)) <= _OPTIONAL_HEADING_WORDS
                and ":" not in rest[:-1]
                and (i == len(starts) or starts[i] >= le)  # no skill on the line itself
            ):
                a, b = le, _section_end(text, le)  # a heading: its section
            else:
                a, b = pos, le  # the rest of the line
        elif text[pos : pos + 16].split(maxsplit=1)[0].lower() in _LOOKING_AHEAD:
            m = _AHEAD_END.search(text, pos, le)
            a, b = pos, m.start() if m else le
        else:
            b = pos
            bracket = text.rfind("(", ls, pos)
            if bracket != -1 and not text[bracket + 1 : pos].strip():
                b = bracket  # "Python (preferred)": what stands before the bracket
            a = ls
            for m in _CLAUSE_END.finditer(text, ls, b):
                a = m.end()
            # "Python required, Spark is a plus": what was required stays required
            for m in _REQUIRED_WORD.finditer(text, a, b):
                a = m.end()
        i = bisect_left(starts, a)
        out.update(range(i, bisect_left(starts, b, i)))
    return out


def _section_end(text: str, pos: int) -> int:
    """Where the section that starts at ``pos`` (after its heading line) ends: at the next
    heading line, or a blank line after some content."""
    limit = min(len(text), pos + _SECTION_MAX)
    nl = pos
    seen = False
    while nl != -1 and nl < limit:
        e = text.find("\n", nl + 1, limit)
        line = text[nl + 1 : e if e != -1 else limit].strip()
        if not line:
            if seen:
                return nl
        elif (
            line[0] not in _BULLETS
            and line.count(" ") < 8
            and (
                _JOB_HEADING.match(line) or _COMPANY_HEADING.match(line) or _ANY_HEADING.match(line)
            )
        ):
            return nl
        else:
            seen = True
        nl = e
    return limit
