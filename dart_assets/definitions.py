"""The Dagster code location: the definitions of each concern, merged. Nothing else."""

import dagster as dg

from dart_assets.core.logs import configure_logging

# Modules, not their `defs`: Dagster refuses a module that holds more than one Definitions
# object at module scope (`dagster dev -m dart_assets.definitions` would fail to load).
from dart_assets.ops.defs import with_automation
from dart_assets.sources import defs as ingestion
from dart_assets.transform import defs as transform

# DART_FG_LOG_FORMAT=json: the Python logs of the code server and the run workers as JSON lines
# (Dagster's own event lines: dart_assets.core.logs.JsonLinesHandler in dagster.yaml).
configure_logging()

# Automation (schedules, sensors, freshness policies) wraps the pipeline it watches.
defs = with_automation(dg.Definitions.merge(ingestion.defs, transform.defs))
