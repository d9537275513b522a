"""Curated records: finding and parsing record files, the curators' YAML, and the converters of
delivered source tables.
"""
