"""Permission-matrix cases of the account opportunity pages and API (opportunities helper)."""

HTML_CASES: dict = {}
API_OPERATIONS: dict = {}
