"""API operations of the personality app (mounted under /accounts; see openkam/api.py)."""

from ninja import Router

router = Router(tags=["personality"])
