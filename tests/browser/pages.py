"""What the browser tests do on a page besides clicking: sign in as a person would, keep a screenshot."""

from tests.paths import ARTIFACTS


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        # The code the person's phone shows now.
        from portal.accounts.models import User
        from tests.factories import totp_code

        page.fill("#id_token", totp_code(User.objects.get(username=username)))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
