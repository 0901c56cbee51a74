from ninja import Router

router = Router(tags=["Account profile and market"])
