"""One module per ML-coding problem; see `simulator.coding.problem` for what a module defines."""
