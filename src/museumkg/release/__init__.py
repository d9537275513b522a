"""Releases: the dumps and their formats, JSON-LD compaction, VoID/DCAT, diffs between versions,
kept versions, pushing to a SPARQL server.
"""
