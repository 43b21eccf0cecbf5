"""Dagster definitions of the transform concern (merged in dart_assets/definitions.py)."""

import dagster as dg

defs = dg.Definitions()
