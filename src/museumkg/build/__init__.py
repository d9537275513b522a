"""The build that orchestrates the rest: validate, load, derive, index and release into a new store
folder, then swap; bulk loads; the atomic import of curated files.
"""
