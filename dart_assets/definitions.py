"""The Dagster code location: the definitions of each concern, merged. Nothing else."""

import dagster as dg

from dart_assets.automation.defs import defs as automation_defs
from dart_assets.ingestion.defs import defs as ingestion_defs
from dart_assets.transform.defs import defs as transform_defs

defs = dg.Definitions.merge(ingestion_defs, transform_defs, automation_defs)
