"""The Dagster code location: the definitions of each concern, merged. Nothing else."""

import dagster as dg

from dart_assets.automation.defs import with_automation
from dart_assets.ingestion.defs import defs as ingestion_defs
from dart_assets.transform.defs import defs as transform_defs

# Automation (schedules, sensors, freshness policies) wraps the pipeline it watches.
defs = with_automation(dg.Definitions.merge(ingestion_defs, transform_defs))
