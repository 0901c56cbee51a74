"""Permission-matrix cases of the cross-account pipeline pages and API (pipeline helper)."""

HTML_CASES: dict = {}
API_OPERATIONS: dict = {}
