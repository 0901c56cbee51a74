from ninja import Router

me_router = Router(tags=["RACI matrix"])
