"""Operating the platform: health, metrics, retention, audit of operator actions,  operator commands."""
