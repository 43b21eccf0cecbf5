"""Dagster definitions of the ingestion concern (merged in dart_assets/definitions.py)."""

import dagster as dg

defs = dg.Definitions()
