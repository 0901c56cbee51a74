"""Request names shared by the locustfile (which records them) and run.py (which groups them).

Kept free of locust imports: importing locust monkey-patches the standard library with gevent,
which run.py (a plain orchestrator) must not suffer.
"""

LOGIN_FORM = "login form"
LOGIN = "login"
SETUP_IDS = "setup: visible account ids"
ACCOUNTS_LIST = "GET /accounts/"
ACCOUNT_DETAIL = "GET /accounts/[id]/"
API_LIST = "GET /api/v1/accounts"
API_DETAIL = "GET /api/v1/accounts/[id]"
FLOOR = "floor: GET /healthz"

# The pages the targets apply to, in the order of the result table.
ACCOUNT_PAGES = (ACCOUNTS_LIST, ACCOUNT_DETAIL, API_LIST, API_DETAIL)
# Done once per simulated user before it starts browsing; counted for errors, not for latency.
SETUP = (LOGIN_FORM, LOGIN, SETUP_IDS)
