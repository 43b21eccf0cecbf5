"""Foundations shared by the market-data clients (KRX Open API in krx/, Bank of Korea ECOS in
ecos/): typed errors, the request path (rate ceiling, daily budget, retries), exact values, and
the market_raw tables they feed."""
