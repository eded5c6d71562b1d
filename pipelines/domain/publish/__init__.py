"""Atomic publishing of a checked marts file, and the one-run-per-workspace lock."""
