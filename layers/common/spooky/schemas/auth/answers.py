"""The bare acknowledgements several auth routes answer with."""

from spooky.schemas.common import WireModel


class StatusOut(WireModel):
    status: bool = True


class SuccessOut(WireModel):
    success: bool = True
