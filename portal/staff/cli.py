"""``flask --app portal users ...``: staff accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.core.extensions import db
from portal.staff.accounts import UserError, create_user, set_active
from portal.staff.models import ROLES, User

users = AppGroup("users", help="Staff accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--agency", type=click.Choice(["BOI", "NIA"], case_sensitive=False))
@click.option("--name", default="")
@click.option("--language", type=click.Choice(["en", "ur", "ru", "ky"]), default="en", show_default=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for (hidden, twice) when not given.",
)
def create_command(email: str, role: str, agency: str | None, name: str, language: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = create_user(email, role, agency, password, name=name, preferred_language=language)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}" + (f" ({user.agency.code})" if user.agency else ""))


@users.command("list")
def list_command() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).options(joinedload(User.agency)).order_by(User.email)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email}\t{user.role}\t{user.agency.code if user.agency else '-'}\t{state}")


@users.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Stop an account from signing in."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email}")
    set_active(user, False)
    db.session.commit()
    click.echo(f"Deactivated {user.email}")
