"""Reading the archive: search (search.py, with filters.py), export (export.py), an article's
history and diffs (history.py), and the browser UI (ui.py, a Datasette plugin). Read-only."""
