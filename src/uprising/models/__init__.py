"""Models built on the engine (the Belarus model will live here)."""
