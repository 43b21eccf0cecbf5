"""The dart_raw assets: one module per table, filled from OpenDART."""
