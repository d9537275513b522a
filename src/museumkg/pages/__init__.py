"""Pages as plain data: an entity's statements with their sources, its bounded RDF description, a
source's statements, schema.org markup, the ontology's documentation.
"""
