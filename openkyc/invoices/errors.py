from openkyc.kit.errors import Conflict, NotFound


class InvoiceNotFound(NotFound):
    default_code = "INVOICE_NOT_FOUND"


class PeriodOpen(Conflict):
    default_code = "PERIOD_OPEN"
