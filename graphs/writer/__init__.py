"""The writer deployment's graph wiring."""
