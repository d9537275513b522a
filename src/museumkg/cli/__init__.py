"""The `museumkg` command line (click): one command per task, thin over the library."""
