"""API operations of this app (see openkam/api.py for authentication and errors)."""

from ninja import Router

router = Router()
