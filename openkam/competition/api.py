from ninja import Router

router = Router(tags=["Requirements and competitors"])
