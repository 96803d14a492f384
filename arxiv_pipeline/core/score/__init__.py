"""Score: the kept papers ranked by keywords, the reader's profile and (optionally) an LLM."""
