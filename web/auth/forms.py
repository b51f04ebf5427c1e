"""Sign-in and registration forms (CSRF-protected by Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from simulator.accounts import MAX_PASSWORD, MIN_PASSWORD


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_PASSWORD)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(min=3, max=40)],
                           render_kw={"autocomplete": "username"},
                           description="3 to 40 letters, digits, '.', '_' or '-'.")
    password = PasswordField("Password", validators=[InputRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
                             render_kw={"autocomplete": "new-password"},
                             description=f"At least {MIN_PASSWORD} characters.")
    confirm = PasswordField("Repeat the password", validators=[InputRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Create the account")


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[InputRequired(), Length(max=MAX_PASSWORD)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[InputRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
                                 render_kw={"autocomplete": "new-password"},
                                 description=f"At least {MIN_PASSWORD} characters.")
    confirm = PasswordField("Repeat the new password",
                            validators=[InputRequired(), EqualTo("new_password", "The passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField("Change the password")
