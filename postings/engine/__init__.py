"""The job-search engine: the published postings' searchable fields in a Tantivy index.

PostgreSQL stays the source of truth and the one definition of what a search means
(postings.filters). The index is a copy built for the questions PostgreSQL answers slowly
at a million postings: filters that are selective together but not alone, with a sort that
walks an index, their counts and their facet counts. Its text field holds PostgreSQL's own
lexemes at their own positions (the posting's `search_vector`), and a text search is turned
into lexemes by PostgreSQL's own `websearch_to_tsquery`, so words, stemming, stop words and
phrases match exactly as they do in SQL (tests/postings/test_search_engine.py holds the two
to the same answers).

- `index`: the write side. A full build (`manage.py search_index --rebuild`) and the sync
  that follows PostgreSQL's change feed (PostingChange rows, written by triggers), run by a
  periodic task. One writer at a time (a file lock); readers are never blocked.
- `query`: the read side, what postings.search asks: counts, facet counts and ordered ids.

Where there is no index yet (a fresh database while the first build runs, or a test that
did not build one), postings.search answers from PostgreSQL alone, as it always could.
"""
