"""NLU parse latency of the trained bot model, in process (what `/model/parse` costs without HTTP):
every utterance of the held-out files parsed ROUNDS times after a warm-up; prints p50, p99 and max.

Usage (in the bot's environment, from bot/): python bench/nlu_latency.py MODEL [--rounds 5]"""

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(BOT.parent), str(BOT)]  # the repository's bench package; the bot's tools
from tools.check_entity_alignment import examples_of, plain_and_spans  # noqa: E402

from bench.common import percentile  # noqa: E402

HELD_OUT = BOT / "tests" / "heldout"


def utterances() -> list[str]:
    """The held-out utterances as a person typed them (without the entity annotations)."""
    return [
        plain_and_spans(example)[0] for path in sorted(HELD_OUT.glob("*.yml")) for _intent, example in examples_of(path)
    ]


async def main(model: str, rounds: int) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    texts = utterances()
    for text in texts[:20]:  # warm-up: the first calls build TensorFlow's graphs
        await agent.parse_message(text)
    latencies = []
    for _round in range(rounds):
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"NLU parse: {len(latencies)} parses of {len(texts)} held-out utterances: "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )


if __name__ == "__main__":
    # Quiet: Rasa logs every parse through structlog (not the logging module) at debug level.
    logging.disable(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.model, arguments.rounds))
