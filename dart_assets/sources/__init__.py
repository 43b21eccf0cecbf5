"""One folder per upstream source (dart/, krx/, ecos/, market/ for the market_raw tables they fill), on the HTTP foundations of http/."""
