"""Administration pages: users, units, CSV import, assignments, placements, plans, topics, tokens."""
