from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses
from openkyc.webhooks import service
from openkyc.webhooks.models import WebhookDelivery
from openkyc.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    EndpointCreate,
    EndpointCreated,
    EndpointOut,
    EndpointUpdate,
)

router = APIRouter(
    prefix="/v1/webhooks", tags=["webhooks"], responses=error_responses(*SIGNED_ERRORS)
)


@router.post(
    "/endpoints", response_model=EndpointCreated, status_code=201, summary="Add a webhook endpoint"
)
def create_endpoint(
    body: EndpointCreate, caller: Caller, session: DbSession, state: State
) -> EndpointCreated:
    """Events are POSTed as JSON signed with Standard Webhooks headers (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`) under the returned secret, shown this once."""
    endpoint, secret = service.create_endpoint(
        session, state.keyring, state.webhooks, caller.tenant, body, caller.actor
    )
    return EndpointCreated.model_validate(
        {**EndpointOut.model_validate(endpoint).model_dump(), "secret": secret}
    )


@router.get("/endpoints", response_model=list[EndpointOut], summary="List webhook endpoints")
def list_endpoints(caller: Caller, session: DbSession) -> list[EndpointOut]:
    return [EndpointOut.model_validate(e) for e in service.list_endpoints(session, caller.tenant)]


@router.get("/endpoints/{endpoint_id}", response_model=EndpointOut, summary="A webhook endpoint")
def get_endpoint(endpoint_id: str, caller: Caller, session: DbSession) -> EndpointOut:
    return EndpointOut.model_validate(service.get_endpoint(session, caller.tenant, endpoint_id))


@router.patch(
    "/endpoints/{endpoint_id}", response_model=EndpointOut, summary="Change a webhook endpoint"
)
def update_endpoint(
    endpoint_id: str, body: EndpointUpdate, caller: Caller, session: DbSession, state: State
) -> EndpointOut:
    endpoint = service.update_endpoint(
        session, state.webhooks, caller.tenant, endpoint_id, body, caller.actor
    )
    return EndpointOut.model_validate(endpoint)


@router.delete(
    "/endpoints/{endpoint_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a webhook endpoint",
)
def delete_endpoint(endpoint_id: str, caller: Caller, session: DbSession) -> Response:
    service.delete_endpoint(session, caller.tenant, endpoint_id, caller.actor)
    return Response(status_code=204)


def _delivery_out(session: Session, delivery: WebhookDelivery) -> DeliveryOut:
    event_type, attempts = service.delivery_details(session, delivery)
    return DeliveryOut.model_validate(
        {
            **{
                k: getattr(delivery, k)
                for k in (
                    "id",
                    "event_id",
                    "endpoint_id",
                    "status",
                    "attempts",
                    "next_attempt_at",
                    "created_at",
                )
            },
            "event_type": event_type,
            "attempt_log": [AttemptOut.model_validate(a) for a in attempts],
        }
    )


@router.get("/deliveries", response_model=list[DeliveryOut], summary="Recent deliveries")
def list_deliveries(
    caller: Caller,
    session: DbSession,
    status: Annotated[Literal["pending", "succeeded", "failed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DeliveryOut]:
    """Every attempt is listed with its status code, latency and the start of the response."""
    items = service.list_deliveries(session, caller.tenant, limit, status)
    return [_delivery_out(session, d) for d in items]


@router.get("/deliveries/{delivery_id}", response_model=DeliveryOut, summary="A delivery")
def get_delivery(delivery_id: str, caller: Caller, session: DbSession) -> DeliveryOut:
    return _delivery_out(session, service.get_delivery(session, caller.tenant, delivery_id))


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    status_code=202,
    summary="Send a delivery's event again",
)
def redeliver(delivery_id: str, caller: Caller, session: DbSession) -> DeliveryOut:
    delivery = service.redeliver(session, caller.tenant, delivery_id, caller.actor)
    return _delivery_out(session, delivery)
