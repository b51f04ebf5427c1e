"""Everything that talks to a language model, behind one adapter.

`simulator.llm.adapter` is the only module in the codebase that imports
`openai`; nothing here does work at import time.
"""
from simulator.llm.config import LLMConfig, configured, from_env

__all__ = ["LLMConfig", "configured", "from_env"]
