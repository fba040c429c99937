"""Local fake gateways that play each provider's documented lifecycle from its manifest.

create_app(provider, ...)   a starlette app (validation, lifecycle, callbacks, faults)
FakeGateway(provider, ...)  that app on a real uvicorn server on 127.0.0.1, in a thread
Fault / FaultPlan           injected failures: error, rate_limit, slow, drop, malformed,
                            never_complete, fail_run
"""

from codegen.fake.app import FakeConfig, create_app
from codegen.fake.faults import Fault, FaultPlan
from codegen.fake.server import FakeGateway
from codegen.fake.state import Job, Store

__all__ = ["FakeConfig", "FakeGateway", "Fault", "FaultPlan", "Job", "Store", "create_app"]
