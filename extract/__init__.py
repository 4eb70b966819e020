"""PDF bytes → `contracts.raw.RawNotice`: the reader and the reader processes that run it."""

# Recorded with every document; a file an older version could not load is read again by a newer one
# (flows.runs.split_known). Raise it when the reader reads more than it did.
PARSER_VERSION = "2.0.0"
