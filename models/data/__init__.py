"""Package data: taxonomy tables read by ``models.taxonomy`` (sources and licences in SOURCES.md)."""
