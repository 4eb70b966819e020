"""PDF bytes → `contracts.raw.RawNotice`: the reader and the reader processes that run it."""

# Recorded with every document; a file read by an older version is read again when it could not be loaded.
PARSER_VERSION = "1.0.0"
