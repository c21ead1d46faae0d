"""The matching engine: tokenizer, indexes, eligibility, features, ranking model (later issues)."""
