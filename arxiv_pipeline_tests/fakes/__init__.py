"""Stand-ins that speak the real protocols on 127.0.0.1 (arXiv Atom/RSS and full texts, OpenAI
chat completions, SMTP, chat webhooks) and a throwaway PostgreSQL server: shared by the tests and
the benchmarks."""
