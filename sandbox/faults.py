"""Injected failures: "the next N calls of method M fail with 400/403/413/429/500/502 or hang".

Real networks fail ambiguously: a 502 or a timeout can come back although Telegram did
deliver the message. Each fault says whether the call still took effect (``delivered``),
so tests can prove that a bot neither loses nor duplicates messages when retrying.

* 429 answers ``Too Many Requests: retry after N`` with ``parameters.retry_after``;
* 500 answers JSON ``Internal Server Error``;
* 502 answers the HTML page Telegram's front-end proxy sends (not JSON), as in production;
* 400, 403 and 413 answer what Telegram answers when it refuses a call for good (a bad
  request, a forbidden one, an upload over 50 MB) — ``description`` or Telegram's usual
  words for the status; a bot must not retry these;
* ``hang=True`` holds the request for ``hang_seconds`` (longer than the client's timeout),
  then answers the real result if delivered, or 502 if not.
"""

from __future__ import annotations

from dataclasses import dataclass

BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


STATUSES = (400, 403, 413, 429, 500, 502)
DESCRIPTIONS = {
    400: "Bad Request: message is too long",
    403: "Forbidden: bot was blocked by the user",
    413: "Request Entity Too Large",
}


@dataclass
class Fault:
    method: str
    remaining: int
    status: int = 502  # 429, 500 or 502; ignored when hang is set
    delivered: bool = False
    hang: bool = False
    hang_seconds: float = 30.0
    retry_after: int = 1
    description: str = ""  # for 400/403/413; empty: Telegram's usual words (DESCRIPTIONS)
    fired: int = 0  # calls this fault has answered: tests assert their fault really struck

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "remaining": self.remaining,
            "status": self.status,
            "delivered": self.delivered,
            "hang": self.hang,
            "hang_seconds": self.hang_seconds,
            "retry_after": self.retry_after,
            "description": self.description or DESCRIPTIONS.get(self.status, ""),
            "fired": self.fired,
        }


class Faults:
    """Pending faults, consumed in the order they were injected."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def inject(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 502,
        delivered: bool = False,
        hang: bool = False,
        hang_seconds: float = 30.0,
        retry_after: int = 1,
        description: str = "",
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` fail this way."""
        if not hang and status not in STATUSES:
            raise ValueError(f"fault status must be one of {STATUSES}, not {status}")
        fault = Fault(
            method, times, status, delivered, hang, hang_seconds, retry_after, description
        )
        self.pending.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """The fault that applies to this call of ``method``, if any (counts it down)."""
        for fault in self.pending:
            if fault.method.lower() == method.lower() and fault.remaining > 0:
                fault.remaining -= 1
                fault.fired += 1
                if fault.remaining == 0:
                    self.pending.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self.pending.clear()
