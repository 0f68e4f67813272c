"""Reports for supervisors and admins: the year-end evaluation, coverage, placements, exports."""
