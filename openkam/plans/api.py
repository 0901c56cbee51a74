from ninja import Router

router = Router(tags=["Account plans"])
