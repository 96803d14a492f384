"""The asset groups the UI shows, in lineage order; the jobs select by them."""

INGESTION = "ingestion"
SELECTION = "selection"  # select, profile, score
SUMMARIZATION = "summarization"  # fulltext, summarize
PUBLISHING = "publishing"
DELIVERY = "delivery"

# Every group but the day's fetch: what a reader's own run builds in a lab.
READER_STAGES = (SELECTION, SUMMARIZATION, PUBLISHING, DELIVERY)
