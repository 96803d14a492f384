"""Talking to OpenAI-compatible LLM endpoints."""
