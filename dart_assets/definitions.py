"""The Dagster code location: the definitions of each concern, merged. Nothing else."""

import dagster as dg

# Modules, not their `defs`: Dagster refuses a module that holds more than one Definitions
# object at module scope (`dagster dev -m dart_assets.definitions` would fail to load).
from dart_assets.automation.defs import with_automation
from dart_assets.ingestion import defs as ingestion
from dart_assets.transform import defs as transform

# Automation (schedules, sensors, freshness policies) wraps the pipeline it watches.
defs = with_automation(dg.Definitions.merge(ingestion.defs, transform.defs))
