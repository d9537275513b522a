"""SPARQL for users: screening query text, running it in guarded workers or against a remote
server, result formats, the service description.
"""
