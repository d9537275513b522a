"""Benchmarks of museumkg against the engines it stands on (see bench/README.md)."""
