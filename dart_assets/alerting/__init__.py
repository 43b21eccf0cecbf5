"""Incidents and their alerts: channels, configuration, freshness, and the sensors that raise them."""
