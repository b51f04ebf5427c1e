"""Accounts on a shared server: register, sign in and out, and API tokens for scripts."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from simulator.accounts import AccountError, RateLimited
from web.auth.forms import LoginForm, PasswordForm, RegisterForm
from web.extensions import accounts
from web.security import login_required, safe_next, sign_in, sign_out

bp = Blueprint("auth", __name__, template_folder="templates")


def _multi_user_only() -> None:
    if not current_app.config["MULTI_USER"]:
        abort(404)


@bp.route("/register", methods=["GET", "POST"])
def register():
    _multi_user_only()
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            uid = accounts().register(form.username.data, form.password.data, request.remote_addr or "")
        except AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        except RateLimited as exc:  # too many taken names from this address: no testing names in bulk
            form.form_errors.append(f"Too many refused registrations; {exc}.")
            status = 429
        else:
            sign_in(uid)
            flash("Welcome! Your account is ready.", "ok")
            return redirect(url_for("loops.new"))
    if status == 200 and form.errors:
        status = 400
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    _multi_user_only()
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            uid = accounts().authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except RateLimited as exc:
            form.form_errors.append(f"Too many failed sign-ins; {exc}.")
            status = 429
        else:
            if uid is not None:
                sign_in(uid)
                return redirect(safe_next(request.args.get("next"), url_for("loops.new")))
            form.form_errors.append("Wrong username or password.")
            status = 401
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    sign_out()
    flash("You are signed out.", "ok")
    return redirect(url_for("home.index"))


def _account_page(token: str | None = None, password_form: PasswordForm | None = None, status: int = 200):
    return render_template("auth/account.html", has_token=token is not None or accounts().has_token(g.user_id),
                           token=token, username=g.username or "local",
                           password_form=password_form or PasswordForm(formdata=None)), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    """Needs the current password; every other session (a copied cookie too) ends, this one is re-issued."""
    _multi_user_only()
    form = PasswordForm()
    status = 400  # unless changed (a redirect) or locked out
    if form.validate_on_submit():
        try:
            accounts().change_password(g.user_id, form.current_password.data, form.new_password.data,
                                       request.remote_addr or "")
        except AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        except RateLimited as exc:
            form.form_errors.append(f"Too many wrong passwords; {exc}.")
            status = 429
        else:
            sign_in(g.user_id)  # this session continues in the new generation
            flash("The password is changed; every other session is signed out.", "ok")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=status)


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions():
    """Sign out everywhere else: every session of this account ends but this one (re-issued)."""
    _multi_user_only()
    accounts().end_sessions(g.user_id)
    sign_in(g.user_id)
    flash("Every other session of this account is signed out.", "ok")
    return redirect(url_for("auth.account"))


@bp.post("/account/token")
@login_required
def create_token():
    return _account_page(token=accounts().create_token(g.user_id))


@bp.post("/account/token/revoke")
@login_required
def revoke_token():
    accounts().revoke_token(g.user_id)
    flash("The API token is revoked.", "ok")
    return redirect(url_for("auth.account"))
