"""The synthetic catalog generator for benchmarks (own base IRI, every entity marked synthetic)."""
