from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from openkyc.invoices import service
from openkyc.invoices.schemas import InvoiceOut
from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses

router = APIRouter(
    prefix="/v1/invoices", tags=["invoices"], responses=error_responses(*SIGNED_ERRORS)
)


@router.get("", response_model=list[InvoiceOut], summary="Closed invoices, newest first")
def list_invoices(caller: Caller, session: DbSession) -> list[InvoiceOut]:
    return [InvoiceOut.model_validate(i) for i in service.list_invoices(session, caller.tenant)]


@router.get(
    "/{period}",
    response_model=InvoiceOut,
    summary="One month's invoice (JSON or CSV)",
    responses={200: {"content": {"text/csv": {}}}},
)
def get_invoice(
    period: str,
    caller: Caller,
    session: DbSession,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> InvoiceOut | Response:
    """Lines per module and unit price, the workflow volume discount and the total. Add
    ``?format=csv`` for a spreadsheet."""
    invoice = InvoiceOut.model_validate(service.get(session, caller.tenant, period))
    if format == "csv":
        return Response(
            service.to_csv(invoice),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="openkyc-invoice-{period}.csv"'},
        )
    return invoice
