"""Bring your own register: import the spreadsheets forces already keep, by mapping their
columns to Realise's fields (docs/import.md)."""
