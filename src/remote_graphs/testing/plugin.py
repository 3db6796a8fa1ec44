"""Pytest plugin: fixtures for the fake Agent Server."""
