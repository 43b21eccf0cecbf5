"""dart-fg: DART disclosures into a validated warehouse and dbt marts for a KOSPI Fear & Greed index."""
