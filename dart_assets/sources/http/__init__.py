"""What every HTTP source shares: rate ceiling, daily budget, circuit breaker, call records, retries."""
