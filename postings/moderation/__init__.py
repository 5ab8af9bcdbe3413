"""Staff moderation of postings: the review queue, approving and rejecting (issue 5)."""
