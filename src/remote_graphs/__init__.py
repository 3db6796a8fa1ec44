"""Compose graphs that live on other LangGraph Agent Server deployments."""
