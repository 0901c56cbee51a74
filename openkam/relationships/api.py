"""API operations of the relationships app (mounted under /accounts; see openkam/api.py)."""

from ninja import Router

router = Router(tags=["relationships"])
