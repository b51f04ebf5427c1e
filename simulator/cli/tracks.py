"""`mockloop tracks`: the three tracks and their loop templates."""
from __future__ import annotations

import json

import click

from simulator.cli.common import clean_errors


@click.command(name="tracks")
@click.option("--json", "as_json", is_flag=True, help="Print the track data as JSON.")
@clean_errors
def command(as_json: bool) -> None:
    """Show each track: its rounds in order, how many, how long, what they emphasise, and the bar."""
    from simulator.bank import default_bank

    bank = default_bank()
    tracks = [bank.tracks[t] for t in sorted(bank.tracks)]
    if as_json:
        click.echo(json.dumps(tracks, indent=2))
        return
    for track in tracks:
        total = sum(r["count"] * r["duration_min"] for r in track["rounds"])
        click.secho(f"{track['name']} ({track['id']})", bold=True)
        click.echo(f"  {track['summary']}")
        for r in track["rounds"]:
            count = f"{r['count']} x " if r["count"] > 1 else ""
            click.echo(f"  - {count}{r['round'].replace('_', ' ')}, {r['duration_min']:g} min, weight {r['weight']:g}: {r['emphasis']}")
        bar = ", ".join(f"{b['label']} >= {b['min_score']:.2f}" for b in track["bands"][1:])
        click.echo(f"  {total:g} minutes in all. Bar: {bar}\n")
