"""The researcher deployment's graph wiring."""
