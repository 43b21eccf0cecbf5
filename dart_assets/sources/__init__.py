"""One folder per upstream source: dart/, krx/, ecos/, and market/ for the market_raw tables
the last two fill; all on the HTTP foundations of http/.
"""
