from ninja import Router

router = Router(tags=["Growth-plan questions"])
