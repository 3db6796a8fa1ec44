"""The analyst deployment's graph wiring."""
