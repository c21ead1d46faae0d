"""HTTP routes, one module per resource; each route parses, calls one service and returns a schema."""
