"""The skill match (/match/): a seeker's skills in, the roles they fit out, ranked by the one
score of postings.matching.score, with the skills that would open the most roles next."""
