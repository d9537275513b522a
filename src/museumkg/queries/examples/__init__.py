"""Example queries shown in the web app's SPARQL editor (``museumkg.queries.example_queries``)."""
