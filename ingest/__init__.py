"""Everything that brings data in: ledger workbooks, normalisers of IDs, dates, phones and vocabularies."""
