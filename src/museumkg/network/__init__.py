"""Derivation and the partnership network: rules that derive partnerships, incremental re-
derivation, the network as data, its metrics, exports and "why linked".
"""
