"""Finding terms that look like skills the taxonomy does not know yet. No Django here.

Two signals, both cheap: the shape of a token (CamelCase "LangChain", dotted "Vue.js",
versioned "GPT-4", short all-capitals "ONNX") and company: a capitalized term listed next to
a known skill ("PyTorch, JAX and Triton"). Each posting counts once per term.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from skills.extraction import SkillMatcher, normalize

# A token that looks like a product or technology name.
_SHAPED = re.compile(
    r"(?<![\w.])("
    r"[A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)+"  # CamelCase: LangChain, TensorRT
    r"|[A-Za-z][A-Za-z0-9]*\.(?:js|ts|io|ai|py|net)"  # dotted: Vue.js, Socket.io
    r"|[A-Z][A-Za-z]*-?\d+(?:\.\d+)?[a-z]?"  # versioned: GPT-4, Llama2, Python3
    r"|[A-Z]{3,6}(?:s)?"  # acronyms: ONNX, RAG, LLMs (two letters are mostly noise: HQ, PR)
    r")(?![\w])"
)
# In a list next to a known skill: up to three capitalized words.
_LIST_ITEM = re.compile(r"[A-Z][\w+#.-]*(?: [A-Z][\w+#.-]*){0,2}")
_SEPARATORS = re.compile(r",|;|/|\(|\)|\band\b|\bor\b|\bsuch as\b|\blike\b")
# Capitalized words and acronyms that are not technologies.
STOPWORDS = frozenset(
    """
    a an and or the we our you your they their it its this that these those i us me my
    he she his her at in on of for to with by from as is are be will can may must
    eu us uk usa eea emea apac amer latam uae nyc sf la ceo cto cfo vp hr pto faq ok
    inc llc ltd gmbh plc co corp am pm est pst cet utc gmt etc eg ie phd msc bsc ms bs ba
    ma mba jr sr ii iii iv senior junior lead staff principal head remote hybrid onsite
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december new york london berlin paris
    organization location person date url email phone address
    """.split()
)


@dataclass
class Candidate:
    term: str
    key: str
    postings: int = 0
    examples: list[str] = field(default_factory=list)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence or line around `pos` (". " ends a sentence; "Vue.js" does not)."""
    lo = max(text.rfind(". ", 0, pos) + 1, text.rfind("\n", 0, pos) + 1, 0)
    ends = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i != -1]
    return lo, min(ends) if ends else len(text)


def _sentence_around(text: str, start: int) -> str:
    lo, hi = _sentence_bounds(text, start)
    return text[lo:hi].strip()[:300]


def find_candidates(
    texts: Iterable[str],
    *,
    matcher: SkillMatcher,
    known_keys: set[str],
    min_postings: int = 3,
    max_examples: int = 3,
) -> list[Candidate]:
    """Unknown skill-like terms in `texts`, with the number of texts they occur in."""
    counts: Counter[str] = Counter()
    found: dict[str, Candidate] = {}
    for text in texts:
        seen: dict[str, tuple[str, int]] = {}
        for m in _SHAPED.finditer(text):
            seen.setdefault(normalize(m.group(1)), (m.group(1), m.start(1)))
        for match in matcher.find(text):
            # The other items of a list the known skill stands in, taken from whole
            # sentences so no item is cut; the sentence's first word is usually a verb
            # ("Design, train and ship ...") and is left out.
            lo, hi = _sentence_bounds(text, match.start)
            items = _SEPARATORS.split(text[lo:hi])
            for index, item in enumerate(items):
                item = item.strip(" -*•:.")
                if index == 0 and not _SHAPED.fullmatch(item.split(" ")[0] if item else ""):
                    item = " ".join(item.split(" ")[1:])
                if _LIST_ITEM.fullmatch(item):
                    seen.setdefault(normalize(item), (item, text.find(item, lo)))
        for key, (term, start) in seen.items():
            if not key or key in known_keys or key in STOPWORDS or len(key) < 2:
                continue
            if all(word in STOPWORDS for word in key.split()):
                continue
            counts[key] += 1
            candidate = found.setdefault(key, Candidate(term=term, key=key))
            if len(candidate.examples) < max_examples and start >= 0:
                candidate.examples.append(_sentence_around(text, start))
    result = []
    for key, n in counts.most_common():
        if n < min_postings:
            break
        found[key].postings = n
        result.append(found[key])
    return result
