"""Recovery from failed runs: dead letters and the sensors that record and re-drive them."""
