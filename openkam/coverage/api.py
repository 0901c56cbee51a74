"""API operations of the coverage app (mounted under /accounts; see openkam/api.py)."""

from ninja import Router

router = Router(tags=["coverage"])
