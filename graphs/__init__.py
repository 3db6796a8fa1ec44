"""Graph wiring that langgraph.json files point at: the orchestrator and its example children."""
