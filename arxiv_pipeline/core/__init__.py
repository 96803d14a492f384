"""The pipeline's logic in plain Python: no Dagster import anywhere under this package."""
