"""`rasd ner`: train the entity tagger from a CoNLL file (registered in worker/cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

ner_app = typer.Typer(help="The statistical entity tagger (CRF).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)  # a path is never broken across lines


@ner_app.command("train")
def train(path: Annotated[Path, typer.Argument(help="CoNLL file: 'token TAG' lines, blank line between sentences")],
          out: Annotated[Path | None, typer.Option(help="model file (default: the packaged model.tsv)")] = None,
          net: Annotated[bool, typer.Option(help="also train the window network (torch: the ner-train "
                                                 "extra), written beside the model as .npz")] = True,
          rnn: Annotated[bool, typer.Option(help="with the window network, also train the recurrent layer "
                                                 "(written beside the model as _scan.npz)")] = True,
          ) -> None:
    """Train the tagger on every sentence of PATH and write the model (deterministic, a few minutes)."""
    from worker.extract.ner.resources import MODEL
    from worker.extract.ner.train import train_file

    if not path.is_file():
        err.print(f"[red]error:[/red] {path}: no such file", highlight=False)
        raise typer.Exit(2)
    try:
        summary = train_file(path, out or MODEL, net=net, rnn=rnn)
    except (ValueError, UnicodeDecodeError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
