"""The Bank of Korea ECOS API: market interest rates (table 817Y002) for the bond components."""
