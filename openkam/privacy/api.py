"""API operations of the privacy app (mounted under /accounts; see openkam/api.py)."""

from ninja import Router

router = Router(tags=["privacy"])
