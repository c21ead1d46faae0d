"""The matching engine (撮合引擎): who should be called for this opening, which jobs suit this person.

``tokenizer`` (Chinese segmentation) -> ``index`` (sparse text rows) + ``frame``/``load`` (people and openings
as arrays) -> ``eligibility`` (hard rules with Chinese reasons) -> ``features`` -> ``ranker`` (the learned
model; ``artifact`` saves and loads it) -> ``explain``; ``search`` puts them together, ``service`` runs them
over the database, ``training``/``outcome``/``evaluation`` learn from and measure against recorded outcomes.
"""
