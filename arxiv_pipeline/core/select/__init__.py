"""Select: the day's listings filtered to the papers a reader keeps, each left-out paper with its reason."""
