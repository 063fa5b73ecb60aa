from openkyc.kit.errors import RateLimited, Unprocessable


class QuotaExceeded(RateLimited):
    default_code = "QUOTA_EXCEEDED"


class PeriodInvalid(Unprocessable):
    default_code = "PERIOD_INVALID"
