"""HTTP helpers the views share: serving state, content negotiation, errors, languages and
messages, links, RDF twins.
"""
