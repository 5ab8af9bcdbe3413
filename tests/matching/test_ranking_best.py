"""The ranking's k best rows (ranking._best) are those of a full sort, best score first and
then the later row, however the scores tie and whichever rows are chosen: the probe that
narrows a large set first must keep every row tied with the k-th best."""

from __future__ import annotations

import numpy as np

from postings.matching import ranking


def test_the_best_rows_are_those_of_a_full_sort_however_the_scores_tie():
    rnd = np.random.default_rng(7)
    narrowed = 0
    for case in range(400):
        size = int(rnd.integers(1, 6000))
        # Scores are shares of small integers: few distinct values, many ties.
        values = rnd.choice([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0], size=int(rnd.integers(1, 8)))
        every = rnd.choice(values, size=size)
        chosen = rnd.random(size) < rnd.random()
        k = int(rnd.integers(1, 200))
        rows = np.flatnonzero(chosen).tolist()
        expected = sorted(rows, key=lambda row: (every[row], row), reverse=True)[:k]

        assert ranking._best(every, chosen, k).tolist() == expected, case
        narrowed += np.count_nonzero(chosen[:: ranking.PROBE_EVERY]) > k
    assert narrowed > 100  # the probe narrowed the rows in many of the cases
