from .channels import CHANNELS


def site(request):
    return {"channels": CHANNELS}
