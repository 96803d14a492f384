"""Profile: a reader's library and ratings turned into the model that ranks their days."""
