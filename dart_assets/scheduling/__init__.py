"""The pipeline's jobs and their schedules (Asia/Seoul)."""
