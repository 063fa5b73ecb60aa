from openkyc.kit.errors import NotFound, Unprocessable


class EndpointNotFound(NotFound):
    default_code = "WEBHOOK_ENDPOINT_NOT_FOUND"


class DeliveryNotFound(NotFound):
    default_code = "WEBHOOK_DELIVERY_NOT_FOUND"


class WebhookUrlRefused(Unprocessable):
    default_code = "WEBHOOK_URL_REFUSED"
