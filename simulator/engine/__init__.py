"""The timed engine: state machines, timing from an injected clock, grading of finished loops."""
from simulator.engine.service import LOCAL_USER, LoopService
from simulator.engine.states import InvalidTransition, LoopState, ModeError, NotFound, RoundState

__all__ = ["LOCAL_USER", "LoopService", "ModeError", "NotFound", "InvalidTransition", "LoopState", "RoundState"]
