"""Every table of the application on one metadata: import this to have them all registered
(migrations' autogenerate, the model/migration comparison test, the benchmarks)."""

from xihu_desk.store import case_models, mediator_models, models, review_models, sync_models  # noqa: F401
from xihu_desk.store.base import Base

metadata = Base.metadata
