"""The state database: respondent-level working data, updated incrementally from data/raw/."""
