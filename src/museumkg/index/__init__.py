"""What pages read fast: the SQLite catalog index the build writes, search, class listings and
facets, the ontology's vocabulary, roles and the home page's overview.
"""
