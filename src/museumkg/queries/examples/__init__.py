"""Example queries shown in the web app's SPARQL editor (``museumkg.sparql.example_queries``)."""
