"""The product's contracts, written once and imported by every stage (DESIGN §3–§6).

- `statuses`: file, file-event and run statuses, check severities, and what each means;
- `vocabulary`: the level names with their aliases, comparators, value kinds;
- `text`: the canonical spelling of printed text every stage compares and stores;
- `raw`: what extract hands to transform; `frames`: the typed frames transform hands on;
- `records`: the file, document and data-quality records that cross into load;
- `views`: the analyst views' columns and what each means.

This package sits below the stages (extract < transform < expectations < load < flows) and imports none of
them; `docs/gen_warehouse_doc.py` renders the reference from it.
"""
