"""Publishing: the one gate deciding whether a change publishes, waits or is held."""

from catalogue.publishing.gate import Decision, Held, Pending, Publish, decide

__all__ = ["Decision", "Held", "Pending", "Publish", "decide"]
