"""Helpers shared by test modules and benchmarks; test modules are never imported."""
