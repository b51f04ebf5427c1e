"""The form that starts a loop or a one-round drill."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from simulator.bank import ROUND_NAMES, ROUNDS

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms import SelectChoice as choice
except ImportError:  # older WTForms
    def choice(value: str, label: str):  # type: ignore[misc]
        return (value, label)


class NewLoopForm(FlaskForm):
    track = SelectField("Track", validators=[InputRequired()])
    round = SelectField(
        "Round", default="",
        choices=[choice("", "The whole loop")] + [choice(r, f"Drill one round: {ROUND_NAMES[r]}") for r in ROUNDS],
        description="A drill is one round on its own, timed by the question's own limit.")
    pace = FloatField(
        "Pace", default=1.0, validators=[InputRequired(), NumberRange(min=0.05, max=10)],
        description="1 is real interview time; 0.5 gives half the time, 2 twice the time.",
        render_kw={"step": "0.05", "min": "0.05", "max": "10", "inputmode": "decimal"})
    practice = BooleanField("Practice mode (you may pause; pauses are recorded)")
    submit = SubmitField("Start")
