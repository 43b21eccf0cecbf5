"""A code location for the sensor-daemon tests: dart-fg's own alert sensors and one that always
fails, loaded without with_automation's check because these tests break the config after load."""

import dagster as dg

from dart_assets.alerting.sensors import alert_outbox, breaker_alerts, quota_alerts


@dg.sensor(name="always_fails", minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def always_fails(context: dg.SensorEvaluationContext) -> None:
    raise RuntimeError("cannot reach https://hooks.example.test/services/T0/B0/tick-secret-token")


defs = dg.Definitions(sensors=[alert_outbox, breaker_alerts, quota_alerts, always_fails])
