"""Package data of the matching engine, read through ``importlib.resources``: the tokenizer's user-dictionary
words, synonyms and stop words, and ``demand.csv`` (the physical demand of jobs by title words)."""
