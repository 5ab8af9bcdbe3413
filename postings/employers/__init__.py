"""The employer side of the board: accounts, companies and their members, writing postings,
sending them to review, and managing them once live (issue 5)."""
