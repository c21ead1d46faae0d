"""Entry points: the FastAPI app, the ``anye`` command line, settings and the error mapping."""
