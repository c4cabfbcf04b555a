"""Command line: parses arguments, builds the pieces, prints results. No pipeline logic here."""
