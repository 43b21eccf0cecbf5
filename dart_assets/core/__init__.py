"""Foundations every concern shares: settings, logging, secret redaction, the XKRX calendar, partitions."""
