"""Checks on records and the built catalog: references and SHACL, OWL reasoning, likely duplicates,
the quality graph.
"""
