"""The JSON API under /api/v1/ (Django REST framework): the public read API (jobs, skills,
salary bands) and the employer API an applicant tracking system syncs roles through.

Thin by design: which postings match is postings.filters / postings.search (the same
definition and visible() rule as /jobs/), and every write goes through the employer services
the site's forms use. Serializers only shape output.
"""
