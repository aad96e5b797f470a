"""产改通: shared settings and the operator command line."""
