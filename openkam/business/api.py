from ninja import Router

router = Router(tags=["Our business and whitespace"])
